// CCVR: each environment's per-class moments of its penultimate features,
// pooled by the server into global Gaussians, from which virtual features
// retrain the classifier (fc2) alone.
#include <cmath>
#include <random>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "mergelab/error.h"
#include "mergelab/experiment.h"
#include "mergelab/statistics.h"
#include "random.h"
#include "stat_net.h"
#include "trainer.h"

namespace mergelab {

FeatureStatistics penultimate_statistics(const std::string& arch, const WeightSet& weights,
                                         const Dataset& data, int threads) {
    keep_freed_memory();
    torch::set_num_threads(resolve_threads(threads));
    return penultimate_statistics(arch, weights, images_view(data), labels_tensor(data));
}

namespace {

// `weights`' features of every image as rows: fc2's inputs, or with
// `head_input` fc1's, N x their size (0 rows for no image). The features as
// evaluation computes them, in float32; their moments in float64, one class
// at a time (all rows at once in float64 were tens of megabytes of fresh
// pages per round). A float64 forward moves the moments by about 1e-7 of
// their scale (test_statistics) and took ten times as long: it was most of
// a calibrating round.
torch::Tensor feature_rows(const std::string& arch, const WeightSet& weights, const torch::Tensor& images,
                           bool head_input) {
    check_weights(arch, weights, "model");
    auto net = make_net_for(arch, weights);
    assign_weights(*net, weights);
    net->eval();
    torch::InferenceMode inference;
    std::vector<torch::Tensor> parts;
    const int64_t n = images.size(0);
    for (int64_t first = 0; first < n; first += kStatBatch) {
        const auto x = to_input(images.narrow(0, first, std::min(kStatBatch, n - first)));
        parts.push_back(head_input ? net->head_input(x) : net->features(x));
    }
    if (!parts.empty())
        return torch::cat(parts);
    const NamedTensor* layer = find_tensor(weights, head_input ? "fc1.weight" : "fc2.weight");
    return torch::zeros({0, layer->shape.at(1)}, torch::kFloat32);
}

int64_t class_count(const WeightSet& weights) {
    return find_tensor(weights, "fc2.weight")->shape.at(0);
}

} // namespace

FeatureStatistics penultimate_statistics(const std::string& arch, const WeightSet& weights,
                                         const torch::Tensor& images, const torch::Tensor& labels) {
    const auto rows = feature_rows(arch, weights, images, false); // checks the weights first
    return class_moments(rows, labels, class_count(weights));
}

FeatureStatistics class_moments(const torch::Tensor& rows, const torch::Tensor& labels, int64_t classes) {
    FeatureStatistics out;
    out.dim = rows.size(1);
    out.classes.resize(size_t(classes));
    const auto label_of = labels.to(torch::kInt64);
    for (size_t c = 0; c < out.classes.size(); ++c) {
        const auto picked = (label_of == int64_t(c)).nonzero().flatten();
        ClassFeatures& cls = out.classes[c];
        cls.count = picked.numel();
        if (cls.count == 0)
            continue;
        // One class at a time in float64: all images of an environment at
        // once would be hundreds of megabytes.
        const auto z = rows.index_select(0, picked).to(torch::kFloat64);
        const auto mean = z.mean(0);
        // Two passes (mean, then centred products) rather than sum z z^T -
        // N mu mu^T, which cancels badly when the mean is large.
        const auto centred = z - mean;
        const auto cov = cls.count > 1 ? centred.t().mm(centred) / double(cls.count - 1)
                                       : torch::zeros({out.dim, out.dim}, torch::kFloat64);
        const auto m = mean.contiguous(), s = cov.contiguous();
        cls.mean.assign(m.data_ptr<double>(), m.data_ptr<double>() + m.numel());
        cls.covariance.assign(s.data_ptr<double>(), s.data_ptr<double>() + s.numel());
    }
    return out;
}

FeatureStatistics head_input_statistics(const std::string& arch, const WeightSet& weights,
                                        const Dataset& data, int rank, int threads) {
    keep_freed_memory();
    torch::set_num_threads(resolve_threads(threads));
    return head_input_statistics(arch, weights, images_view(data), labels_tensor(data), rank);
}

FeatureStatistics head_input_statistics(const std::string& arch, const WeightSet& weights,
                                        const torch::Tensor& images, const torch::Tensor& labels, int rank) {
    const auto rows = feature_rows(arch, weights, images, true); // checks the weights first
    return low_rank_moments(rows, labels, class_count(weights), rank);
}

FeatureStatistics low_rank_moments(const torch::Tensor& rows, const torch::Tensor& labels, int64_t classes,
                                   int rank) {
    if (rank < 1)
        throw Error("low-rank statistics need a rank of at least 1");
    FeatureStatistics out;
    const int64_t d = out.dim = rows.size(1);
    out.rank = rank;
    out.classes.resize(size_t(classes));
    const auto label_of = labels.to(torch::kInt64);
    for (size_t c = 0; c < out.classes.size(); ++c) {
        const auto picked = (label_of == int64_t(c)).nonzero().flatten();
        ClassFeatures& cls = out.classes[c];
        const int64_t n = cls.count = picked.numel();
        if (n == 0)
            continue;
        const auto z = rows.index_select(0, picked).to(torch::kFloat64);
        const auto mean = z.mean(0).contiguous();
        cls.mean.assign(mean.data_ptr<double>(), mean.data_ptr<double>() + d);
        if (n < 2)
            continue;
        // The covariance's eigenpairs from the smaller of the two Gram
        // matrices: with 500 images of 1,600 features, a 500 x 500 one.
        const auto centred = z - mean;
        const int64_t r = std::min<int64_t>({rank, d, n - 1});
        torch::Tensor values, vectors; // every eigenvalue, the r leading vectors; largest first
        if (n < d) {
            auto [v, u] = torch::linalg_eigh(centred.mm(centred.t()));
            v = v.clamp_min(0).flip(0);
            // v_i = X^T u_i / sigma_i for the r kept pairs only (all n of
            // them cost as much as the Gram matrix); a zero sigma_i gets a
            // zero column.
            const auto sigma = v.narrow(0, 0, r).sqrt();
            vectors = centred.t().mm(u.flip(1).narrow(1, 0, r)) /
                      torch::where(sigma > 0, sigma, torch::ones_like(sigma));
            values = v / double(n - 1);
        } else {
            auto [v, u] = torch::linalg_eigh(centred.t().mm(centred));
            values = v.clamp_min(0).flip(0) / double(n - 1), vectors = u.flip(1).narrow(1, 0, r);
        }
        const double total = values.sum().item<double>();
        const double kept = values.narrow(0, 0, r).sum().item<double>();
        cls.residual = d > r ? std::max(0.0, (total - kept) / double(d - r)) : 0.0;
        const auto factor =
            (vectors * (values.narrow(0, 0, r) - cls.residual).clamp_min(0).sqrt()).contiguous();
        cls.factor.assign(factor.data_ptr<double>(), factor.data_ptr<double>() + factor.numel());
    }
    return out;
}

FeatureStatistics image_statistics(const Dataset& data, int classes) {
    keep_freed_memory();
    const auto images = images_view(data);
    return class_moments(to_input(images).reshape({data.size(), -1}), labels_tensor(data), classes);
}

namespace {

// Class c's pooled count N = sum_k N_k into g and, when N > 0, its mean
// sum_k N_k mu_k / N; false for a class no environment holds.
bool pool_count_and_mean(const std::vector<const FeatureStatistics*>& environments, size_t c,
                         ClassFeatures& g) {
    for (const auto* env : environments)
        g.count += env->classes[c].count;
    if (g.count == 0)
        return false;
    const size_t d = size_t(environments[0]->dim);
    g.mean.assign(d, 0.0);
    for (const auto* env : environments) {
        const ClassFeatures& e = env->classes[c];
        for (size_t i = 0; i < d && e.count > 0; ++i)
            g.mean[i] += double(e.count) * e.mean[i] / double(g.count);
    }
    return true;
}

// pool_feature_statistics in the low-rank form; `out` has the dimensions
// and the bound on the columns.
FeatureStatistics pool_low_rank(const std::vector<const FeatureStatistics*>& environments,
                                FeatureStatistics out) {
    const int64_t d = out.dim;
    for (size_t c = 0; c < out.classes.size(); ++c) {
        ClassFeatures& g = out.classes[c];
        if (!pool_count_and_mean(environments, c, g))
            continue;
        const double n = double(g.count);
        if (g.count == 1)
            continue;
        // Columns are appended environment by environment, so G is built
        // column-major and transposed once.
        std::vector<std::vector<double>> columns;
        for (const auto* env : environments) {
            const ClassFeatures& e = env->classes[c];
            if (e.count == 0)
                continue;
            const double within = std::sqrt((double(e.count) - 1) / (n - 1));
            const size_t cols = e.factor.size() / size_t(d);
            for (size_t j = 0; j < cols; ++j) {
                std::vector<double> column(static_cast<size_t>(d));
                for (int64_t i = 0; i < d; ++i)
                    column[size_t(i)] = within * e.factor[size_t(i) * cols + j];
                columns.push_back(std::move(column));
            }
            g.residual += (double(e.count) - 1) / (n - 1) * e.residual;
            // A class held by one environment has no spread between means.
            if (double(e.count) == n)
                continue;
            const double between = std::sqrt(double(e.count) / (n - 1));
            std::vector<double> column(static_cast<size_t>(d));
            for (int64_t i = 0; i < d; ++i)
                column[size_t(i)] = between * (e.mean[size_t(i)] - g.mean[size_t(i)]);
            columns.push_back(std::move(column));
        }
        g.factor.assign(size_t(d) * columns.size(), 0.0);
        for (size_t j = 0; j < columns.size(); ++j)
            for (int64_t i = 0; i < d; ++i)
                g.factor[size_t(i) * columns.size() + j] = columns[j][size_t(i)];
    }
    return out;
}

} // namespace

FeatureStatistics pool_feature_statistics(const std::vector<const FeatureStatistics*>& environments) {
    if (environments.empty())
        throw Error("pooling needs at least one environment's statistics");
    FeatureStatistics out;
    const int64_t d = out.dim = environments[0]->dim;
    const size_t dd = size_t(d * d);
    out.classes.resize(environments[0]->classes.size());
    for (size_t k = 0; k < environments.size(); ++k) {
        const FeatureStatistics& env = *environments[k];
        if (env.dim != d)
            throw Error("environment " + std::to_string(k + 1) + "'s features have " +
                        std::to_string(env.dim) + " dimensions, environment 1's " + std::to_string(d));
        if (env.classes.size() != out.classes.size())
            throw Error("environment " + std::to_string(k + 1) + "'s statistics have " +
                        std::to_string(env.classes.size()) + " classes, environment 1's " +
                        std::to_string(out.classes.size()));
        if ((env.rank > 0) != (environments[0]->rank > 0))
            throw Error("environment " + std::to_string(k + 1) +
                        "'s statistics are not in environment 1's form");
        for (const auto& cls : env.classes)
            if (cls.count < 0 ||
                (cls.count > 0 &&
                 (cls.mean.size() != size_t(d) ||
                  (env.rank > 0 ? cls.factor.size() % size_t(std::max<int64_t>(d, 1)) != 0 ||
                                      cls.factor.size() > size_t(env.rank * d) || !(cls.residual >= 0)
                                : cls.covariance.size() != dd))))
                throw Error("environment " + std::to_string(k + 1) + "'s class statistics are malformed");
        out.rank += env.rank + (env.rank > 0 ? 1 : 0);
    }
    if (out.rank > 0)
        return pool_low_rank(environments, out);
    for (size_t c = 0; c < out.classes.size(); ++c) {
        ClassFeatures& g = out.classes[c];
        if (!pool_count_and_mean(environments, c, g))
            continue;
        const double n = double(g.count);
        g.covariance.assign(dd, 0.0);
        if (g.count == 1)
            continue;
        for (const auto* env : environments) {
            const ClassFeatures& e = env->classes[c];
            if (e.count == 0)
                continue;
            const double nk = double(e.count);
            for (int64_t i = 0; i < d; ++i)
                for (int64_t j = 0; j < d; ++j)
                    g.covariance[size_t(i * d + j)] += ((nk - 1) * e.covariance[size_t(i * d + j)] +
                                                        nk * e.mean[size_t(i)] * e.mean[size_t(j)]) /
                                                       (n - 1);
        }
        for (int64_t i = 0; i < d; ++i)
            for (int64_t j = 0; j < d; ++j)
                g.covariance[size_t(i * d + j)] -= n * g.mean[size_t(i)] * g.mean[size_t(j)] / (n - 1);
    }
    return out;
}

// Lower-triangular L with L L^T = A for a positive semi-definite A: a pivot
// that is zero up to rounding gets a zero column, which is exact when that
// direction has no variance (a unit that is 0 on every image of the class).
std::vector<double> semidefinite_cholesky(const std::vector<double>& a, int64_t d) {
    double largest = 0;
    for (int64_t i = 0; i < d; ++i)
        largest = std::max(largest, std::abs(a[size_t(i * d + i)]));
    const double tolerance = 1e-12 * std::max(1.0, largest);
    std::vector<double> l(size_t(d * d), 0.0);
    for (int64_t j = 0; j < d; ++j) {
        double pivot = a[size_t(j * d + j)];
        for (int64_t k = 0; k < j; ++k)
            pivot -= l[size_t(j * d + k)] * l[size_t(j * d + k)];
        if (pivot <= tolerance)
            continue;
        const double root = std::sqrt(pivot);
        l[size_t(j * d + j)] = root;
        for (int64_t i = j + 1; i < d; ++i) {
            double v = a[size_t(i * d + j)];
            for (int64_t k = 0; k < j; ++k)
                v -= l[size_t(i * d + k)] * l[size_t(j * d + k)];
            l[size_t(i * d + j)] = v / root;
        }
    }
    return l;
}

namespace {

// Standard normals by Box-Muller from the raw 64-bit stream: the library's
// normal_distribution may differ between standard libraries.
class Normals {
public:
    explicit Normals(uint64_t seed)
        : rng_(seed) {}
    double next() {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        const double u1 = double((rng_() >> 11) + 1) * 0x1.0p-53; // (0, 1]
        const double u2 = double(rng_() >> 11) * 0x1.0p-53;       // [0, 1)
        const double r = std::sqrt(-2 * std::log(u1)), angle = 2 * M_PI * u2;
        spare_ = r * std::sin(angle), has_spare_ = true;
        return r * std::cos(angle);
    }

private:
    std::mt19937_64 rng_;
    double spare_ = 0;
    bool has_spare_ = false;
};

// `values` resized to n zeros. On Linux, the whole 2 MB pages inside are
// asked for as huge pages first: tens of megabytes of fresh 4 KB pages
// (malloc maps them anew each round) faulted in at about 0.2 s here, and
// where the kernel has huge pages to give this is a few hundredths.
void zeroed(std::vector<double>& values, size_t n) {
    values.clear();
    values.reserve(n);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = uintptr_t(2) << 20;
    const uintptr_t begin = (reinterpret_cast<uintptr_t>(values.data()) + huge - 1) & ~(huge - 1);
    const uintptr_t end = reinterpret_cast<uintptr_t>(values.data() + n) & ~(huge - 1);
    if (end > begin)
        madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE); // advice: failure is harmless
#endif
    values.resize(n);
}

} // namespace

