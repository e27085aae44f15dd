// The vimages local rule: each environment's per-class image moments, equal
// to a float64 reference written from the definition; the Gaussians of the
// missing classes exchanged once, with their bytes in the first round; a
// rule that changes nothing where no class is missing (V) or with weight 0,
// and changes the run where classes are missing (H), the same way twice.
#include <QtTest>

#include <QTemporaryDir>

#include <cmath>

#include "mergelab/error.h"
#include "mergelab/experiment.h"
#include "mergelab/run_files.h"
#include "mergelab/statistics.h"
#include "mergelab/strategy.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_virtual_images {

using namespace mergelab;

namespace {

FashionMnist synthetic_data() {
    FashionMnist d;
    d.train = testing::make_synthetic_dataset(40, 1);
    d.test = testing::make_synthetic_dataset(20, 2);
    return d;
}

ExperimentConfig small_config(const std::string& method, const std::string& split, int rounds = 2) {
    ExperimentConfig c = testing::small_config(rounds);
    c.batch_size = 32;
    c.local_steps = 3;
    c.split.kind = split;
    c.method = method;
    c.compare = {method};
    return c;
}

std::vector<double> accuracies(const RunResult& run) {
    std::vector<double> out;
    for (const auto& r : run.rounds)
        out.push_back(r.method(run.config.method)->test_acc);
    return out;
}

} // namespace

class TestVirtualImages : public QObject {
    Q_OBJECT
    FashionMnist data_ = synthetic_data();

private slots:
    // Count, mean and unbiased covariance of pixel / 255, summed plainly in
    // long double over the images of each class.
    void imageMomentsEqualTheDefinition() {
        const Dataset& d = data_.train;
        const FeatureStatistics got = image_statistics(d, kFashionClasses);
        QCOMPARE(got.dim, int64_t(kImagePixels));
        QCOMPARE(got.classes.size(), size_t(kFashionClasses));
        double worst = 0;
        for (int c = 0; c < kFashionClasses; ++c) {
            std::vector<int64_t> rows;
            for (int64_t i = 0; i < d.size(); ++i)
                if (d.labels[size_t(i)] == c)
                    rows.push_back(i);
            const ClassFeatures& cls = got.classes[size_t(c)];
            QCOMPARE(cls.count, int64_t(rows.size()));
            const auto pixel = [&](int64_t row, int64_t p) {
                return (long double)(d.pixels[size_t(row * kImagePixels + p)]) / 255.0L;
            };
            std::vector<long double> mean(kImagePixels, 0);
            for (int64_t row : rows)
                for (int64_t p = 0; p < kImagePixels; ++p)
                    mean[size_t(p)] += pixel(row, p) / (long double)(rows.size());
            for (int64_t p = 0; p < kImagePixels; ++p)
                worst = std::max(worst, double(std::abs(mean[size_t(p)] - cls.mean[size_t(p)])));
            // Every 37th row of the covariance: the whole would be slow in long double.
            for (int64_t p = 0; p < kImagePixels; p += 37)
                for (int64_t q = 0; q < kImagePixels; ++q) {
                    long double s = 0;
                    for (int64_t row : rows)
                        s += (pixel(row, p) - mean[size_t(p)]) * (pixel(row, q) - mean[size_t(q)]);
                    s /= (long double)(rows.size() - 1);
                    worst =
                        std::max(worst, double(std::abs(s - cls.covariance[size_t(p * kImagePixels + q)])));
                }
        }
        QVERIFY2(worst < 1e-6, qPrintable(QString::number(worst)));
    }

    void ruleIsARegistryEntry() {
        const LocalRule* rule = find_local_rule("vimages");
        QVERIFY(rule);
        QVERIFY(!rule->reference.empty());
        const Strategy s = parse_strategy("avg+vimages:weight=0.5,per_step=32@ccvr:copy=1");
        QCOMPARE(QString::fromStdString(s.rule.name), QString("vimages"));
        QCOMPARE(s.rule.params.at("weight"), 0.5);
        QCOMPARE(s.rule.params.at("per_step"), 32.0);
        QVERIFY_THROWS_EXCEPTION(UsageError, parse_strategy("avg+vimages:weight=11"));
    }

    // H: the moments go up and the Gaussians of the missing classes come
    // down once, counted in round 1; the run differs from plain avg, and the
    // same settings give the same numbers again.
    void missingClassesChangeTheRunTheSameWayTwice() {
        const RunResult plain = run_experiment(small_config("avg", "H"), data_)[0];
        const RunResult a = run_experiment(small_config("avg+vimages", "H"), data_)[0];
        const RunResult b = run_experiment(small_config("avg+vimages", "H"), data_)[0];
        QCOMPARE(accuracies(a), accuracies(b));
        QVERIFY(accuracies(a) != accuracies(plain));
        // Five classes of 784 pixels each way: a mean and a covariance each.
        const int64_t five_classes = 5 * (kImagePixels + int64_t(kImagePixels) * kImagePixels) * 8;
        for (size_t k = 0; k < a.rounds[0].envs.size(); ++k) {
            const EnvRoundMetrics& first = a.rounds[0].envs[k];
            QVERIFY(first.sent_statistics_bytes > five_classes);
            QVERIFY(first.received_statistics_bytes > five_classes);
            QVERIFY(first.received_statistics_bytes < five_classes + 4096);
            QCOMPARE(a.rounds[1].envs[k].sent_statistics_bytes, int64_t(0));
            QCOMPARE(a.rounds[1].envs[k].received_statistics_bytes, int64_t(0));
            QCOMPARE(plain.rounds[0].envs[k].received_statistics_bytes, int64_t(0));
        }
    }

    // No class is missing in V, and weight 0 adds nothing: plain avg's numbers.
    void nothingMissingOrWeightZeroIsPlainTraining_data() {
        QTest::addColumn<QString>("split");
        QTest::addColumn<QString>("method");
        QTest::newRow("V") << "V"
                           << "avg+vimages";
        QTest::newRow("H, weight 0") << "H"
                                     << "avg+vimages:weight=0";
    }
    void nothingMissingOrWeightZeroIsPlainTraining() {
        QFETCH(QString, split);
        QFETCH(QString, method);
        const RunResult plain = run_experiment(small_config("avg", split.toStdString()), data_)[0];
        const RunResult rule =
            run_experiment(small_config(method.toStdString(), split.toStdString()), data_)[0];
        QCOMPARE(accuracies(rule), accuracies(plain));
    }

    // The bytes that came down are written and read back.
    void receivedStatisticsAreReadBack() {
        QTemporaryDir dir;
        ExperimentConfig c = small_config("avg+vimages", "H", 1);
        c.out_dir = dir.filePath("run").toStdString();
        const RunResult run = run_experiment(c, data_)[0];
        const RunResult back = load_runs(c.out_dir).at(0);
        QCOMPARE(back.rounds[0].envs[0].received_statistics_bytes,
                 run.rounds[0].envs[0].received_statistics_bytes);
        QVERIFY(back.rounds[0].envs[0].received_statistics_bytes > 0);
    }
};

MERGELAB_TEST_GUILESS(test_virtual_images, TestVirtualImages)
} // namespace test_virtual_images

#include "test_virtual_images.moc"
