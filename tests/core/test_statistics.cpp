// The merges and the calibration that need statistics, each against a
// float64 reference written in this file (or float64_net.h) from the
// papers' definitions: the diagonal empirical Fisher and Fisher-weighted
// averaging, the Grams and RegMean, CCVR's per-class moments, their pooling,
// the seeded sampling and the retraining of fc2 step by step.
//
// "Error" below is |core - reference| / max(1, |reference|): absolute for
// values up to 1, relative above (Grams are sums over images). Each test
// prints its largest.
#include <QtTest>

#include <cmath>
#include <random>

#include "float64_net.h"
#include "mergelab/error.h"
#include "mergelab/model.h"
#include "mergelab/statistics.h"
#include "statistics_fixtures.h"
#include "support/test_main.h"

namespace test_statistics {

using namespace mergelab;
using float64_net::Vec;
using namespace statistics_fixtures;

namespace {

constexpr double kTolerance = 1e-6;

WeightSet random_set(const std::vector<std::pair<std::string, std::vector<int64_t>>>& spec, uint32_t seed,
                     float low = -1, float high = 1) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(low, high);
    WeightSet out;
    for (const auto& [name, shape] : spec) {
        NamedTensor t{name, shape, {}};
        t.values.resize(size_t(t.numel()));
        for (auto& v : t.values)
            v = u(rng);
        out.push_back(t);
    }
    return out;
}

// Solves a x = b (a n x n, b n x m, row-major) by Gauss-Jordan elimination
// with partial pivoting.
Vec solve(Vec a, Vec b, int n, int m) {
    for (int c = 0; c < n; ++c) {
        int pivot = c;
        for (int r = c + 1; r < n; ++r)
            if (std::abs(a[size_t(r * n + c)]) > std::abs(a[size_t(pivot * n + c)]))
                pivot = r;
        for (int k = 0; k < n; ++k)
            std::swap(a[size_t(c * n + k)], a[size_t(pivot * n + k)]);
        for (int k = 0; k < m; ++k)
            std::swap(b[size_t(c * m + k)], b[size_t(pivot * m + k)]);
        for (int r = 0; r < n; ++r) {
            if (r == c)
                continue;
            const double f = a[size_t(r * n + c)] / a[size_t(c * n + c)];
            for (int k = 0; k < n; ++k)
                a[size_t(r * n + k)] -= f * a[size_t(c * n + k)];
            for (int k = 0; k < m; ++k)
                b[size_t(r * m + k)] -= f * b[size_t(c * m + k)];
        }
    }
    for (int r = 0; r < n; ++r)
        for (int k = 0; k < m; ++k)
            b[size_t(r * m + k)] /= a[size_t(r * n + r)];
    return b;
}

// Per class: count, mean and unbiased covariance of rows of `dim` values.
struct Moments {
    int64_t count = 0;
    Vec mean, cov;
};
Moments moments(const std::vector<Vec>& rows, int dim) {
    Moments m;
    m.count = int64_t(rows.size());
    m.mean.assign(size_t(dim), 0), m.cov.assign(size_t(dim * dim), 0);
    for (const auto& r : rows)
        for (int i = 0; i < dim; ++i)
            m.mean[size_t(i)] += r[size_t(i)] / double(rows.size());
    if (rows.size() < 2)
        return m;
    for (const auto& r : rows)
        for (int i = 0; i < dim; ++i)
            for (int j = 0; j < dim; ++j)
                m.cov[size_t(i * dim + j)] += (r[size_t(i)] - m.mean[size_t(i)]) *
                                              (r[size_t(j)] - m.mean[size_t(j)]) / double(rows.size() - 1);
    return m;
}

double compare_moments(const FeatureStatistics& got, const std::array<Moments, kFashionClasses>& want) {
    double worst = 0;
    for (int c = 0; c < kFashionClasses; ++c) {
        const auto& g = got.classes[size_t(c)];
        const auto& w = want[size_t(c)];
        if (g.count != w.count)
            return INFINITY;
        if (w.count == 0)
            continue;
        for (size_t i = 0; i < w.mean.size(); ++i)
            worst = std::max(worst, error(g.mean.at(i), w.mean[i]));
        for (size_t i = 0; i < w.cov.size(); ++i)
            worst = std::max(worst, error(g.covariance.at(i), w.cov[i]));
    }
    return worst;
}

} // namespace

