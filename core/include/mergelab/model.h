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
    std::vector<TensorSpec> tensors; // parameter names and shapes in registration order, for 10 classes
    // The images it reads: channels x side x side bytes each.
    int channels = 1;
    int side = kImageSide;
};
const std::vector<Architecture>& architectures();
// Throws UsageError for an unknown architecture.
const Architecture& find_architecture(const std::string& arch);
// "cnn" (default) and "mlp".
std::vector<std::string> architecture_names();
// Parameter names and shapes in registration order, for a last layer of
// `classes` outputs (the registry lists them for Fashion-MNIST's ten).
// Throws UsageError for an unknown architecture or a class count outside
// 2..kMaxClasses.
std::vector<TensorSpec> architecture_spec(const std::string& arch, int classes = kFashionClasses);
// The class count `weights` were made for: the length of "fc2.bias", or 0
// when there is no such vector.
int weights_class_count(const WeightSet& weights);
// The architecture whose names and shapes match `weights` exactly (for
// their own class count), or "".
std::string detect_architecture(const WeightSet& weights);
// Throws Error naming `source` and the first missing, unexpected or
// mis-shaped tensor. `classes` 0: whatever count the weights were made for,
// within 2..kMaxClasses; a run passes its own so nothing else is taken.
void check_weights(const std::string& arch, const WeightSet& weights, const std::string& source,
                   int classes = 0);

// PyTorch's default initialisation, seeded.
WeightSet initial_weights(const std::string& arch, uint64_t seed, int classes = kFashionClasses);

// Counts of test images by [true][predicted] class: classes x classes.
using ConfusionMatrix = std::vector<std::vector<int64_t>>;
ConfusionMatrix empty_confusion(int classes);

struct EvalResult {
    double accuracy = 0;              // fraction in 0..1
    double loss = 0;                  // mean cross-entropy
    ConfusionMatrix confusion;        // the model's classes x classes
    std::vector<uint8_t> predictions; // one per image
};

// threads <= 0: every core (resolve_threads).
EvalResult evaluate(const std::string& arch, const WeightSet& weights, const Dataset& data, int threads = 0);

int64_t confusion_total(const ConfusionMatrix& m);
int64_t confusion_correct(const ConfusionMatrix& m);

} // namespace mergelab
