// The calibration of fc1 and fc2 together (`@ccvr:layers=2`): the low-rank
// moments of fc1's inputs, their pooling and sampling, and the two-layer
// retraining, each against a float64 reference written from its
// definition (statistics.h). Torch comes first: this target builds with
// Qt's keywords off (QT_NO_KEYWORDS), since Qt's `slots` macro breaks it.
#include <torch/torch.h>

#include <QtTest>

#include <cmath>
#include <random>

#include "float64_net.h"
#include "mergelab/error.h"
#include "mergelab/model.h"
#include "mergelab/statistics.h"
#include "statistics_fixtures.h"
#include "support/test_main.h"

namespace test_head_calibration {

using namespace mergelab;
using float64_net::Vec;
using namespace statistics_fixtures;

namespace {

constexpr double kTolerance = 1e-6;

// The unbiased covariance of `rows`, dense.
Vec covariance(const std::vector<Vec>& rows, Vec* mean_out = nullptr) {
    const size_t d = rows.at(0).size(), n = rows.size();
    Vec mean(d, 0), cov(d * d, 0);
    for (const auto& r : rows)
        for (size_t i = 0; i < d; ++i)
            mean[i] += r[i] / double(n);
    for (const auto& r : rows)
        for (size_t i = 0; i < d; ++i)
            for (size_t j = 0; j < d; ++j)
                cov[i * d + j] += (r[i] - mean[i]) * (r[j] - mean[j]) / double(n - 1);
    if (mean_out)
        *mean_out = mean;
    return cov;
}

// factor factor^T + residual I, dense.
Vec reconstructed(const ClassFeatures& c, size_t d) {
    const size_t cols = c.factor.size() / d;
    Vec out(d * d, 0);
    for (size_t i = 0; i < d; ++i)
        for (size_t j = 0; j < d; ++j) {
            double v = i == j ? c.residual : 0;
            for (size_t k = 0; k < cols; ++k)
                v += c.factor[i * cols + k] * c.factor[j * cols + k];
            out[i * d + j] = v;
        }
    return out;
}

// The largest eigenvalue of a symmetric d x d matrix and its unit vector,
// by power iteration.
double leading(const Vec& a, size_t d, Vec& v) {
    v.assign(d, 1.0 / std::sqrt(double(d)));
    double value = 0;
    for (int it = 0; it < 500; ++it) {
        Vec next(d, 0);
        for (size_t i = 0; i < d; ++i)
            for (size_t j = 0; j < d; ++j)
                next[i] += a[i * d + j] * v[j];
        double norm = 0;
        for (double x : next)
            norm += x * x;
        norm = std::sqrt(norm);
        for (size_t i = 0; i < d; ++i)
            v[i] = next[i] / norm;
        if (std::abs(norm - value) <= 1e-14 * norm)
            break;
        value = norm;
    }
    return value;
}

double quadratic(const Vec& a, const Vec& v) {
    const size_t d = v.size();
    double q = 0;
    for (size_t i = 0; i < d; ++i)
        for (size_t j = 0; j < d; ++j)
            q += v[i] * a[i * d + j] * v[j];
    return q;
}

} // namespace

class TestHeadCalibration : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void lowRankMomentsKeepTheLeadingVariances_data() {
        QTest::addColumn<QString>("arch");
        QTest::newRow("mlp") << "mlp";
        QTest::newRow("cnn") << "cnn";
    }
    // Class 2 has 3 images, so rank 3 holds its whole covariance; class 5
    // has 8, so rank 3 keeps the leading variance and the total; class 7
    // has one image (a mean only), the others none.
    void lowRankMomentsKeepTheLeadingVariances() {
        QFETCH(QString, arch);
        const WeightSet w = model(arch.toStdString(), 21);
        const std::vector<int> labels{5, 2, 5, 5, 2, 5, 7, 5, 5, 2, 5, 5};
        const Dataset data = random_images(int(labels.size()), 22, labels);
        const FeatureStatistics got = head_input_statistics(arch.toStdString(), w, data, 3, 1);
        const auto net = float64_net::load(w);
        const size_t d = size_t(net.in1);
        QCOMPARE(got.dim, int64_t(d));
        QCOMPARE(got.rank, int64_t(3));
        std::map<int, std::vector<Vec>> rows;
        for (size_t n = 0; n < labels.size(); ++n)
            rows[labels[n]].push_back(float64_net::forward(net, data, int64_t(n)).in1);
        double worst = 0;
        for (int c : {2, 5}) {
            Vec mean;
            const Vec want = covariance(rows[c], &mean);
            const ClassFeatures& g = got.classes[size_t(c)];
            QCOMPARE(g.count, int64_t(rows[c].size()));
            QVERIFY(g.covariance.empty());
            for (size_t i = 0; i < d; ++i)
                worst = std::max(worst, error(g.mean.at(i), mean[i]));
            const Vec mine = reconstructed(g, d);
            if (c == 2) {
                QCOMPARE(g.factor.size(), 2 * d); // count - 1 columns
                for (size_t i = 0; i < want.size(); ++i)
                    worst = std::max(worst, error(mine[i], want[i]));
            } else {
                QCOMPARE(g.factor.size(), 3 * d);
                QVERIFY(g.residual > 0);
                double trace_want = 0, trace_mine = 0;
                for (size_t i = 0; i < d; ++i)
                    trace_want += want[i * d + i], trace_mine += mine[i * d + i];
                worst = std::max(worst, error(trace_mine, trace_want));
                Vec v;
                const double top = leading(want, d, v);
                worst = std::max(worst, error(quadratic(mine, v), top));
            }
        }
        qInfo("Low-rank moments (%s): largest error %.3g", qPrintable(arch), worst);
        QVERIFY2(worst <= kTolerance, qPrintable(QString::number(worst)));
        QCOMPARE(got.classes[7].count, int64_t(1));
        QVERIFY(got.classes[7].factor.empty());
        QCOMPARE(got.classes[0].count, int64_t(0));
        QVERIFY_THROWS_EXCEPTION(Error, head_input_statistics(arch.toStdString(), w, data, 0, 1));
    }

