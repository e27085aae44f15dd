#include "checks.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "mergelab/distributed.h"

namespace mergelab::remote {

wire::Weights encode(const WeightSet& weights) {
    wire::Weights out;
    for (const auto& t : weights) {
        wire::Tensor* w = out.add_tensors();
        w->set_name(t.name);
        for (int64_t d : t.shape)
            w->add_shape(d);
        w->set_dtype(wire::FLOAT32);
        w->set_data(reinterpret_cast<const char*>(t.values.data()), t.values.size() * sizeof(float));
    }
    return out;
}

WeightSet decode(const wire::Weights& weights, const WeightSet& layout, const std::string& what) {
    if (size_t(weights.tensors_size()) != layout.size())
        throw Refused(what + " hold " + std::to_string(weights.tensors_size()) + " tensors; the model has " +
                      std::to_string(layout.size()));
    WeightSet out;
    out.reserve(layout.size());
    for (size_t i = 0; i < layout.size(); ++i) {
        const wire::Tensor& w = weights.tensors(int(i));
        const NamedTensor& expected = layout[i];
        if (w.name() != expected.name)
            throw Refused(what + ": tensor " + std::to_string(i + 1) + " is named '" +
                          w.name().substr(0, 64) + "'; the model's is " + expected.name);
        const std::vector<int64_t> shape(w.shape().begin(), w.shape().end());
        if (shape != expected.shape)
            throw Refused(what + ": " + expected.name + " has shape " + shape_to_string(shape) + ", not " +
                          shape_to_string(expected.shape));
        if (w.dtype() != wire::FLOAT32)
            throw Refused(what + ": " + expected.name + " is not float32");
        const size_t count = size_t(expected.numel());
        if (w.data().size() != count * sizeof(float))
            throw Refused(what + ": " + expected.name + " carries " + std::to_string(w.data().size()) +
                          " bytes for " + std::to_string(count) + " float32 values");
        NamedTensor t{expected.name, expected.shape, std::vector<float>(count)};
        std::memcpy(t.values.data(), w.data().data(), w.data().size());
        for (size_t e = 0; e < count; ++e)
            if (!std::isfinite(t.values[e]))
                throw Refused(what + ": " + expected.name + " element " + std::to_string(e) + " is " +
                              (std::isnan(t.values[e]) ? "NaN" : "infinite"));
        out.push_back(std::move(t));
    }
    return out;
}

namespace {

void in_range(double value, double lo, double hi, const char* name) {
    if (!(value >= lo && value <= hi))
        throw Refused(std::string(name) + " is " + std::to_string(value) + ", outside " + std::to_string(lo) +
                      ".." + std::to_string(hi));
}

} // namespace

EnvRoundMetrics decode_metrics(const wire::Trained& t, const ExperimentConfig& config) {
    EnvRoundMetrics m;
    in_range(t.val_acc(), 0, 1, "its validation accuracy");
    in_range(t.val_loss(), 0, 1e30, "its validation loss");
    in_range(t.train_loss(), 0, 1e30, "its training loss");
    in_range(t.train_seconds(), 0, 1e9, "its training time");
    // With local_steps the cursor's epoch counts across rounds.
    const double epochs = config.local_steps > 0 ? 1e9 : config.local_epochs;
    in_range(t.epochs(), config.local_steps > 0 ? 0 : 1, epochs, "its epoch count");
    m.val_acc = t.val_acc();
    m.val_loss = t.val_loss();
    m.train_loss = t.train_loss();
    m.train_seconds = t.train_seconds();
    m.epochs = t.epochs();
    return m;
}

void check_progress(const wire::Progress& p, const ExperimentConfig& config) {
    in_range(p.epoch(), 0, 1e9, "its epoch");
    in_range(double(p.first_batch()), 1, 1e12, "its batch number");
    in_range(double(p.batches()), 0, 1e12, "its batch count");
    in_range(p.images_per_second(), 0, 1e12, "its speed");
    if (p.losses_size() > 100000)
        throw Refused("it reported " + std::to_string(p.losses_size()) + " losses at once");
    for (double loss : p.losses())
        in_range(loss, 0, 1e30, "a batch loss");
    (void)config;
}

StatisticsShape statistics_shape(const WeightSet& layout, const StatisticsKind& kind) {
    const NamedTensor* fc1 = find_tensor(layout, "fc1.weight");
    const NamedTensor* fc2 = find_tensor(layout, "fc2.weight");
    if (!fc2 || fc2->shape.size() != 2 || (kind.layers == 2 && (!fc1 || fc1->shape.size() != 2)))
        throw Error("feature statistics need a model with linear layers fc1 and fc2");
    if (kind.layers == 2)
        return {fc1->shape[1], int(fc2->shape[0]), kind.rank};
    return {fc2->shape[1], int(fc2->shape[0]), 0};
}

int64_t message_bound(const WeightSet& layout, bool statistics, const StatisticsKind& kind) {
    int64_t bytes = 0;
    for (const auto& t : layout)
        bytes += t.numel() * int64_t(sizeof(float)) + int64_t(t.name.size()) + 64;
    // Weights and a rule's change of the same size, and room for the rest.
    bytes = 2 * bytes + (64 << 10);
    if (statistics) {
        const StatisticsShape shape = statistics_shape(layout, kind);
        bytes += statistics_bound(shape.dim, shape.classes, shape.rank);
    }
    return bytes;
}

wire::FeatureStatistics encode(const FeatureStatistics& statistics) {
    wire::FeatureStatistics out;
    out.set_version(kStatisticsVersion);
    out.set_dim(statistics.dim);
    out.set_rank(statistics.rank);
    for (size_t c = 0; c < statistics.classes.size(); ++c) {
        const ClassFeatures& cls = statistics.classes[c];
        if (cls.count == 0)
            continue;
        wire::ClassFeatures* w = out.add_classes();
        w->set_label(int32_t(c));
        w->set_count(cls.count);
        w->mutable_mean()->Add(cls.mean.begin(), cls.mean.end());
        w->mutable_covariance()->Add(cls.covariance.begin(), cls.covariance.end());
        w->mutable_factor()->Add(cls.factor.begin(), cls.factor.end());
        w->set_residual(cls.residual);
    }
    return out;
}

int64_t statistics_bound(int64_t dim, int classes, int64_t rank) {
    // Each double 8 bytes packed, plus tags and lengths per class.
    const int64_t spread = rank > 0 ? dim * rank + 1 : dim * dim;
    return int64_t(classes) * ((spread + dim) * 8 + 64) + 64;
}

int64_t image_values(const ExperimentConfig& config) {
    return colour_for_model(config.model) ? int64_t(3) * kColourImageSide * kColourImageSide : kImagePixels;
}

namespace {

// One class of low-rank statistics: its count checked by the caller.
ClassFeatures low_rank_class(const wire::ClassFeatures& c, const std::string& cls, int64_t dim,
                             int64_t rank) {
    const int64_t columns = dim > 0 ? c.factor_size() / dim : 0;
    const int64_t most = std::max<int64_t>(0, std::min(rank, c.count() - 1));
    if (c.count() == 0 ? c.mean_size() != 0 : c.mean_size() != dim)
        throw Refused("its feature statistics of " + cls + " hold " + std::to_string(c.mean_size()) +
                      " mean values, not " + std::to_string(dim));
    if (c.covariance_size() != 0)
        throw Refused("its feature statistics of " + cls +
                      " hold a dense covariance; the run asked for rank " + std::to_string(rank));
    if (columns * dim != c.factor_size() || columns > most)
        throw Refused("its feature statistics of " + cls + " hold " + std::to_string(c.factor_size()) +
                      " factor values, not a multiple of " + std::to_string(dim) + " of at most " +
                      std::to_string(most) + " columns");
    if (!std::isfinite(c.residual()) || c.residual() < 0)
        throw Refused("its feature statistics of " + cls +
                      " have a residual variance that is negative or "
                      "not finite");
    ClassFeatures f;
    f.count = c.count();
    f.mean.assign(c.mean().begin(), c.mean().end());
    f.factor.assign(c.factor().begin(), c.factor().end());
    f.residual = c.residual();
    for (double v : f.mean)
        if (!std::isfinite(v))
            throw Refused("its feature statistics of " + cls + " have a mean that is not finite");
    for (double v : f.factor)
        if (!std::isfinite(v))
            throw Refused("its feature statistics of " + cls + " have a factor that is not finite");
    return f;
}

} // namespace

FeatureStatistics decode(const wire::FeatureStatistics& w, int64_t dim, int classes, int64_t train_size,
                         int64_t rank) {
    const int64_t bytes = int64_t(w.ByteSizeLong());
    if (bytes > statistics_bound(dim, classes, rank))
        throw Refused("its feature statistics take " + std::to_string(bytes) + " bytes, more than the " +
                      std::to_string(statistics_bound(dim, classes, rank)) + " of " +
                      std::to_string(classes) + " classes of " + std::to_string(dim) + " features");
    if (w.version() != uint32_t(kStatisticsVersion))
        throw Refused("its feature statistics are of version " + std::to_string(w.version()) + ", not " +
                      std::to_string(kStatisticsVersion));
    if (w.dim() != dim)
        throw Refused("its feature statistics have " + std::to_string(w.dim()) +
                      " dimensions; the run's features have " + std::to_string(dim));
    if (w.rank() != rank)
        throw Refused("its feature statistics are of rank " + std::to_string(w.rank()) +
                      "; the run asked for " +
                      (rank > 0 ? "rank " + std::to_string(rank) : std::string("dense covariances")));
    FeatureStatistics out;
    out.dim = dim;
    out.rank = rank;
    out.classes.resize(size_t(classes));
    std::vector<bool> seen(size_t(classes), false);
    int64_t total = 0;
    const size_t dd = size_t(dim * dim);
    for (const auto& c : w.classes()) {
        const std::string cls = "class " + std::to_string(c.label());
        if (c.label() < 0 || c.label() >= classes)
            throw Refused("its feature statistics name class " + std::to_string(c.label()) +
                          "; the model has classes 0.." + std::to_string(classes - 1));
        if (seen[size_t(c.label())])
            throw Refused("its feature statistics give " + cls + " twice");
        seen[size_t(c.label())] = true;
        if (c.count() < 0 || c.count() > train_size)
            throw Refused("its feature statistics count " + std::to_string(c.count()) + " images of " + cls +
                          "; it trains on " + std::to_string(train_size));
        total += c.count();
        if (total > train_size)
            throw Refused("its feature statistics count more images than the " + std::to_string(train_size) +
                          " it trains on");
        const bool empty = c.count() == 0;
        if (rank > 0) {
            out.classes[size_t(c.label())] = low_rank_class(c, cls, dim, rank);
            continue;
        }
        if (c.factor_size() != 0 || c.residual() != 0)
            throw Refused("its feature statistics of " + cls +
                          " have a low-rank part; the run asked for "
                          "dense covariances");
        if (size_t(c.mean_size()) != (empty ? 0 : size_t(dim)) ||
            size_t(c.covariance_size()) != (empty ? 0 : dd))
            throw Refused("its feature statistics of " + cls + " hold " + std::to_string(c.mean_size()) +
                          " mean and " + std::to_string(c.covariance_size()) + " covariance values, not " +
                          std::to_string(dim) + " and " + std::to_string(dd));
        ClassFeatures& f = out.classes[size_t(c.label())];
        f.count = c.count();
        f.mean.assign(c.mean().begin(), c.mean().end());
        f.covariance.assign(c.covariance().begin(), c.covariance().end());
        for (double v : f.mean)
            if (!std::isfinite(v))
                throw Refused("its feature statistics of " + cls + " have a mean that is not finite");
        double largest = 0;
        for (double v : f.covariance) {
            if (!std::isfinite(v))
                throw Refused("its feature statistics of " + cls + " have a covariance that is not finite");
            largest = std::max(largest, std::abs(v));
        }
        const double tolerance = 1e-9 * std::max(1.0, largest);
        for (int64_t i = 0; i < dim && !empty; ++i) {
            if (f.covariance[size_t(i * dim + i)] < -tolerance)
                throw Refused("its feature statistics of " + cls + " have a negative variance");
            for (int64_t j = 0; j < i; ++j)
                if (std::abs(f.covariance[size_t(i * dim + j)] - f.covariance[size_t(j * dim + i)]) >
                    tolerance)
                    throw Refused("its feature statistics of " + cls +
                                  " have a covariance that is not symmetric");
        }
    }
    return out;
}

int64_t payload_bytes(const WeightSet& weights) {
    return int64_t(encode(weights).ByteSizeLong());
}

int64_t payload_bytes(const FeatureStatistics& statistics) {
    return int64_t(encode(statistics).ByteSizeLong());
}

} // namespace mergelab::remote
