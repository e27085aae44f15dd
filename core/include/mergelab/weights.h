#pragma once
// Plain-C++ view of a model's parameters, so that code outside the core
// (UI, CLI, tests) never needs torch headers.
#include <cstdint>
#include <string>
#include <vector>

namespace mergelab {

struct NamedTensor {
    std::string name;           // PyTorch parameter name, e.g. "conv1.weight"
    std::vector<int64_t> shape; // row-major, as in PyTorch
    std::vector<float> values;  // contiguous, size == product of shape

    int64_t numel() const;
};

// Parameters in the model's registration order (the order of
// `model.state_dict()` in PyTorch).
using WeightSet = std::vector<NamedTensor>;

std::string shape_to_string(const std::vector<int64_t>& shape);
const NamedTensor* find_tensor(const WeightSet& set, const std::string& name);

} // namespace mergelab