    // Pooling in the low-rank form against the dense pooling of the same
    // covariances: the two must describe one Gaussian.
    void lowRankPoolingEqualsDensePooling() {
        const int dim = 5;
        std::mt19937 rng(31);
        std::normal_distribution<double> normal(0, 1);
        const int counts[3][4] = {{6, 1, 0, 4}, {3, 0, 0, 1}, {9, 0, 1, 0}};
        std::vector<FeatureStatistics> low(3), dense(3);
        for (int k = 0; k < 3; ++k) {
            low[size_t(k)].dim = dense[size_t(k)].dim = dim;
            low[size_t(k)].rank = 2;
            low[size_t(k)].classes.resize(kFashionClasses), dense[size_t(k)].classes.resize(kFashionClasses);
            for (int c = 0; c < 4; ++c) {
                ClassFeatures& l = low[size_t(k)].classes[size_t(c)];
                l.count = counts[k][c];
                if (l.count == 0)
                    continue;
                for (int i = 0; i < dim; ++i)
                    l.mean.push_back(c + k + normal(rng));
                if (l.count > 1) {
                    const int cols = std::min(2, int(l.count) - 1);
                    for (int i = 0; i < dim * cols; ++i)
                        l.factor.push_back(normal(rng));
                    l.residual = 0.1 + 0.05 * k;
                }
                ClassFeatures& f = dense[size_t(k)].classes[size_t(c)];
                f.count = l.count, f.mean = l.mean;
                f.covariance = l.count > 1 ? reconstructed(l, dim) : Vec(dim * dim, 0.0);
            }
        }
        const FeatureStatistics a = pool_feature_statistics({&low[0], &low[1], &low[2]});
        const FeatureStatistics b = pool_feature_statistics({&dense[0], &dense[1], &dense[2]});
        QVERIFY(a.rank > 0);
        double worst = 0;
        for (int c = 0; c < kFashionClasses; ++c) {
            QCOMPARE(a.classes[size_t(c)].count, b.classes[size_t(c)].count);
            if (b.classes[size_t(c)].count < 2)
                continue;
            for (int i = 0; i < dim; ++i)
                worst = std::max(
                    worst, error(a.classes[size_t(c)].mean[size_t(i)], b.classes[size_t(c)].mean[size_t(i)]));
            const Vec mine = reconstructed(a.classes[size_t(c)], dim);
            for (size_t i = 0; i < mine.size(); ++i)
                worst = std::max(worst, error(mine[i], b.classes[size_t(c)].covariance[i]));
        }
        qInfo("Low-rank pooling: largest error %.3g", worst);
        QVERIFY2(worst <= kTolerance, qPrintable(QString::number(worst)));
        // Class 0 is held by all three: 3 x 2 factor columns and 3 between the means.
        QCOMPARE(a.classes[0].factor.size(), size_t(dim * 9));
        // Class 3 by two environments, one of them with one image.
        QCOMPARE(a.classes[3].factor.size(), size_t(dim * 4));
        FeatureStatistics mixed = dense[1];
        QVERIFY_THROWS_EXCEPTION(Error, pool_feature_statistics({&low[0], &mixed}));
    }

