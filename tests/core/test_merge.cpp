// Merge methods: hand-computed values, ties, and refusals.
#include <QtTest>

#include <cmath>

#include "mergelab/error.h"
#include "mergelab/merge.h"
#include "support/test_main.h"

namespace test_merge {

using namespace mergelab;

namespace {

WeightSet one_tensor(std::vector<float> values, std::string name = "fc.weight") {
    const auto n = static_cast<int64_t>(values.size());
    return {NamedTensor{std::move(name), {n}, std::move(values)}};
}

std::vector<float> merged_values(const std::string& method, std::vector<std::vector<float>> inputs) {
    std::vector<WeightSet> sets;
    for (auto& v : inputs)
        sets.push_back(one_tensor(v));
    return merge_weights(method, sets).at(0).values;
}

} // namespace

class TestMerge : public QObject {
    Q_OBJECT
private slots:
    void registryNamesThePaperMethodsFirst() {
        const auto names = merge_method_names();
        QCOMPARE(std::vector<std::string>(names.begin(), names.begin() + 3),
                 (std::vector<std::string>{"avg", "max", "absmax"}));
        QVERIFY(find_merge_method("absmax") != nullptr);
        QVERIFY(find_merge_method("sum") == nullptr);
    }

    void avgHandComputed() {
        QCOMPARE(merged_values("avg", {{1, 2, 3, -4}, {3, 4, 5, 4}, {5, 6, 10, 3}}),
                 (std::vector<float>{3, 4, 6, 1}));
        // The mean of two floats is computed exactly and rounded once.
        QCOMPARE(merged_values("avg", {{0.1f}, {0.2f}}).at(0),
                 static_cast<float>((double(0.1f) + double(0.2f)) / 2));
    }

    void maxHandComputed() {
        QCOMPARE(merged_values("max", {{-1, 2, -0.5f}, {-3, 5, -0.25f}, {0, -7, -2}}),
                 (std::vector<float>{0, 5, -0.25f}));
    }

    void absmaxKeepsSignOfLargestMagnitude() {
        QCOMPARE(merged_values("absmax", {{-3, 2, 0.5f}, {2, -5, -0.25f}, {1, 1, 0.1f}}),
                 (std::vector<float>{-3, -5, 0.5f}));
    }

    void absmaxTieGoesToLowestEnvironment() {
        QCOMPARE(merged_values("absmax", {{2, -2, 1}, {-2, 2, -1}, {2, 2, 1}}),
                 (std::vector<float>{2, -2, 1}));
        QCOMPARE(merged_values("absmax", {{0, -1}, {-1, 1}}), (std::vector<float>{-1, -1}));
    }

    void everyTensorIsMerged() {
        WeightSet a{{"w", {2, 2}, {1, 2, 3, 4}}, {"b", {2}, {1, -1}}};
        WeightSet b{{"w", {2, 2}, {3, 2, 1, 0}}, {"b", {2}, {-3, 3}}};
        const WeightSet m = merge_weights("avg", std::vector<WeightSet>{a, b});
        QCOMPARE(m.size(), size_t(2));
        QCOMPARE(m[0].name, std::string("w"));
        QCOMPARE(m[0].shape, (std::vector<int64_t>{2, 2}));
        QCOMPARE(m[0].values, (std::vector<float>{2, 2, 2, 2}));
        QCOMPARE(m[1].values, (std::vector<float>{-1, 1}));
    }

    void refusesMismatchedShapesNamingTheTensor() {
        WeightSet a{{"conv1.weight", {2}, {1, 2}}};
        WeightSet b{{"conv1.weight", {1, 2}, {1, 2}}};
        try {
            merge_weights("avg", std::vector<WeightSet>{a, b});
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("conv1.weight"), e.what());
            QVERIFY2(QString(e.what()).contains("shape"), e.what());
        }
    }

    void refusesMismatchedNames() {
        try {
            merge_weights("max",
                          std::vector<WeightSet>{one_tensor({1}, "fc1.bias"), one_tensor({1}, "fc2.bias")});
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("fc1.bias") && QString(e.what()).contains("fc2.bias"),
                     e.what());
        }
    }

    void refusesUnknownMethodAndSingleSet() {
        QVERIFY_THROWS_EXCEPTION(
            UsageError, merge_weights("sum", std::vector<WeightSet>{one_tensor({1}), one_tensor({2})}));
        QVERIFY_THROWS_EXCEPTION(Error, merge_weights("avg", std::vector<WeightSet>{one_tensor({1})}));
    }
};

MERGELAB_TEST_GUILESS(test_merge, TestMerge)
} // namespace test_merge

#include "test_merge.moc"
