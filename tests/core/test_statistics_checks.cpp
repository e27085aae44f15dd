// Feature statistics as they arrive from an environment process: what an
// honest environment sends passes unchanged, and everything a hostile peer
// could send instead (a wrong dimension, NaN, counts beyond its data,
// labels outside the model's classes, asymmetric or oversized covariances,
// another version) is refused with a sentence saying what was wrong. The
// coordinator adds the environment's name (test_distributed, coordinator.cpp).
//
// Before Qt's headers, so that Qt's keyword macros never reach protobuf's.
#include "remote/checks.h"

#include <QtTest>

#include <cmath>
#include <limits>

#include "mergelab/distributed.h"
#include "support/test_main.h"

namespace test_statistics_checks {

using namespace mergelab;
using namespace mergelab::remote;

namespace {

constexpr int64_t kDim = 4;
constexpr int kClasses = 3;
constexpr int64_t kTrainSize = 50;

// Classes 0 and 2 held, class 1 not.
FeatureStatistics honest() {
    FeatureStatistics s;
    s.dim = kDim;
    s.classes.resize(kClasses);
    for (int c : {0, 2}) {
        ClassFeatures& f = s.classes[size_t(c)];
        f.count = 10 + c;
        for (int64_t i = 0; i < kDim; ++i)
            f.mean.push_back(0.5 * double(i + c));
        for (int64_t i = 0; i < kDim; ++i)
            for (int64_t j = 0; j < kDim; ++j)
                f.covariance.push_back(i == j ? 2.0 + double(i) : 0.25 / double(1 + i + j));
    }
    return s;
}

// The low-rank form of rank 2: class 0 with two columns, class 2 with one
// image (a mean only).
FeatureStatistics honest_low_rank() {
    FeatureStatistics s;
    s.dim = kDim, s.rank = 2;
    s.classes.resize(kClasses);
    ClassFeatures& f = s.classes[0];
    f.count = 12, f.residual = 0.125;
    for (int64_t i = 0; i < kDim; ++i)
        f.mean.push_back(0.5 * double(i)), f.factor.push_back(1.0 + double(i)), f.factor.push_back(-0.5);
    s.classes[2].count = 1, s.classes[2].mean.assign(kDim, 3.0);
    return s;
}

} // namespace

class TestStatisticsChecks : public QObject {
    Q_OBJECT

private slots:
    void honestStatisticsPassUnchanged() {
        const FeatureStatistics s = honest();
        const wire::FeatureStatistics w = encode(s);
        QCOMPARE(w.version(), uint32_t(kStatisticsVersion));
        QCOMPARE(w.classes_size(), 2); // the class it does not hold is left out
        const FeatureStatistics back = decode(w, kDim, kClasses, kTrainSize);
        QCOMPARE(back.dim, kDim);
        QCOMPARE(back.classes.size(), size_t(kClasses));
        for (int c = 0; c < kClasses; ++c) {
            QCOMPARE(back.classes[size_t(c)].count, s.classes[size_t(c)].count);
            QVERIFY(back.classes[size_t(c)].mean == s.classes[size_t(c)].mean);
            QVERIFY(back.classes[size_t(c)].covariance == s.classes[size_t(c)].covariance);
        }
        QCOMPARE(payload_bytes(s), int64_t(w.ByteSizeLong()));
        QVERIFY(int64_t(w.ByteSizeLong()) <= statistics_bound(kDim, kClasses));
    }

    void hostileStatisticsAreRefused_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("says");
        QTest::newRow("wrong dim") << 0 << "have 5 dimensions; the run's features have 4";
        QTest::newRow("NaN mean") << 1 << "mean that is not finite";
        QTest::newRow("infinite covariance") << 2 << "covariance that is not finite";
        QTest::newRow("huge count") << 3 << "count 1000000000000 images of class 0; it trains on 50";
        QTest::newRow("negative count") << 4 << "count -3 images";
        QTest::newRow("counts beyond the data together") << 5 << "more images than the 50";
        QTest::newRow("class out of range") << 6 << "name class 3; the model has classes 0..2";
        QTest::newRow("class twice") << 7 << "give class 0 twice";
        QTest::newRow("short covariance") << 8 << "hold 4 mean and 15 covariance values, not 4 and 16";
        QTest::newRow("asymmetric") << 9 << "not symmetric";
        QTest::newRow("negative variance") << 10 << "negative variance";
        QTest::newRow("other version") << 11 << "version 7";
        QTest::newRow("oversized") << 12 << "more than the";
    }
    void hostileStatisticsAreRefused() {
        QFETCH(int, kind);
        QFETCH(QString, says);
        wire::FeatureStatistics w = encode(honest());
        wire::ClassFeatures& first = *w.mutable_classes(0);
        switch (kind) {
        case 0:
            w.set_dim(kDim + 1);
            break;
        case 1:
            first.set_mean(1, std::numeric_limits<double>::quiet_NaN());
            break;
        case 2:
            first.set_covariance(5, std::numeric_limits<double>::infinity());
            break;
        case 3:
            first.set_count(1000000000000);
            break;
        case 4:
            first.set_count(-3);
            break;
        case 5:
            first.set_count(40), w.mutable_classes(1)->set_count(40);
            break;
        case 6:
            w.mutable_classes(1)->set_label(kClasses);
            break;
        case 7:
            w.mutable_classes(1)->set_label(0);
            break;
        case 8:
            first.mutable_covariance()->RemoveLast();
            break;
        case 9:
            first.set_covariance(1, first.covariance(1) + 0.5);
            break;
        case 10:
            first.set_covariance(0, -1.0);
            break;
        case 11:
            w.set_version(7);
            break;
        case 12:
            // Many more values than any class could hold: refused by size
            // before anything is read.
            for (int i = 0; i < 100000; ++i)
                first.add_covariance(1.0);
            break;
        }
        try {
            decode(w, kDim, kClasses, kTrainSize);
            QFAIL("accepted");
        } catch (const Refused& e) {
            QVERIFY2(QString::fromStdString(e.what()).contains(says), e.what());
        }
    }