VirtualFeatures sample_virtual_features(const FeatureStatistics& global, int per_class, uint64_t seed) {
    if (per_class < 1)
        throw Error("sampling needs at least one virtual feature per class");
    if (global.classes.size() > 256)
        throw Error("sampling takes at most 256 classes (labels are bytes)");
    const int64_t d = global.dim;
    // The draws are numbered class by class (class c's k-th is first[c] + k);
    // class by class, every batch would hold one class, so a seeded order
    // mixes them once and every epoch goes through that order. Each draw is
    // written once, straight to its place: this machine's page faults made
    // every fresh copy of the tens of megabytes cost a tenth of a second.
    std::vector<int64_t> first(global.classes.size(), -1);
    int64_t total = 0;
    for (size_t c = 0; c < global.classes.size(); ++c)
        if (global.classes[c].count > 0)
            first[c] = total, total += per_class;
    std::vector<int64_t> order(static_cast<size_t>(total));
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = int64_t(i);
    std::mt19937_64 rng(derive_seed(seed, 1));
    shuffle_in_place(order, rng);
    std::vector<int64_t> place(order.size());
    for (size_t i = 0; i < order.size(); ++i)
        place[size_t(order[i])] = int64_t(i);
    VirtualFeatures mixed;
    mixed.dim = d;
    zeroed(mixed.values, size_t(total * d));
    mixed.labels.resize(size_t(total));
    for (size_t c = 0; c < global.classes.size(); ++c)
        for (int64_t k = 0; first[c] >= 0 && k < per_class; ++k)
            mixed.labels[size_t(place[size_t(first[c] + k)])] = uint8_t(c);
    const auto row = [&](int64_t draw) { return mixed.values.data() + place[size_t(draw)] * d; };

    Normals normals(derive_seed(seed, 0));
    if (global.rank > 0) {
        // mu + F a + sqrt(s) b. The normals come from one stream, class by
        // class and draw by draw (a, then b); each draw's b waits in its
        // row and its a in `a`. Then the classes in parallel: each value is
        // summed in the same order as one value at a time (mean, then F's
        // columns in turn, then the residual), which took a tenth of a
        // calibrating round before.
        std::vector<std::vector<double>> a(global.classes.size());
        for (size_t c = 0; c < global.classes.size(); ++c) {
            const ClassFeatures& cls = global.classes[c];
            if (cls.count == 0)
                continue;
            const size_t cols = cls.factor.size() / size_t(d);
            a[c].resize(size_t(per_class) * cols);
            for (int k = 0; k < per_class; ++k) {
                for (size_t j = 0; j < cols; ++j)
                    a[c][size_t(k) * cols + j] = normals.next();
                double* out = row(first[c] + k);
                for (int64_t i = 0; i < d; ++i)
                    out[i] = normals.next();
            }
        }
        at::parallel_for(0, int64_t(global.classes.size()), 1, [&](int64_t begin, int64_t end) {
            std::vector<double> sum(static_cast<size_t>(d));
            for (int64_t c = begin; c < end; ++c) {
                const ClassFeatures& cls = global.classes[size_t(c)];
                if (cls.count == 0)
                    continue;
                const size_t cols = cls.factor.size() / size_t(d);
                const double spread = std::sqrt(cls.residual);
                // F's columns one after another in memory, so that the inner
                // loop runs along a column.
                std::vector<double> by_column(cls.factor.size());
                for (int64_t i = 0; i < d; ++i)
                    for (size_t j = 0; j < cols; ++j)
                        by_column[j * size_t(d) + size_t(i)] = cls.factor[size_t(i) * cols + j];
                for (int k = 0; k < per_class; ++k) {
                    const double* ak = a[size_t(c)].data() + size_t(k) * cols;
                    std::copy(cls.mean.begin(), cls.mean.end(), sum.begin());
                    for (size_t j = 0; j < cols; ++j) {
                        const double* f = by_column.data() + j * size_t(d);
                        for (int64_t i = 0; i < d; ++i)
                            sum[size_t(i)] += f[i] * ak[j];
                    }
                    double* out = row(first[size_t(c)] + k);
                    for (int64_t i = 0; i < d; ++i)
                        out[i] = sum[size_t(i)] + spread * out[i];
                }
            }
        });
        return mixed;
    }
    // mu + L eps, from the same stream.
    std::vector<double> eps(static_cast<size_t>(d));
    for (size_t c = 0; c < global.classes.size(); ++c) {
        const ClassFeatures& cls = global.classes[c];
        if (cls.count == 0)
            continue;
        const auto l = semidefinite_cholesky(cls.covariance, d);
        for (int k = 0; k < per_class; ++k) {
            for (auto& e : eps)
                e = normals.next();
            double* out = row(first[c] + k);
            for (int64_t i = 0; i < d; ++i) {
                double v = cls.mean[size_t(i)];
                for (int64_t j = 0; j <= i; ++j)
                    v += l[size_t(i * d + j)] * eps[size_t(j)];
                out[i] = v;
            }
        }
    }
    return mixed;
}

