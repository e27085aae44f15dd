// The merges beyond the paper, hand-computed: weighted average, median,
// trimmed mean, task arithmetic, TIES, the server optimizers over rounds
// (the adaptive ones against a float64 reference),
// refusals (NaN, missing base or sizes), and the strategy spelling.
#include <QtTest>

#include <cmath>
#include <limits>
#include <random>

#include "mergelab/error.h"
#include "mergelab/merge.h"
#include "mergelab/strategy.h"
#include "support/test_main.h"

namespace test_merge_methods {

using namespace mergelab;

namespace {

WeightSet one_tensor(std::vector<float> values, std::string name = "fc.weight") {
    const auto n = static_cast<int64_t>(values.size());
    return {NamedTensor{std::move(name), {n}, std::move(values)}};
}

struct Case {
    std::vector<WeightSet> models;
    WeightSet base;
    std::vector<int64_t> sizes;
};

Case make_case(std::vector<std::vector<float>> models, std::vector<float> base = {},
               std::vector<int64_t> sizes = {}) {
    Case c;
    for (auto& m : models)
        c.models.push_back(one_tensor(m));
    if (!base.empty())
        c.base = one_tensor(base);
    c.sizes = std::move(sizes);
    return c;
}

std::vector<float> merged(const std::string& method, const Case& c, const ParamValues& params = {}) {
    MergeInputs in;
    for (const auto& m : c.models)
        in.models.push_back(&m);
    if (!c.base.empty())
        in.base = &c.base;
    in.sizes = c.sizes;
    return merge_weights(method, in, params).at(0).values;
}

} // namespace

class TestMergeMethods : public QObject {
    Q_OBJECT
private slots:
    void everyMethodIsDescribedWithItsParameters() {
        for (const auto& name : {"wavg", "median", "trimmed-mean", "task-arithmetic", "ties", "fedavgm",
                                 "fedadam", "fedadagrad", "fedyogi"}) {
            const MergeMethod* m = find_merge_method(name);
            QVERIFY2(m, name);
            QVERIFY(!m->description.empty() && !m->reference.empty() && m->make);
            for (const auto& p : m->params)
                QVERIFY(p.min <= p.default_value && p.default_value <= p.max);
        }
        QVERIFY(find_merge_method("wavg")->needs_sizes);
        QVERIFY(find_merge_method("ties")->needs_base && find_merge_method("task-arithmetic")->needs_base);
        QVERIFY(find_merge_method("fedadam")->stateful && !find_merge_method("median")->stateful);
        QVERIFY(find_merge_method("fedadagrad")->stateful && find_merge_method("fedadagrad")->needs_base);
        QVERIFY(find_merge_method("fedyogi")->stateful && find_merge_method("fedyogi")->needs_base);
        // Adagrad has no decay of the second moment, so no beta2 to set.
        QVERIFY_THROWS_EXCEPTION(UsageError,
                                 check_params(*find_merge_method("fedadagrad"), {{"beta2", 0.9}}, "--param"));
        QCOMPARE(local_rule_names(),
                 (std::vector<std::string>{"plain", "fedprox", "scaffold", "fedrs", "vimages"}));
    }

    void wavgWeighsBySize() {
        const Case c = make_case({{1, 10}, {4, -2}}, {}, {1, 2});
        QCOMPARE(merged("wavg", c), (std::vector<float>{3, 2}));
        // Equal sizes: the plain average.
        QCOMPARE(merged("wavg", make_case({{0.1f}, {0.2f}}, {}, {5, 5})),
                 merged("avg", make_case({{0.1f}, {0.2f}})));
    }

    void medianOddAndEven() {
        QCOMPARE(merged("median", make_case({{3, -1}, {1, 5}, {2, 0}})), (std::vector<float>{2, 0}));
        QCOMPARE(merged("median", make_case({{3, -1}, {1, 5}, {2, 0}, {10, 1}})),
                 (std::vector<float>{2.5f, 0.5f}));
    }

