#pragma once
// The networks every environment trains, seen from outside the core: names,
// shapes, initial weights and evaluation, all in plain types.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "mergelab/dataset.h"
#include "mergelab/registry.h"
#include "mergelab/weights.h"

namespace mergelab {

struct TensorSpec {
    std::string name;
    std::vector<int64_t> shape;
};

// A network every environment can train: one registry entry each (model.cpp).
struct Architecture : RegistryEntry {
    std::vector<TensorSpec> tensors; // parameter names and shapes in registration order
};
const std::vector<Architecture>& architectures();
// "cnn" (default) and "mlp".
std::vector<std::string> architecture_names();
// Parameter names and shapes in registration order. Throws UsageError for an
// unknown architecture.
std::vector<TensorSpec> architecture_spec(const std::string& arch);
// The architecture whose names and shapes match `weights` exactly, or "".
std::string detect_architecture(const WeightSet& weights);
// Throws Error naming `source` and the first missing, unexpected or
// mis-shaped tensor.
void check_weights(const std::string& arch, const WeightSet& weights, const std::string& source);

// PyTorch's default initialisation, seeded.
WeightSet initial_weights(const std::string& arch, uint64_t seed);

using ConfusionMatrix = std::array<std::array<int64_t, kNumClasses>, kNumClasses>; // [true][predicted]

struct EvalResult {
    double accuracy = 0; // fraction in 0..1
    double loss = 0;     // mean cross-entropy
    ConfusionMatrix confusion{};
    std::vector<uint8_t> predictions; // one per image
};

// threads <= 0: every core (resolve_threads).
EvalResult evaluate(const std::string& arch, const WeightSet& weights, const Dataset& data, int threads = 0);

int64_t confusion_total(const ConfusionMatrix& m);
int64_t confusion_correct(const ConfusionMatrix& m);

} // namespace mergelab