class TestStatistics : public QObject {
    Q_OBJECT
private slots:
    void diagonalFisherEqualsTheFloat64Backward_data() {
        QTest::addColumn<QString>("arch");
        QTest::addColumn<int>("images");
        QTest::newRow("mlp") << "mlp" << 12;
        QTest::newRow("cnn") << "cnn" << 6;
    }
    void diagonalFisherEqualsTheFloat64Backward() {
        QFETCH(QString, arch);
        QFETCH(int, images);
        const WeightSet w = model(arch.toStdString(), 3);
        const Dataset data = random_images(images, 5);
        const WeightSet fisher = diagonal_fisher(arch.toStdString(), w, data, 1);
        const auto net = float64_net::load(w);
        std::vector<Vec> want;
        for (int n = 0; n < images; ++n) {
            const auto grads = float64_net::log_likelihood_gradient(net, float64_net::forward(net, data, n),
                                                                    data.labels[size_t(n)]);
            want.resize(grads.size());
            for (size_t k = 0; k < grads.size(); ++k) {
                want[k].resize(grads[k].size());
                for (size_t i = 0; i < grads[k].size(); ++i)
                    want[k][i] += grads[k][i] * grads[k][i] / images;
            }
        }
        QCOMPARE(fisher.size(), want.size());
        double worst = 0, largest = 0;
        for (size_t k = 0; k < want.size(); ++k) {
            QCOMPARE(fisher[k].values.size(), want[k].size());
            QCOMPARE(fisher[k].shape, w[k].shape);
            for (size_t i = 0; i < want[k].size(); ++i) {
                worst = std::max(worst, error(fisher[k].values[i], want[k][i]));
                largest = std::max(largest, want[k][i]);
            }
        }
        qInfo("Fisher (%s): largest error %.3g (largest value %.3g)", qPrintable(arch), worst, largest);
        QVERIFY2(worst <= kTolerance, qPrintable(QString::number(worst)));
        QVERIFY(largest > 1e-3); // a Fisher of zeros would pass trivially
        QVERIFY_THROWS_EXCEPTION(Error, diagonal_fisher(arch.toStdString(), w, Dataset{}, 1));
    }

    void fisherMergeWeighsEachElementByItsFisher() {
        const std::vector<std::pair<std::string, std::vector<int64_t>>> spec{{"a.weight", {3, 4}},
                                                                             {"a.bias", {3}}};
        std::vector<WeightSet> models, fishers;
        for (uint32_t i = 0; i < 3; ++i) {
            models.push_back(random_set(spec, 10 + i));
            fishers.push_back(random_set(spec, 20 + i, 0, 2));
        }
        // Element 0 of a.weight: no environment's data moves it.
        for (auto& f : fishers)
            f[0].values[0] = 0;
        fishers[1][1].values[2] = 0; // one environment's zero beside others
        const std::vector<double> lambdas{1, 2, 0.5};
        const double eps = 1e-8;
        std::vector<const WeightSet*> m, f;
        for (size_t i = 0; i < 3; ++i)
            m.push_back(&models[i]), f.push_back(&fishers[i]);
        const WeightSet merged = fisher_merge(m, f, lambdas, eps);
        double worst = 0, from_mean = 0;
        for (size_t t = 0; t < spec.size(); ++t)
            for (size_t e = 0; e < merged[t].values.size(); ++e) {
                double num = 0, den = 0, mean = 0;
                for (size_t i = 0; i < 3; ++i) {
                    num += lambdas[i] * (fishers[i][t].values[e] + eps) * models[i][t].values[e];
                    den += lambdas[i] * (fishers[i][t].values[e] + eps);
                    mean += lambdas[i] * models[i][t].values[e] / 3.5;
                }
                worst = std::max(worst, error(merged[t].values[e], num / den));
                if (t == 0 && e == 0)
                    QVERIFY(std::abs(merged[t].values[e] - mean) <
                            1e-6); // all zero: the lambda-weighted mean
                else
                    from_mean = std::max(from_mean, std::abs(merged[t].values[e] - mean));
            }
        qInfo("Fisher merge: largest error %.3g", worst);
        QVERIFY2(worst <= kTolerance, qPrintable(QString::number(worst)));
        QVERIFY(from_mean > 0.05);
        // Equal Fishers: the lambda-weighted mean; default lambdas: the plain mean.
        const WeightSet flat = fisher_merge(m, {&fishers[0], &fishers[0], &fishers[0]});
        for (size_t e = 0; e < flat[1].values.size(); ++e)
            QVERIFY(std::abs(flat[1].values[e] -
                             (models[0][1].values[e] + models[1][1].values[e] + models[2][1].values[e]) / 3) <
                    1e-6);
        WeightSet negative = fishers[2];
        negative[1].values[0] = -1;
        QVERIFY_THROWS_EXCEPTION(Error, fisher_merge(m, {&fishers[0], &fishers[1], &negative}));
        QVERIFY_THROWS_EXCEPTION(Error, fisher_merge(m, {&fishers[0], &fishers[1]}));
        QVERIFY_THROWS_EXCEPTION(Error, fisher_merge(m, f, {1, 0, 1}));
    }