    void lowRankStatisticsAreCheckedToo_data() {
        QTest::addColumn<int>("attack");
        QTest::addColumn<QString>("says");
        QTest::newRow("dense where low-rank was asked") << 0 << "dense covariance";
        QTest::newRow("another rank") << 1 << "rank 3";
        QTest::newRow("more columns than the rank") << 2 << "at most 2 columns";
        QTest::newRow("a factor cut short") << 3 << "not a multiple of 4";
        QTest::newRow("columns for one image") << 4 << "at most 0 columns";
        QTest::newRow("negative residual") << 5 << "residual variance";
        QTest::newRow("NaN factor") << 6 << "factor that is not finite";
        QTest::newRow("low-rank where dense was asked") << 7 << "low-rank part";
    }
    void lowRankStatisticsAreCheckedToo() {
        QFETCH(int, attack);
        QFETCH(QString, says);
        const FeatureStatistics s = honest_low_rank();
        const FeatureStatistics back = decode(encode(s), kDim, kClasses, kTrainSize, 2);
        QCOMPARE(back.rank, int64_t(2));
        QVERIFY(back.classes[0].factor == s.classes[0].factor);
        QCOMPARE(back.classes[0].residual, 0.125);
        QCOMPARE(back.classes[2].count, int64_t(1));
        wire::FeatureStatistics w = encode(s);
        wire::ClassFeatures& first = *w.mutable_classes(0);
        int64_t rank = 2;
        switch (attack) {
        case 0:
            first.add_covariance(1.0);
            break;
        case 1:
            w.set_rank(3);
            break;
        case 2:
            for (int64_t i = 0; i < kDim; ++i)
                first.add_factor(0.5);
            break;
        case 3:
            first.mutable_factor()->RemoveLast();
            break;
        case 4:
            for (int64_t i = 0; i < kDim; ++i)
                w.mutable_classes(1)->add_factor(0.5);
            break;
        case 5:
            first.set_residual(-1);
            break;
        case 6:
            first.set_factor(3, std::numeric_limits<double>::quiet_NaN());
            break;
        case 7:
            w = encode(honest());
            w.mutable_classes(0)->add_factor(1.0);
            rank = 0;
            break;
        }
        try {
            decode(w, kDim, kClasses, kTrainSize, rank);
            QFAIL("accepted");
        } catch (const Refused& e) {
            QVERIFY2(QString::fromStdString(e.what()).contains(says), e.what());
        }
    }

    void theMessageLimitMakesRoomOnlyWhenAsked() {
        WeightSet layout{{"fc1.weight", {128, 16}, std::vector<float>(128 * 16)},
                         {"fc2.weight", {10, 128}, std::vector<float>(10 * 128)},
                         {"fc2.bias", {10}, std::vector<float>(10)}};
        const int64_t plain = message_bound(layout), with = message_bound(layout, true);
        QCOMPARE(with - plain, statistics_bound(128, 10));
        // Ten classes of 128 features: the counts, means and covariances fit.
        FeatureStatistics full;
        full.dim = 128;
        full.classes.assign(
            10, ClassFeatures{5, std::vector<double>(128, 1.0), std::vector<double>(128 * 128, 1.0)});
        QVERIFY(payload_bytes(full) <= statistics_bound(128, 10));
        // Two layers: fc1's 16 inputs in the low-rank form.
        const StatisticsKind deep{0, 2, 8};
        QCOMPARE(message_bound(layout, true, deep) - plain, statistics_bound(16, 10, 8));
        FeatureStatistics low;
        low.dim = 16, low.rank = 8;
        low.classes.assign(
            10, ClassFeatures{50, std::vector<double>(16, 1.0), {}, std::vector<double>(16 * 8, 1.0), 1});
        QVERIFY(payload_bytes(low) <= statistics_bound(16, 10, 8));
    }
};

MERGELAB_TEST_GUILESS(test_statistics_checks, TestStatisticsChecks)
} // namespace test_statistics_checks

#include "test_statistics_checks.moc"
