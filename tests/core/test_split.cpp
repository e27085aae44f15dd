// Splits: disjointness, coverage, class sets, sizes and determinism.
#include <QtTest>

#include <map>
#include <set>

#include "mergelab/error.h"
#include "mergelab/split.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_split {

using namespace mergelab;

namespace {

std::vector<uint8_t> labels_of(int per_class) {
    return testing::make_synthetic_dataset(per_class, 3).labels;
}

std::set<int> classes_in(const IndexList& idx, const std::vector<uint8_t>& labels) {
    std::set<int> out;
    for (auto i : idx)
        out.insert(labels[i]);
    return out;
}

void verify_disjoint(const std::vector<IndexList>& parts) {
    std::set<int64_t> seen;
    for (const auto& p : parts)
        for (auto i : p)
            QVERIFY2(seen.insert(i).second, "an index appears in two environments");
}

} // namespace

class TestSplit : public QObject {
    Q_OBJECT
private slots:
    void vIsStratifiedDisjointAndEqual_data() {
        QTest::addColumn<int>("envs");
        for (int e : {2, 3, 4, 7, 10})
            QTest::newRow(qPrintable(QString::number(e))) << e;
    }
    void vIsStratifiedDisjointAndEqual() {
        QFETCH(int, envs);
        const auto labels = labels_of(42);
        const auto parts = make_v_partitioner()->partition(labels, envs, 5);
        QCOMPARE(int(parts.size()), envs);
        verify_disjoint(parts);
        for (const auto& p : parts) {
            std::map<int, int> count;
            for (auto i : p)
                count[labels[i]]++;
            QCOMPARE(int(count.size()), 10);
            for (auto& [c, n] : count)
                QCOMPARE(n, 42 / envs);
        }
    }

    void sameSeedSameSplitOtherSeedOther() {
        const auto labels = labels_of(20);
        for (const char* kind : {"V", "H", "dirichlet"}) {
            SplitSpec spec;
            spec.kind = kind;
            spec.envs = 3;
            const auto a = make_partitioner(spec)->partition(labels, 3, 11);
            const auto b = make_partitioner(spec)->partition(labels, 3, 11);
            const auto c = make_partitioner(spec)->partition(labels, 3, 12);
            QVERIFY2(a == b, kind);
            QVERIFY2(a != c, kind);
        }
    }

    void hDefaultTwoEnvironmentsIsZeroToFourAndFiveToNine() {
        const auto labels = labels_of(15);
        const auto parts = make_h_partitioner()->partition(labels, 2, 1);
        verify_disjoint(parts);
        QCOMPARE(classes_in(parts[0], labels), (std::set<int>{0, 1, 2, 3, 4}));
        QCOMPARE(classes_in(parts[1], labels), (std::set<int>{5, 6, 7, 8, 9}));
        QCOMPARE(parts[0].size() + parts[1].size(), labels.size()); // every sample of its classes
    }

    void hDefaultGroupsAreAsEvenAsPossible() {
        QCOMPARE(default_class_assignment(3),
                 (std::vector<std::vector<int>>{{0, 1, 2, 3}, {4, 5, 6}, {7, 8, 9}}));
        QCOMPARE(int(default_class_assignment(10).size()), 10);
        QVERIFY_THROWS_EXCEPTION(UsageError, default_class_assignment(11));
    }

    void hExplicitAssignment() {
        const auto groups = parse_class_assignment("0,2,4,6,8;1,3,5,7,9");
        QCOMPARE(groups, (std::vector<std::vector<int>>{{0, 2, 4, 6, 8}, {1, 3, 5, 7, 9}}));
        const auto labels = labels_of(10);
        const auto parts = make_h_partitioner(groups)->partition(labels, 2, 1);
        QCOMPARE(classes_in(parts[0], labels), (std::set<int>{0, 2, 4, 6, 8}));
        QCOMPARE(format_class_assignment(parse_class_assignment("0-4;5-9")), std::string("0-4;5-9"));
        QCOMPARE(format_class_assignment(parse_class_assignment("0, 1,2;7-8")), std::string("0-2;7-8"));
    }