    void gramsEqualTheFloat64Forward_data() {
        QTest::addColumn<QString>("arch");
        QTest::newRow("mlp") << "mlp";
        QTest::newRow("cnn") << "cnn";
    }
    void gramsEqualTheFloat64Forward() {
        QFETCH(QString, arch);
        const WeightSet w = model(arch.toStdString(), 4);
        const Dataset data = random_images(7, 6);
        const InputGrams grams = linear_input_grams(arch.toStdString(), w, data, 1);
        QCOMPARE(grams.size(), size_t(2));
        const auto net = float64_net::load(w);
        std::vector<float64_net::Pass> passes;
        for (int n = 0; n < 7; ++n)
            passes.push_back(float64_net::forward(net, data, n));
        double worst = 0;
        for (const auto& g : grams) {
            const bool first = g.layer == "fc1";
            QVERIFY(first || g.layer == "fc2");
            const int64_t dim = first ? net.in1 : 128;
            QCOMPARE(g.dim, dim);
            QCOMPARE(g.count, int64_t(7));
            for (int64_t i = 0; i < dim; ++i)
                for (int64_t j = 0; j < dim; ++j) {
                    double want = 0;
                    for (const auto& p : passes) {
                        const Vec& x = first ? p.in1 : p.a;
                        want += x[size_t(i)] * x[size_t(j)];
                    }
                    worst = std::max(worst, error(g.values[size_t(i * dim + j)], want));
                }
        }
        qInfo("Grams (%s): largest error %.3g", qPrintable(arch), worst);
        QVERIFY2(worst <= kTolerance, qPrintable(QString::number(worst)));
    }