    void lowRankSamplingIsSeededAndFollowsTheGaussian() {
        FeatureStatistics g;
        g.dim = 3, g.rank = 1;
        g.classes.resize(kFashionClasses);
        g.classes[1].count = 50, g.classes[1].mean = {1, -1, 2};
        g.classes[1].factor = {1.5, -0.5, 1}, g.classes[1].residual = 0.25;
        g.classes[6].count = 1, g.classes[6].mean = {0, 0.5, 0};
        const VirtualFeatures a = sample_virtual_features(g, 20000, 4);
        QCOMPARE(a.size(), int64_t(40000));
        QVERIFY(a.values == sample_virtual_features(g, 20000, 4).values);
        QVERIFY(a.values != sample_virtual_features(g, 20000, 5).values);
        // The classes are drawn in parallel; one thread gives the same draws.
        const int threads = torch::get_num_threads();
        torch::set_num_threads(1);
        const VirtualFeatures one = sample_virtual_features(g, 20000, 4);
        torch::set_num_threads(threads);
        QVERIFY(one.values == a.values && one.labels == a.labels);
        std::array<std::vector<Vec>, kFashionClasses> rows;
        for (int64_t n = 0; n < a.size(); ++n)
            rows[a.labels[size_t(n)]].push_back(Vec(a.values.begin() + n * 3, a.values.begin() + n * 3 + 3));
        for (const auto& r : rows[6])
            QVERIFY(r == g.classes[6].mean);
        Vec mean;
        const Vec cov = covariance(rows[1], &mean);
        const Vec want = reconstructed(g.classes[1], 3);
        for (int i = 0; i < 3; ++i)
            QVERIFY(std::abs(mean[size_t(i)] - g.classes[1].mean[size_t(i)]) < 0.05);
        for (int i = 0; i < 9; ++i)
            QVERIFY2(
                std::abs(cov[size_t(i)] - want[size_t(i)]) < 0.1,
                qPrintable(QString("%1: %2 against %3").arg(i).arg(cov[size_t(i)]).arg(want[size_t(i)])));
    }