    void trimmedMeanDropsBothEnds() {
        const Case c = make_case({{100}, {1}, {2}, {3}, {-50}});
        QCOMPARE(merged("trimmed-mean", c), (std::vector<float>{2})); // floor(0.2*5) = 1 each side
        QCOMPARE(merged("trimmed-mean", c, {{"trim", 0}}), (std::vector<float>{11.2f}));
        QCOMPARE(merged("trimmed-mean", c, {{"trim", 0.4}}), (std::vector<float>{2})); // 2 each side
    }

    void taskArithmeticScalesTheSummedDeltas() {
        const Case c = make_case({{2, 0}, {4, -2}}, {1, 1});
        QCOMPARE(merged("task-arithmetic", c), (std::vector<float>{3, -1})); // lambda 1/2: the average
        QCOMPARE(merged("task-arithmetic", c, {{"lambda", 1}}), (std::vector<float>{5, -3}));
    }

    void tiesTrimsElectsAndAverages() {
        // Deltas from base 0: env 1 (3, -1, 2, 0), env 2 (-2, 4, 2, 1), env 3 (1, 1, -5, 0).
        const Case c = make_case({{3, -1, 2, 0}, {-2, 4, 2, 1}, {1, 1, -5, 0}}, {0, 0, 0, 0});
        // density 0.5 keeps the 2 largest of 4 and everything tied with the
        // second: (3, 0, 2, 0), (-2, 4, 2, 0), (1, 1, -5, 0). Sums 2, 5, -1, 0
        // elect +, +, -, none; the agreeing means are 2, 2.5, -5 and 0.
        QCOMPARE(merged("ties", c, {{"density", 0.5}}), (std::vector<float>{2, 2.5f, -5, 0}));
        // lambda scales the merged delta, on top of base.
        const Case shifted = make_case({{4, 0, 3, 1}, {-1, 5, 3, 2}, {2, 2, -4, 1}}, {1, 1, 1, 1});
        QCOMPARE(merged("ties", shifted, {{"density", 0.5}, {"lambda", 2}}),
                 (std::vector<float>{5, 6, -9, 1}));
    }

    void fedavgmKeepsMomentumAcrossRounds() {
        auto merger = find_merge_method("fedavgm")->make({{"server_lr", 1}, {"momentum", 0.5}});
        WeightSet base = one_tensor({1});
        const WeightSet a = one_tensor({0}), b = one_tensor({-2});
        MergeInputs in{{&a, &b}, &base, {}};
        // g = 1 - (-1) = 2; v = 2; w = 1 - 2 = -1.
        QCOMPARE(merger->merge(in).at(0).values, std::vector<float>{-1});
        base = one_tensor({-1});
        // g = -1 - (-1) = 0; v = 0.5 * 2 + 0 = 1; w = -1 - 1 = -2.
        QCOMPARE(merger->merge(in).at(0).values, std::vector<float>{-2});
        // A fresh merger starts from v = 0.
        QCOMPARE(find_merge_method("fedavgm")->make({{"momentum", 0.5}})->merge(in).at(0).values,
                 std::vector<float>{-1});
    }

    void fedadamFollowsReddiWithoutBiasCorrection() {
        const ParamValues p{{"server_lr", 0.1}, {"beta1", 0.5}, {"beta2", 0.5}, {"tau", 0.5}};
        auto merger = find_merge_method("fedadam")->make(p);
        WeightSet base = one_tensor({1});
        const WeightSet a = one_tensor({2}), b = one_tensor({4});
        MergeInputs in{{&a, &b}, &base, {}};
        // g = 1 - 3 = -2; m = 0.5 * 2 = 1; u = 0.5 * 4 = 2; w = 1 + 0.1 * 1 / (sqrt 2 + 0.5).
        const double w1 = 1 + 0.1 * 1 / (std::sqrt(2.0) + 0.5);
        QCOMPARE(merger->merge(in).at(0).values, std::vector<float>{float(w1)});
        // Round 2 from w1: g = w1 - 3; m = 0.5 + 0.5 (3 - w1); u = 1 + 0.5 g^2.
        base = one_tensor({float(w1)});
        const double g = double(float(w1)) - 3, m = 0.5 + 0.5 * -g, u = 1 + 0.5 * g * g;
        QCOMPARE(merger->merge(in).at(0).values,
                 std::vector<float>{float(double(float(w1)) + 0.1 * m / (std::sqrt(u) + 0.5))});
    }