    // Three environments' linear layers and Grams of random inputs: one
    // environment with fewer images than inputs, and an input that is 0 in
    // every environment's data.
    void regmeanSolvesTheRegressionOfEachLinearLayer() {
        const std::vector<std::pair<std::string, std::vector<int64_t>>> spec{{"conv1.weight", {2, 1, 2, 2}},
                                                                             {"fc1.weight", {4, 6}},
                                                                             {"fc1.bias", {4}},
                                                                             {"fc2.weight", {3, 4}},
                                                                             {"fc2.bias", {3}}};
        const double alpha = 0.9;
        const int rows[3] = {2, 7, 10};
        std::vector<WeightSet> models;
        std::vector<InputGrams> grams(3);
        std::mt19937 rng(31);
        std::normal_distribution<double> normal(0, 1);
        for (int i = 0; i < 3; ++i) {
            models.push_back(random_set(spec, 40 + uint32_t(i)));
            for (auto [layer, dim] : {std::pair<std::string, int>{"fc1", 6}, {"fc2", 4}}) {
                InputGram g{layer, dim, rows[i], Vec(size_t(dim * dim), 0)};
                for (int r = 0; r < rows[i]; ++r) {
                    Vec x(static_cast<size_t>(dim));
                    for (int k = 0; k < dim; ++k)
                        x[size_t(k)] = (layer == "fc1" && k == 5) ? 0 : normal(rng) + 0.5 * i;
                    for (int a = 0; a < dim; ++a)
                        for (int b = 0; b < dim; ++b)
                            g.values[size_t(a * dim + b)] += x[size_t(a)] * x[size_t(b)];
                }
                grams[size_t(i)].push_back(g);
            }
        }
        std::vector<const WeightSet*> m{&models[0], &models[1], &models[2]};
        std::vector<const InputGrams*> g{&grams[0], &grams[1], &grams[2]};
        const WeightSet merged = regmean_merge(m, g, alpha);
        double worst = 0, from_mean = 0;
        for (size_t t = 0; t < spec.size(); ++t) {
            const std::string& name = spec[t].first;
            Vec want(merged[t].values.size(), 0);
            for (size_t e = 0; e < want.size(); ++e)
                for (int i = 0; i < 3; ++i)
                    want[e] += models[size_t(i)][t].values[e] / 3;
            const Vec mean = want;
            if (name == "fc1.weight" || name == "fc2.weight") {
                const int out = int(spec[t].second[0]), dim = int(spec[t].second[1]);
                const size_t layer = name == "fc1.weight" ? 0 : 1;
                // The active inputs: those non-zero somewhere.
                std::vector<int> act;
                for (int a = 0; a < dim; ++a)
                    if (grams[0][layer].values[size_t(a * dim + a)] +
                            grams[1][layer].values[size_t(a * dim + a)] +
                            grams[2][layer].values[size_t(a * dim + a)] >
                        0)
                        act.push_back(a);
                const int n = int(act.size());
                Vec s(size_t(n * n), 0), r(size_t(n * out), 0);
                for (int i = 0; i < 3; ++i) {
                    const Vec& gi = grams[size_t(i)][layer].values;
                    auto tilde = [&](int a, int b) {
                        return a == b ? gi[size_t(a * dim + b)] : alpha * gi[size_t(a * dim + b)];
                    };
                    for (int a = 0; a < n; ++a) {
                        for (int b = 0; b < n; ++b)
                            s[size_t(a * n + b)] += tilde(act[size_t(a)], act[size_t(b)]);
                        for (int o = 0; o < out; ++o)
                            for (int b = 0; b < dim; ++b) // (G~ W^T)[a][o], W^T[b][o] = W[o][b]
                                r[size_t(a * out + o)] += tilde(act[size_t(a)], b) *
                                                          models[size_t(i)][t].values[size_t(o * dim + b)];
                    }
                }
                const Vec x = solve(s, r, n, out); // rows of W^T
                for (int a = 0; a < n; ++a)
                    for (int o = 0; o < out; ++o)
                        want[size_t(o * dim + act[size_t(a)])] = x[size_t(a * out + o)];
                if (name == "fc1.weight")
                    QCOMPARE(act.size(), size_t(5));
            }
            for (size_t e = 0; e < want.size(); ++e) {
                worst = std::max(worst, error(merged[t].values[e], want[e]));
                from_mean = std::max(from_mean, std::abs(want[e] - mean[e]));
            }
        }
        qInfo("RegMean: largest error %.3g", worst);
        QVERIFY2(worst <= kTolerance, qPrintable(QString::number(worst)));
        QVERIFY(from_mean > 0.05); // not the average in disguise
        // alpha 1 with the zero input is still solvable (that row is averaged);
        // a Gram that is not positive semi-definite is refused.
        regmean_merge(m, g, 1.0);
        InputGrams bad = grams[0];
        bad[1].values[1] = bad[1].values[4] = 1000; // |G_01| > sqrt(G_00 G_11)
        QVERIFY_THROWS_EXCEPTION(Error, regmean_merge({&models[0], &models[1]}, {&bad, &bad}, 1.0));
        QVERIFY_THROWS_EXCEPTION(Error, regmean_merge(m, g, 0.0));
        QVERIFY_THROWS_EXCEPTION(Error, regmean_merge(m, {&grams[0], &grams[1]}, alpha));
    }

