#pragma once
// A model as the statistics see it: float64, dropout off, each layer
// reachable. Internal to the core.
#include <memory>
#include <string>

#include "mergelab/statistics.h"
#include "nets.h"

namespace mergelab {

class StatNet {
public:
    // Throws Error (naming the tensor) when `weights` is not an `arch` model.
    StatNet(const std::string& arch, const WeightSet& weights);

    // Images [first, first + count) of `data` as float64 N x 1 x 28 x 28, pixel / 255.
    static torch::Tensor input(const Dataset& data, int64_t first, int64_t count);

    // fc1's inputs, N x fc1's input size.
    torch::Tensor fc1_input(const torch::Tensor& x);
    // fc1's output after ReLU: fc2's inputs, the penultimate features.
    torch::Tensor penultimate(const torch::Tensor& x);
    torch::Tensor logits(const torch::Tensor& x);

    ClassifierImpl& net() { return *net_; }

private:
    std::shared_ptr<ClassifierImpl> net_;
    CnnImpl* cnn_ = nullptr; // when the net is a CNN
    torch::nn::Linear fc1_{nullptr}, fc2_{nullptr};
};

// Images per forward pass when a statistic sums over a data set.
constexpr int64_t kStatBatch = 100;

// penultimate_statistics on uint8 images N x 1 x 28 x 28 and their labels,
// without touching LibTorch's thread settings: an environment's thread of
// a run computes its statistics beside the others.
FeatureStatistics penultimate_statistics(const std::string& arch, const WeightSet& weights,
                                         const torch::Tensor& images, const torch::Tensor& labels);

// Per class (labels 0 .. classes - 1), the count, mean and unbiased
// covariance of `rows` (N x dim, any floating type), in float64.
FeatureStatistics class_moments(const torch::Tensor& rows, const torch::Tensor& labels, int64_t classes);

// head_input_statistics on uint8 images and their labels, without touching
// LibTorch's thread settings.
FeatureStatistics head_input_statistics(const std::string& arch, const WeightSet& weights,
                                        const torch::Tensor& images, const torch::Tensor& labels, int rank);
// The same moments in the low-rank form (head_input_statistics says which).
FeatureStatistics low_rank_moments(const torch::Tensor& rows, const torch::Tensor& labels, int64_t classes,
                                   int rank);

// Lower-triangular L with L L^T = A for a positive semi-definite d x d A
// (row-major); directions without variance get zero columns.
std::vector<double> semidefinite_cholesky(const std::vector<double>& a, int64_t d);

} // namespace mergelab
