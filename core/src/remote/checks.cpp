#include "checks.h"

#include <cmath>
#include <cstring>

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

int64_t message_bound(const WeightSet& layout) {
    int64_t bytes = 0;
    for (const auto& t : layout)
        bytes += t.numel() * int64_t(sizeof(float)) + int64_t(t.name.size()) + 64;
    // Weights and a rule's change of the same size, and room for the rest.
    return 2 * bytes + (64 << 10);
}

} // namespace mergelab::remote