    void penultimateMomentsEqualTheFloat64Forward_data() {
        QTest::addColumn<QString>("arch");
        QTest::newRow("mlp") << "mlp";
        QTest::newRow("cnn") << "cnn";
    }
    // The features are taken in float32, as the model trains; their moments
    // must still agree with a float64 forward to 1e-6.
    void penultimateMomentsEqualTheFloat64Forward() {
        QFETCH(QString, arch);
        const WeightSet w = model(arch.toStdString(), 8);
        // Class 3 has one image (covariance zero), class 9 none.
        const std::vector<int> labels{0, 1, 0, 2, 1, 0, 3, 2, 2, 1, 0, 5, 5};
        const Dataset data = random_images(int(labels.size()), 9, labels);
        const FeatureStatistics stats = penultimate_statistics(arch.toStdString(), w, data, 1);
        QCOMPARE(stats.dim, int64_t(128));
        const auto net = float64_net::load(w);
        std::array<std::vector<Vec>, kFashionClasses> rows;
        for (size_t n = 0; n < labels.size(); ++n)
            rows[size_t(labels[n])].push_back(float64_net::forward(net, data, int64_t(n)).a);
        std::array<Moments, kFashionClasses> want;
        for (int c = 0; c < kFashionClasses; ++c)
            want[size_t(c)] = moments(rows[size_t(c)], 128);
        const double worst = compare_moments(stats, want);
        qInfo("Penultimate moments (%s): largest error %.3g", qPrintable(arch), worst);
        QVERIFY2(worst <= kTolerance, qPrintable(QString::number(worst)));
        QCOMPARE(stats.classes[9].count, int64_t(0));
        QVERIFY(stats.classes[3].covariance == Vec(128 * 128, 0.0));
    }

    // Each environment's moments of its own rows, pooled, against the moments
    // of all rows together.
    void pooledMomentsEqualThoseOfAllFeaturesTogether() {
        const int dim = 4;
        std::mt19937 rng(55);
        std::normal_distribution<double> normal(0, 1);
        // Rows per class and environment: absent, single and shared classes.
        const int counts[3][4] = {{5, 1, 0, 3}, {2, 0, 0, 1}, {7, 0, 1, 0}};
        std::array<std::vector<Vec>, kFashionClasses> all;
        std::vector<FeatureStatistics> envs(3);
        for (int k = 0; k < 3; ++k) {
            envs[size_t(k)].dim = dim;
            envs[size_t(k)].classes.resize(kFashionClasses);
            for (int c = 0; c < 4; ++c) {
                std::vector<Vec> rows;
                for (int r = 0; r < counts[k][c]; ++r) {
                    Vec x(dim);
                    for (int i = 0; i < dim; ++i)
                        x[size_t(i)] = 3 * c + k + normal(rng) * (1 + i);
                    rows.push_back(x), all[size_t(c)].push_back(x);
                }
                const Moments m = moments(rows, dim);
                auto& cls = envs[size_t(k)].classes[size_t(c)];
                cls.count = m.count;
                if (m.count > 0)
                    cls.mean = m.mean, cls.covariance = m.cov;
            }
        }
        const FeatureStatistics pooled = pool_feature_statistics({&envs[0], &envs[1], &envs[2]});
        std::array<Moments, kFashionClasses> want;
        for (int c = 0; c < kFashionClasses; ++c)
            want[size_t(c)] = moments(all[size_t(c)], dim);
        const double worst = compare_moments(pooled, want);
        qInfo("Pooled moments: largest error %.3g", worst);
        QVERIFY2(worst <= kTolerance, qPrintable(QString::number(worst)));
        QCOMPARE(pooled.classes[2].count, int64_t(1));
        QCOMPARE(pooled.classes[0].count, int64_t(14));
        FeatureStatistics other = envs[1];
        other.dim = 5;
        QVERIFY_THROWS_EXCEPTION(Error, pool_feature_statistics({&envs[0], &other}));
    }