    // The average of the last K rounds: after each round, the mean (over the
    // latest min(K, rounds) rounds) of each round's environment mean, which
    // the test keeps itself; the first round is that round's mean.
    void tailAverageIsTheMeanOfTheLastKRoundMeans() {
        auto merger = find_merge_method("tail-avg")->make({{"k", 3}});
        QVERIFY(find_merge_method("tail-avg")->stateful);
        std::mt19937 rng(5);
        std::normal_distribution<double> normal(0, 1);
        std::vector<std::vector<double>> means; // per round, per weight
        for (int round = 0; round < 6; ++round) {
            std::vector<float> a(4), b(4);
            std::vector<double> mean(4);
            for (size_t i = 0; i < 4; ++i) {
                a[i] = float(normal(rng)), b[i] = float(normal(rng) + round);
                mean[i] = (double(a[i]) + double(b[i])) / 2;
            }
            means.push_back(mean);
            const WeightSet wa = one_tensor(a), wb = one_tensor(b);
            const std::vector<float> out = merger->merge(MergeInputs{{&wa, &wb}, nullptr, {}}).at(0).values;
            const size_t from = means.size() > 3 ? means.size() - 3 : 0;
            for (size_t i = 0; i < 4; ++i) {
                double sum = 0;
                for (size_t r = from; r < means.size(); ++r)
                    sum += means[r][i];
                const double expected = sum / double(means.size() - from);
                QVERIFY2(
                    std::abs(out[i] - expected) < 1e-6,
                    qPrintable(
                        QString("round %1 weight %2: %3 vs %4").arg(round).arg(i).arg(out[i]).arg(expected)));
            }
            // Past the first round it is not this round's mean.
            if (round > 0)
                QVERIFY(std::abs(out[0] - mean[0]) > 1e-4);
        }
    }

    // Reddi et al.'s Algorithm 2 written out in double, element by element,
    // beside the core's float output over six rounds: three environments of
    // five weights, steps that grow and shrink so Yogi's sign takes both
    // values, size-weighted or not.
    void adaptiveServerOptimizersEqualAFloat64Reference_data() {
        QTest::addColumn<QString>("method");
        QTest::addColumn<bool>("weighted");
        for (const char* m : {"fedadam", "fedadagrad", "fedyogi"})
            for (bool w : {false, true})
                QTest::newRow(qPrintable(QString("%1%2").arg(m, w ? " weighted" : ""))) << QString(m) << w;
    }
    void adaptiveServerOptimizersEqualAFloat64Reference() {
        QFETCH(QString, method);
        QFETCH(bool, weighted);
        const double lr = 0.3, b1 = 0.6, b2 = 0.8, tau = 0.05;
        ParamValues p{{"server_lr", lr}, {"beta1", b1}, {"tau", tau}, {"weighted", weighted ? 1.0 : 0.0}};
        if (method != "fedadagrad")
            p["beta2"] = b2;
        auto merger = find_merge_method(method.toStdString())->make(p);
        const std::vector<int64_t> sizes{3, 10, 5};
        const size_t n = 5;
        std::vector<double> x{0.5, -1.0, 2.0, 0.0, 0.25}, m(n, 0), v(n, 0); // v_{-1} = 0, see the core
        WeightSet base = one_tensor(std::vector<float>(x.begin(), x.end()));
        std::mt19937 rng(17);
        std::normal_distribution<double> normal(0, 1);
        double worst = 0;
        int grew = 0, shrank = 0;
        for (int round = 0; round < 6; ++round) {
            const double scale = round % 3 == 2 ? 0.05 : 1.5; // small steps after large ones
            std::vector<WeightSet> envs;
            for (int k = 0; k < 3; ++k) {
                std::vector<float> w(n);
                for (size_t i = 0; i < n; ++i)
                    w[i] = float(base[0].values[i] + scale * normal(rng));
                envs.push_back(one_tensor(w));
            }
            MergeInputs in{{&envs[0], &envs[1], &envs[2]}, &base, sizes};
            const std::vector<float> got = merger->merge(in).at(0).values;
            for (size_t i = 0; i < n; ++i) {
                double num = 0, den = 0;
                for (size_t k = 0; k < 3; ++k) {
                    const double wk = weighted ? double(sizes[k]) : 1.0;
                    num += wk * envs[k][0].values[i], den += wk;
                }
                // The core's base is its own float output; the reference
                // keeps x in double and steps from the same environments.
                const double delta = num / den - x[i];
                m[i] = b1 * m[i] + (1 - b1) * delta;
                if (method == "fedadam") {
                    v[i] = b2 * v[i] + (1 - b2) * delta * delta;
                } else if (method == "fedadagrad") {
                    v[i] = v[i] + delta * delta;
                } else {
                    const double d = v[i] - delta * delta;
                    (d > 0 ? shrank : grew) += 1;
                    v[i] = v[i] - (1 - b2) * delta * delta * (d > 0 ? 1 : (d < 0 ? -1 : 0));
                }
                x[i] = x[i] + lr * m[i] / (std::sqrt(v[i]) + tau);
                worst = std::max(worst, std::abs(double(got[i]) - x[i]));
            }
            base = one_tensor(got);
        }
        qInfo("%s: largest difference from the float64 reference %.3g", qPrintable(method), worst);
        QVERIFY2(worst <= 1e-6, qPrintable(QString::number(worst)));
        if (method == "fedyogi")
            QVERIFY(grew > 0 && shrank > 0);
    }

