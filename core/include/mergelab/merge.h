#pragma once
// Merge methods: element-wise combinations of N >= 2 weight sets of the same
// architecture. A method is one kernel function plus one line in the
// registry (merge.cpp).
#include <cstddef>
#include <string>
#include <vector>

#include "mergelab/weights.h"

namespace mergelab {

// out[i] = combine(inputs[0][i], ..., inputs[n-1][i]) for i < count.
using MergeKernel = void (*)(const std::vector<const float*>& inputs, float* out, size_t count);

struct MergeMethod {
    std::string name;
    std::string description;
    MergeKernel kernel;
};

const std::vector<MergeMethod>& merge_methods();
std::vector<std::string> merge_method_names();
// nullptr if unknown.
const MergeMethod* find_merge_method(const std::string& name);

// Applies `method` to every tensor. Throws UsageError for an unknown method
// and Error when the sets' names or shapes differ (naming the tensor) or fewer
// than two sets are given.
WeightSet merge_weights(const std::string& method, const std::vector<const WeightSet*>& sets);
WeightSet merge_weights(const std::string& method, const std::vector<WeightSet>& sets);

} // namespace mergelab