    void samplingIsSeededAndFollowsTheGaussians() {
        FeatureStatistics g;
        g.dim = 3;
        g.classes.resize(kFashionClasses);
        // Class 0: covariance of rank 2 (the third coordinate is the sum of
        // the first two); class 4: one feature; class 7: none.
        g.classes[0] = {100, {1, -2, 0.5}, {2, 0.5, 2.5, 0.5, 1, 1.5, 2.5, 1.5, 4}};
        g.classes[4] = {1, {0.25, 0.5, -1}, Vec(9, 0.0)};
        const VirtualFeatures a = sample_virtual_features(g, 20000, 7);
        QCOMPARE(a.size(), int64_t(40000));
        QVERIFY(a.values == sample_virtual_features(g, 20000, 7).values);
        QVERIFY(a.labels == sample_virtual_features(g, 20000, 7).labels);
        QVERIFY(a.values != sample_virtual_features(g, 20000, 8).values);
        std::array<std::vector<Vec>, kFashionClasses> rows;
        int switches = 0;
        for (int64_t n = 0; n < a.size(); ++n) {
            rows[a.labels[size_t(n)]].push_back(Vec(a.values.begin() + n * 3, a.values.begin() + n * 3 + 3));
            switches += n > 0 && a.labels[size_t(n)] != a.labels[size_t(n - 1)];
        }
        QVERIFY(switches > 10000); // the classes are mixed, not one block each
        QCOMPARE(rows[0].size(), size_t(20000));
        QCOMPARE(rows[4].size(), size_t(20000));
        QVERIFY(rows[7].empty());
        for (const auto& r : rows[4])
            QVERIFY(r == g.classes[4].mean);
        double off_plane = 0;
        for (const auto& r : rows[0])
            off_plane = std::max(off_plane, std::abs((r[2] - 0.5) - (r[0] - 1) - (r[1] + 2)));
        QVERIFY2(off_plane < 1e-9, qPrintable(QString::number(off_plane)));
        const Moments m = moments(rows[0], 3);
        for (int i = 0; i < 3; ++i)
            QVERIFY(std::abs(m.mean[size_t(i)] - g.classes[0].mean[size_t(i)]) < 0.05);
        for (int i = 0; i < 9; ++i)
            QVERIFY2(std::abs(m.cov[size_t(i)] - g.classes[0].covariance[size_t(i)]) < 0.15,
                     qPrintable(QString("%1: %2").arg(i).arg(m.cov[size_t(i)])));
    }