namespace {

std::vector<double> values_of(const torch::Tensor& t) {
    auto c = t.detach().contiguous();
    return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

} // namespace

namespace {

// A tensor of `weights` as a float64 leaf that autograd tracks.
torch::Tensor trainable(const NamedTensor& t) {
    return torch::from_blob(const_cast<float*>(t.values.data()), t.shape, torch::kFloat32)
        .to(torch::kFloat64)
        .set_requires_grad(true);
}

} // namespace

WeightSet retrain_classifier(const WeightSet& weights, const VirtualFeatures& features,
                             const CalibrationOptions& options, const CalibrationStep& on_step) {
    if (options.layers != 1 && options.layers != 2)
        throw Error("calibration retrains 1 layer (fc2) or 2 (fc1 and fc2), not " +
                    std::to_string(options.layers));
    const bool both = options.layers == 2;
    const NamedTensor* w1 = find_tensor(weights, "fc1.weight");
    const NamedTensor* b1 = find_tensor(weights, "fc1.bias");
    const NamedTensor* w = find_tensor(weights, "fc2.weight");
    const NamedTensor* b = find_tensor(weights, "fc2.bias");
    if (!w || !b || w->shape.size() != 2 || b->shape != std::vector<int64_t>{w->shape[0]})
        throw Error("calibration needs a model with a linear classifier fc2");
    if (both && (!w1 || !b1 || w1->shape.size() != 2 || w1->shape[0] != w->shape[1] ||
                 b1->shape != std::vector<int64_t>{w1->shape[0]}))
        throw Error("calibrating two layers needs a linear fc1 whose outputs are fc2's inputs");
    const int64_t classes = w->shape[0], d = both ? w1->shape[1] : w->shape[1];
    if (features.dim != d || features.values.size() != size_t(features.size() * d) || features.size() == 0)
        throw Error(std::string("calibration needs virtual features of ") + (both ? "fc1" : "fc2") +
                    "'s input size " + std::to_string(d));
    if (options.epochs < 0 || options.batch < 1 || !(options.lr >= 0) || !(options.momentum >= 0) ||
        !(options.momentum < 1))
        throw Error("calibration: epochs >= 0, batch >= 1, lr >= 0 and momentum in [0, 1) are needed");
    for (uint8_t label : features.labels)
        if (label >= classes)
            throw Error("calibration: a virtual feature's label is not one of fc2's classes");
    torch::NoGradGuard outside;
    // In the order of `names`: what is trained and written back.
    std::vector<std::string> names{"fc2.weight", "fc2.bias"};
    std::vector<torch::Tensor> params{trainable(*w), trainable(*b)};
    if (both) {
        names.insert(names.end(), {"fc1.weight", "fc1.bias"});
        params.push_back(trainable(*w1)), params.push_back(trainable(*b1));
    }
    const auto x =
        torch::from_blob(const_cast<double*>(features.values.data()), {features.size(), d}, torch::kFloat64);
    const auto y =
        torch::from_blob(const_cast<uint8_t*>(features.labels.data()), {features.size()}, torch::kUInt8)
            .to(torch::kInt64);
    torch::optim::SGD sgd(params, torch::optim::SGDOptions(options.lr).momentum(options.momentum));
    int step = 0;
    for (int epoch = 0; epoch < options.epochs; ++epoch)
        for (int64_t first = 0; first < features.size(); first += options.batch) {
            const int64_t count = std::min<int64_t>(options.batch, features.size() - first);
            {
                torch::AutoGradMode grad(true);
                sgd.zero_grad();
                auto h = x.narrow(0, first, count);
                if (both)
                    h = torch::relu(torch::addmm(params[3], h, params[2].t()));
                const auto logits = torch::addmm(params[1], h, params[0].t());
                torch::nn::functional::cross_entropy(logits, y.narrow(0, first, count)).backward();
            }
            sgd.step();
            if (on_step)
                on_step(++step, values_of(params[0]), values_of(params[1]));
        }
    WeightSet out = weights;
    for (auto& t : out)
        for (size_t i = 0; i < names.size(); ++i)
            if (t.name == names[i]) {
                auto f = params[i].detach().to(torch::kFloat32).contiguous();
                t.values.assign(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
            }
    return out;
}

uint64_t calibration_seed(uint64_t run_seed, int round) {
    return derive_seed(run_seed, 4000000 + uint64_t(round));
}

WeightSet calibrate_classifier(const WeightSet& weights,
                               const std::vector<const FeatureStatistics*>& environments,
                               const CalibrationOptions& options) {
    const auto global = pool_feature_statistics(environments);
    return retrain_classifier(weights, sample_virtual_features(global, options.per_class, options.seed),
                              options);
}

} // namespace mergelab