    void hAssignmentRefusals_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("reason");
        QTest::newRow("twice") << "0-4;4-9"
                               << "twice";
        QTest::newRow("empty env") << "0-4;;5-9"
                                   << "no classes";
        QTest::newRow("trailing empty") << "0-4;"
                                        << "no classes";
        QTest::newRow("out of range") << "0-4;5-100"
                                      << "not a class number";
        QTest::newRow("not a number") << "0-4;x"
                                      << "not a class";
        QTest::newRow("backwards") << "4-0;5-9"
                                   << "backwards";
    }
    void hAssignmentRefusals() {
        QFETCH(QString, text);
        QFETCH(QString, reason);
        try {
            parse_class_assignment(text.toStdString());
            QFAIL("accepted");
        } catch (const UsageError& e) {
            QVERIFY2(QString(e.what()).contains(reason), e.what());
        }
    }

    // Data of five classes (an image folder): H's default groups divide
    // five, V and Dirichlet use every class, and a group naming a class the
    // data lacks is refused by name.
    void anyClassCountSplits() {
        std::vector<uint8_t> labels;
        for (int i = 0; i < 40; ++i)
            for (int c = 0; c < 5; ++c)
                labels.push_back(uint8_t(c));
        QCOMPARE(label_class_count(labels), 5);
        SplitSpec h;
        h.kind = "H";
        auto envs = make_environments(h, labels, 1, 5);
        QCOMPARE(envs[0].classes, (std::vector<int>{0, 1, 2}));
        QCOMPARE(envs[1].classes, (std::vector<int>{3, 4}));
        SplitSpec v;
        envs = make_environments(v, labels, 1, 5);
        QCOMPARE(envs[1].classes, (std::vector<int>{0, 1, 2, 3, 4}));
        SplitSpec d;
        d.kind = "dirichlet";
        d.alpha = 1;
        envs = make_environments(d, labels, 1, 5);
        std::set<int> all;
        for (const auto& e : envs)
            all.insert(e.classes.begin(), e.classes.end());
        QCOMPARE(all, (std::set<int>{0, 1, 2, 3, 4}));
        h.classes = parse_class_assignment("0-2;3-6");
        try {
            make_environments(h, labels, 1, 5);
            QFAIL("a class the data lacks was accepted");
        } catch (const UsageError& e) {
            QVERIFY2(QString(e.what()).contains("class 5 is not in the data"), e.what());
        }
        QCOMPARE(default_class_assignment(2, 100)[1].front(), 50);
        QCOMPARE(default_class_assignment(3, 5), (std::vector<std::vector<int>>{{0, 1}, {2, 3}, {4}}));
        QVERIFY_THROWS_EXCEPTION(UsageError, default_class_assignment(6, 5));
    }

    void dirichletIsDisjointNonEmptyAndSkewedBySmallAlpha() {
        const auto labels = labels_of(100);
        size_t smallest = labels.size();
        std::vector<std::vector<IndexList>> all_parts;
        auto classes_above_5_percent = [&](double alpha) -> double {
            const auto parts = make_dirichlet_partitioner(alpha)->partition(labels, 5, 9);
            all_parts.push_back(parts);
            double total = 0;
            for (const auto& p : parts) {
                smallest = std::min(smallest, p.size());
                std::map<int, int> count;
                for (auto i : p)
                    count[labels[i]]++;
                for (auto& [c, n] : count)
                    total += n > 0.05 * p.size();
            }
            return total / parts.size();
        };
        const double skewed = classes_above_5_percent(0.1);
        const double uniform = classes_above_5_percent(1000);
        for (const auto& parts : all_parts)
            verify_disjoint(parts);
        QVERIFY(smallest >= 10);
        QVERIFY2(skewed < 6, qPrintable(QString::number(skewed)));
        QVERIFY2(uniform > 9.5, qPrintable(QString::number(uniform)));
    }

    void environmentsHoldOutValidationAndRespectLimit() {
        const auto labels = labels_of(100); // 1000 images
        SplitSpec spec;
        spec.envs = 2;
        auto envs = make_environments(spec, labels, 1);
        QCOMPARE(envs.size(), size_t(2));
        for (const auto& e : envs) {
            QCOMPARE(e.train.size() + e.val.size(), size_t(500));
            QCOMPARE(e.val.size(), size_t(50));
            std::set<int64_t> t(e.train.begin(), e.train.end());
            for (auto v : e.val)
                QVERIFY(!t.count(v));
            QCOMPARE(e.classes, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
        }
        spec.train_limit = 90;
        envs = make_environments(spec, labels, 1);
        for (const auto& e : envs) {
            QCOMPARE(e.train.size(), size_t(90));
            QCOMPARE(e.val.size(), size_t(10));
        }
        spec.kind = "H";
        spec.train_limit = 0;
        envs = make_environments(spec, labels, 1);
        QCOMPARE(envs[1].classes, (std::vector<int>{5, 6, 7, 8, 9}));
    }

    void invalidSpecsAreRefusedNamingTheSetting_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected");
        QTest::newRow("too few envs") << "envs=1"
                                      << "--envs";
        QTest::newRow("too many envs") << "envs=11"
                                       << "--envs";
        QTest::newRow("alpha zero") << "alpha=0"
                                    << "--alpha";
        QTest::newRow("unknown split") << "kind=Q"
                                       << "--split";
        QTest::newRow("classes vs envs") << "classes"
                                         << "--classes";
        QTest::newRow("negative limit") << "limit"
                                        << "--train-limit";
    }
    void invalidSpecsAreRefusedNamingTheSetting() {
        QFETCH(QString, field);
        QFETCH(QString, expected);
        SplitSpec spec;
        if (field == "envs=1")
            spec.envs = 1;
        if (field == "envs=11")
            spec.envs = 11;
        if (field == "alpha=0")
            spec.kind = "dirichlet", spec.alpha = 0;
        if (field == "kind=Q")
            spec.kind = "Q";
        if (field == "classes")
            spec.kind = "H", spec.envs = 3, spec.classes = parse_class_assignment("0-4;5-9");
        if (field == "limit")
            spec.train_limit = -1;
        try {
            validate(spec);
            QFAIL("accepted");
        } catch (const UsageError& e) {
            QVERIFY2(QString(e.what()).contains(expected), e.what());
        }
    }
};

MERGELAB_TEST_GUILESS(test_split, TestSplit)
} // namespace test_split

#include "test_split.moc"