    // fc1 and fc2 against plain loops: forward through fc1, ReLU and fc2,
    // the mean cross-entropy's gradient back through both, SGD with
    // momentum, after every step.
    void twoLayerRetrainingFollowsSgdStepByStep() {
        const int in = 6, hidden = 4, classes = 10;
        std::mt19937 rng(41);
        std::uniform_real_distribution<double> u(-1, 1);
        WeightSet w;
        for (auto [name, shape] :
             std::vector<std::pair<std::string, std::vector<int64_t>>>{{"conv1.weight", {2, 2}},
                                                                       {"fc1.weight", {hidden, in}},
                                                                       {"fc1.bias", {hidden}},
                                                                       {"fc2.weight", {classes, hidden}},
                                                                       {"fc2.bias", {classes}}}) {
            NamedTensor t{name, shape, {}};
            t.values.resize(size_t(t.numel()));
            for (auto& v : t.values)
                v = float(u(rng));
            w.push_back(t);
        }
        VirtualFeatures f;
        f.dim = in;
        for (int n = 0; n < 26; ++n) {
            f.labels.push_back(uint8_t(n % 3 == 0 ? 2 : n % 3 == 1 ? 5 : 9));
            for (int i = 0; i < in; ++i)
                f.values.push_back(2 * u(rng) + 0.2 * f.labels.back());
        }
        CalibrationOptions o;
        o.epochs = 3, o.batch = 10, o.lr = 0.2, o.momentum = 0.9, o.layers = 2;
        std::vector<std::pair<Vec, Vec>> steps;
        const WeightSet out = retrain_classifier(
            w, f, o, [&](int, const Vec& weight, const Vec& bias) { steps.emplace_back(weight, bias); });
        QCOMPARE(steps.size(), size_t(9)); // 3 epochs of 10, 10 and 6
        Vec W1(w[1].values.begin(), w[1].values.end()), B1(w[2].values.begin(), w[2].values.end());
        Vec W2(w[3].values.begin(), w[3].values.end()), B2(w[4].values.begin(), w[4].values.end());
        std::vector<Vec*> params{&W1, &B1, &W2, &B2};
        std::vector<Vec> moment;
        for (auto* p : params)
            moment.emplace_back(p->size(), 0.0);
        double worst = 0;
        size_t step = 0;
        for (int epoch = 0; epoch < 3; ++epoch)
            for (int first = 0; first < 26; first += 10, ++step) {
                const int count = std::min(10, 26 - first);
                std::vector<Vec> grad;
                for (auto* p : params)
                    grad.emplace_back(p->size(), 0.0);
                for (int n = first; n < first + count; ++n) {
                    const double* x = &f.values[size_t(n * in)];
                    Vec h(hidden), a(hidden), logits(classes);
                    for (int j = 0; j < hidden; ++j) {
                        h[size_t(j)] = B1[size_t(j)];
                        for (int i = 0; i < in; ++i)
                            h[size_t(j)] += W1[size_t(j * in + i)] * x[i];
                        a[size_t(j)] = std::max(0.0, h[size_t(j)]);
                    }
                    double top = -INFINITY, z = 0;
                    for (int k = 0; k < classes; ++k) {
                        logits[size_t(k)] = B2[size_t(k)];
                        for (int j = 0; j < hidden; ++j)
                            logits[size_t(k)] += W2[size_t(k * hidden + j)] * a[size_t(j)];
                        top = std::max(top, logits[size_t(k)]);
                    }
                    for (double l : logits)
                        z += std::exp(l - top);
                    Vec da(hidden, 0);
                    for (int k = 0; k < classes; ++k) {
                        const double d =
                            (std::exp(logits[size_t(k)] - top) / z - (k == f.labels[size_t(n)])) / count;
                        grad[3][size_t(k)] += d;
                        for (int j = 0; j < hidden; ++j) {
                            grad[2][size_t(k * hidden + j)] += d * a[size_t(j)];
                            da[size_t(j)] += d * W2[size_t(k * hidden + j)];
                        }
                    }
                    for (int j = 0; j < hidden; ++j) {
                        const double dh = h[size_t(j)] > 0 ? da[size_t(j)] : 0;
                        grad[1][size_t(j)] += dh;
                        for (int i = 0; i < in; ++i)
                            grad[0][size_t(j * in + i)] += dh * x[i];
                    }
                }
                for (size_t p = 0; p < params.size(); ++p)
                    for (size_t i = 0; i < params[p]->size(); ++i) {
                        moment[p][i] = o.momentum * moment[p][i] + grad[p][i];
                        (*params[p])[i] -= o.lr * moment[p][i];
                    }
                for (size_t i = 0; i < W2.size(); ++i)
                    worst = std::max(worst, error(steps[step].first[i], W2[i]));
                for (size_t i = 0; i < B2.size(); ++i)
                    worst = std::max(worst, error(steps[step].second[i], B2[i]));
            }
        for (size_t i = 0; i < W1.size(); ++i)
            worst = std::max(worst, error(out[1].values[i], W1[i]));
        for (size_t i = 0; i < B1.size(); ++i)
            worst = std::max(worst, error(out[2].values[i], B1[i]));
        qInfo("fc1 and fc2 retraining: largest error over %zu steps %.3g", steps.size(), worst);
        // The returned fc1 is float32: within its rounding of the reference.
        QVERIFY2(worst <= kTolerance, qPrintable(QString::number(worst)));
        QVERIFY(out[0].values == w[0].values); // nothing but fc1 and fc2 moves
        double moved = 0;
        for (size_t i = 0; i < W1.size(); ++i)
            moved = std::max(moved, std::abs(double(out[1].values[i]) - double(w[1].values[i])));
        QVERIFY(moved > 0.01);
        // Features of fc2's input size are not fc1's inputs.
        VirtualFeatures wrong = f;
        wrong.dim = hidden;
        wrong.values.resize(size_t(wrong.size() * hidden));
        QVERIFY_THROWS_EXCEPTION(Error, retrain_classifier(w, wrong, o));
        o.layers = 3;
        QVERIFY_THROWS_EXCEPTION(Error, retrain_classifier(w, f, o));
    }
};

MERGELAB_TEST_GUILESS(test_head_calibration, TestHeadCalibration)
} // namespace test_head_calibration

#include "test_head_calibration.moc"
