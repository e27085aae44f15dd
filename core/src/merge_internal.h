#pragma once
// What the files defining merge methods share. Internal to the core.
#include <functional>
#include <vector>

#include "mergelab/merge.h"

namespace mergelab {

// One tensor's inputs: the environments' values and, when the method reads
// it, the round's starting model (else nullptr).
struct TensorInputs {
    const NamedTensor* first = nullptr; // environment 1's tensor: name and shape
    std::vector<const float*> models;
    const float* base = nullptr;
    size_t count = 0;
};

// Checks the inputs (names, shapes, finite values, the base when
// `use_base`), then fills each merged tensor with `fill(inputs, out)` in
// environment 1's tensor order.
WeightSet merge_by_tensor(const MergeInputs& inputs, bool use_base,
                          const std::function<void(const TensorInputs&, float* out)>& fill);

// The registry's parts, by the file that defines them.
std::vector<MergeMethod> statistical_methods(); // merge_methods.cpp: wavg, median, trimmed-mean
std::vector<MergeMethod> task_vector_methods(); // merge_methods.cpp: task-arithmetic, ties
std::vector<MergeMethod> server_optimizers(); // server_optimizers.cpp: fedavgm, fedadam, fedadagrad, fedyogi

// sum_k w_k / N, or sum_k n_k w_k / sum_k n_k when `weighted`, in double.
double mean_of(const TensorInputs& in, size_t i, const std::vector<double>& weights);
// Each environment's weight for mean_of: empty for the plain mean; throws
// Error when `weighted` and the sizes are missing or not positive.
std::vector<double> mean_weights(const MergeInputs& inputs, bool weighted, const std::string& method);

} // namespace mergelab