    void refusesNanNamingTheTensor() {
        WeightSet a{{"conv1.weight", {2}, {1, 2}},
                    {"fc2.bias", {2}, {1, std::numeric_limits<float>::quiet_NaN()}}};
        WeightSet b{{"conv1.weight", {2}, {1, 2}}, {"fc2.bias", {2}, {1, 2}}};
        for (const auto& method : merge_method_names()) {
            MergeInputs in{{&b, &a}, &b, {1, 1}};
            try {
                merge_weights(method, in);
                QFAIL(qPrintable(QString::fromStdString(method) + " accepted NaN"));
            } catch (const Error& e) {
                QVERIFY2(QString(e.what()).contains("fc2.bias") && QString(e.what()).contains("NaN") &&
                             QString(e.what()).contains("model 2"),
                         e.what());
            }
        }
    }

    void refusesMissingBaseAndSizes() {
        const Case c = make_case({{1}, {2}});
        QVERIFY_THROWS_EXCEPTION(Error, merged("ties", c));
        QVERIFY_THROWS_EXCEPTION(Error, merged("wavg", c));
        QVERIFY_THROWS_EXCEPTION(Error, merged("fedavgm", make_case({{1}, {2}}, {0}), {{"weighted", 1}}));
        QVERIFY_THROWS_EXCEPTION(UsageError, merged("ties", make_case({{1}, {2}}, {0}), {{"density", 2}}));
        QVERIFY_THROWS_EXCEPTION(UsageError, merged("median", c, {{"trim", 0.1}}));
    }

    void strategiesParseMethodRuleAndParameters() {
        const Strategy s = parse_strategy("avg+fedprox:mu=0.05");
        QCOMPARE(s.method.name, std::string("avg"));
        QCOMPARE(s.rule.name, std::string("fedprox"));
        QVERIFY(s.rule_given && s.method.params.empty());
        QCOMPARE(s.rule.params.at("mu"), 0.05);
        const Strategy t = parse_strategy("ties:density=0.3,lambda=2");
        QCOMPARE(t.rule.name, std::string("plain"));
        QVERIFY(!t.rule_given);
        QCOMPARE(t.method.params.at("density"), 0.3);
        QCOMPARE(format_choice(t.method), std::string("ties:density=0.3,lambda=2"));
        for (const char* bad : {"sum", "avg+sgd", "ties:density", "ties:density=x", "ties:density=2",
                                "avg:mu=1", "ties:density=0.1,density=0.2", "fedavgm+scaffold:mu=1"})
            QVERIFY_THROWS_EXCEPTION(UsageError, parse_strategy(bad));
        QVERIFY_THROWS_EXCEPTION(UsageError, parse_method_choice("avg+fedprox"));
        QCOMPARE(parse_rule_choice("fedprox:mu=1").params.at("mu"), 1.0);
    }
};

MERGELAB_TEST_GUILESS(test_merge_methods, TestMergeMethods)
} // namespace test_merge_methods

#include "test_merge_methods.moc"