    // The retraining against plain-loop SGD with momentum on the mean
    // cross-entropy, from the same sampled features, after every step.
    void classifierRetrainingFollowsSgdStepByStep() {
        const int dim = 5;
        const WeightSet w =
            random_set({{"fc1.weight", {dim, 3}}, {"fc2.weight", {10, dim}}, {"fc2.bias", {10}}}, 77);
        FeatureStatistics g;
        g.dim = dim;
        g.classes.resize(kFashionClasses);
        std::mt19937 rng(78);
        std::uniform_real_distribution<double> u(-1, 1);
        for (int c : {1, 2, 6, 8}) {
            auto& cls = g.classes[size_t(c)];
            cls.count = 10;
            Vec a(dim * dim), cov(dim * dim, 0);
            for (auto& v : a)
                v = u(rng);
            for (int i = 0; i < dim; ++i) {
                cls.mean.push_back(2 * u(rng) + c * 0.3);
                for (int j = 0; j < dim; ++j)
                    for (int k = 0; k < dim; ++k)
                        cov[size_t(i * dim + j)] += a[size_t(i * dim + k)] * a[size_t(j * dim + k)];
            }
            cls.covariance = cov;
        }
        CalibrationOptions o;
        o.per_class = 7, o.epochs = 3, o.batch = 16, o.lr = 0.1, o.momentum = 0.9, o.seed = 3;
        const VirtualFeatures f = sample_virtual_features(g, o.per_class, o.seed);
        QCOMPARE(f.size(), int64_t(28));
        std::vector<std::pair<Vec, Vec>> steps;
        const WeightSet out = retrain_classifier(w, f, o, [&](int step, const Vec& weight, const Vec& bias) {
            QCOMPARE(step, int(steps.size()) + 1);
            steps.emplace_back(weight, bias);
        });
        QCOMPARE(steps.size(), size_t(6)); // 3 epochs of a 16 and a 12
        Vec W(w[1].values.begin(), w[1].values.end()), B(w[2].values.begin(), w[2].values.end());
        Vec mw(W.size(), 0), mb(B.size(), 0);
        double worst = 0;
        size_t step = 0;
        for (int epoch = 0; epoch < 3; ++epoch)
            for (int first = 0; first < 28; first += 16, ++step) {
                const int count = std::min(16, 28 - first);
                Vec gw(W.size(), 0), gb(B.size(), 0);
                for (int n = first; n < first + count; ++n) {
                    const double* x = &f.values[size_t(n * dim)];
                    Vec logits(10);
                    double top = -INFINITY, z = 0;
                    for (int k = 0; k < 10; ++k) {
                        logits[size_t(k)] = B[size_t(k)];
                        for (int i = 0; i < dim; ++i)
                            logits[size_t(k)] += W[size_t(k * dim + i)] * x[i];
                        top = std::max(top, logits[size_t(k)]);
                    }
                    for (double l : logits)
                        z += std::exp(l - top);
                    for (int k = 0; k < 10; ++k) {
                        // d CE / d logit_k = softmax_k - [k = label], averaged over the batch
                        const double d =
                            (std::exp(logits[size_t(k)] - top) / z - (k == f.labels[size_t(n)])) / count;
                        gb[size_t(k)] += d;
                        for (int i = 0; i < dim; ++i)
                            gw[size_t(k * dim + i)] += d * x[i];
                    }
                }
                for (size_t i = 0; i < W.size(); ++i)
                    mw[i] = o.momentum * mw[i] + gw[i], W[i] -= o.lr * mw[i];
                for (size_t i = 0; i < B.size(); ++i)
                    mb[i] = o.momentum * mb[i] + gb[i], B[i] -= o.lr * mb[i];
                for (size_t i = 0; i < W.size(); ++i)
                    worst = std::max(worst, error(steps[step].first[i], W[i]));
                for (size_t i = 0; i < B.size(); ++i)
                    worst = std::max(worst, error(steps[step].second[i], B[i]));
            }
        qInfo("fc2 retraining: largest error over %zu steps %.3g", steps.size(), worst);
        QVERIFY2(worst <= kTolerance, qPrintable(QString::number(worst)));
        QVERIFY(out[0].values == w[0].values); // only fc2 moves
        double moved = 0;
        for (size_t i = 0; i < W.size(); ++i) {
            QCOMPARE(out[1].values[i], float(steps.back().first[i]));
            moved = std::max(moved, std::abs(W[i] - w[1].values[i]));
        }
        QVERIFY(moved > 0.01);
        // The server side in one call: pool, sample, retrain; the same seed
        // gives the same model.
        FeatureStatistics half = g;
        for (auto& cls : half.classes)
            cls.count = cls.count / 2;
        const WeightSet calibrated = calibrate_classifier(w, {&half, &half}, o);
        const auto pooled = pool_feature_statistics({&half, &half});
        const WeightSet by_parts =
            retrain_classifier(w, sample_virtual_features(pooled, o.per_class, o.seed), o);
        QVERIFY(calibrated[1].values == by_parts[1].values && calibrated[2].values == by_parts[2].values);
        QVERIFY(calibrated[1].values != out[1].values); // pooling two halves shrinks the covariance by 8/9
        QVERIFY_THROWS_EXCEPTION(Error, retrain_classifier(w, VirtualFeatures{}, o));
    }
};

MERGELAB_TEST_GUILESS(test_statistics, TestStatistics)
} // namespace test_statistics

#include "test_statistics.moc"
