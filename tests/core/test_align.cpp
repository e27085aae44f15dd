// Alignment: the assignment solver against brute force, permuting keeps the
// function, and weight matching undoes a random permutation exactly.
#include <QtTest>

#include <algorithm>
#include <numeric>
#include <random>

#include "mergelab/align.h"
#include "mergelab/error.h"
#include "mergelab/model.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_align {

using namespace mergelab;
using namespace mergelab::testing;

namespace {

float max_difference(const WeightSet& a, const WeightSet& b) {
    float worst = 0;
    for (const auto& t : a) {
        const NamedTensor* other = find_tensor(b, t.name);
        for (size_t i = 0; i < t.values.size(); ++i)
            worst = std::max(worst, std::fabs(t.values[i] - other->values[i]));
    }
    return worst;
}

} // namespace

class TestAlign : public QObject {
    Q_OBJECT
private slots:
    void assignmentMatchesBruteForce() {
        std::mt19937_64 rng(3);
        std::uniform_real_distribution<double> u(-1, 1);
        for (int n = 1; n <= 6; ++n)
            for (int trial = 0; trial < 20; ++trial) {
                std::vector<double> score(size_t(n * n));
                for (auto& s : score)
                    s = u(rng);
                std::vector<int64_t> perm(n);
                std::iota(perm.begin(), perm.end(), int64_t(0));
                double best = -1e300;
                do {
                    double total = 0;
                    for (int i = 0; i < n; ++i)
                        total += score[size_t(i * n + perm[i])];
                    best = std::max(best, total);
                } while (std::next_permutation(perm.begin(), perm.end()));
                const auto got = max_weight_assignment(score, n);
                double total = 0;
                for (int i = 0; i < n; ++i)
                    total += score[size_t(i * n + got[i])];
                QVERIFY(std::fabs(total - best) < 1e-12);
                auto sorted = got;
                std::sort(sorted.begin(), sorted.end());
                for (int i = 0; i < n; ++i)
                    QCOMPARE(sorted[i], int64_t(i));
            }
    }

    void permutingKeepsTheFunction_data() {
        QTest::addColumn<QString>("arch");
        QTest::newRow("cnn") << "cnn";
        QTest::newRow("mlp") << "mlp";
    }
    void permutingKeepsTheFunction() {
        QFETCH(QString, arch);
        const std::string a = arch.toStdString();
        const Dataset test = make_synthetic_dataset(20, 5);
        const WeightSet w = initial_weights(a, 11);
        const WeightSet p = permute_units(w, random_permutations(w, 99));
        QVERIFY(max_difference(w, p) > 0);
        const EvalResult before = evaluate(a, w, test, 1), after = evaluate(a, p, test, 1);
        QCOMPARE(after.accuracy, before.accuracy);
        QCOMPARE(after.confusion, before.confusion);
        QVERIFY(std::fabs(after.loss - before.loss) < 1e-5);
    }

    void alignUndoesARandomPermutationExactly_data() {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<int>("seed");
        for (int seed : {1, 2, 3}) {
            QTest::newRow(qPrintable(QString("cnn %1").arg(seed))) << "cnn" << seed;
            QTest::newRow(qPrintable(QString("mlp %1").arg(seed))) << "mlp" << seed;
        }
    }
    void alignUndoesARandomPermutationExactly() {
        QFETCH(QString, arch);
        QFETCH(int, seed);
        const WeightSet w = initial_weights(arch.toStdString(), uint64_t(seed));
        const WeightSet p = permute_units(w, random_permutations(w, uint64_t(seed) + 100));
        const Alignment a = align_to(p, w);
        QCOMPARE(max_difference(a.weights, w), 0.0f);
        QVERIFY(a.passes >= 1 && a.passes <= 100);
        // Aligning a model to itself moves nothing.
        const Alignment same = align_to(w, w);
        for (const auto& perm : same.perms)
            for (size_t i = 0; i < perm.size(); ++i)
                QCOMPARE(perm[i], int64_t(i));
        QCOMPARE(same.passes, 1);
    }

    void refusesModelsOfDifferentLayouts() {
        QVERIFY_THROWS_EXCEPTION(Error, align_to(initial_weights("cnn", 1), initial_weights("mlp", 1)));
        QVERIFY_THROWS_EXCEPTION(Error, permute_units(initial_weights("mlp", 1), {{0, 0}}));
    }
};

MERGELAB_TEST_GUILESS(test_align, TestAlign)
} // namespace test_align

#include "test_align.moc"
