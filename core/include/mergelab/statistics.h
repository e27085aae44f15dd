#pragma once
// Merges and a calibration that need more than the weights: statistics each
// environment computes on its own data (a diagonal Fisher, the Gram matrices
// of its linear layers' inputs, per-class moments of its penultimate
// features), and the server's use of them. Runs exchange the penultimate
// features' moments for a calibration step (a strategy's "@ccvr" suffix,
// strategy.h); the Fisher and the Grams are core functions only.
//
// Every statistic is computed in float64 from the model's float32 weights
// (pixels / 255 as in training, dropout off), and every server-side sum is
// in double, rounded once to float where a weight comes out.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mergelab/dataset.h"
#include "mergelab/weights.h"

namespace mergelab {

// ---- Fisher-weighted averaging (Matena and Raffel, NeurIPS 2022) ----

// The diagonal empirical Fisher of `weights` (an `arch` model) on `data`:
// the same names and shapes as the weights, each value
// (1/N) sum_n (d log p(y_n | x_n) / d theta)^2 over the N images, y_n the
// image's own label. Throws Error for an empty data set.
WeightSet diagonal_fisher(const std::string& arch, const WeightSet& weights, const Dataset& data,
                          int threads = 0);

constexpr double kFisherEpsilon = 1e-8;

// theta = sum_i lambda_i (F_i + epsilon) theta_i / sum_i lambda_i (F_i + epsilon),
// element by element over every tensor. `lambdas` empty: all equal.
// Throws Error for mismatched names or shapes, a negative or non-finite
// Fisher value, or lambdas that are not positive.
WeightSet fisher_merge(const std::vector<const WeightSet*>& models,
                       const std::vector<const WeightSet*>& fishers, const std::vector<double>& lambdas = {},
                       double epsilon = kFisherEpsilon);

// ---- RegMean (Jin et al., ICLR 2023) ----

// G = X^T X for one linear layer, X the layer's inputs (one row per image).
struct InputGram {
    std::string layer;          // "fc1": the layer's tensors are "fc1.weight" and "fc1.bias"
    int64_t dim = 0;            // the layer's input size
    int64_t count = 0;          // images summed over
    std::vector<double> values; // dim x dim, row-major
};
using InputGrams = std::vector<InputGram>;

// The Grams of fc1's and fc2's inputs of `weights` on `data`.
InputGrams linear_input_grams(const std::string& arch, const WeightSet& weights, const Dataset& data,
                              int threads = 0);

constexpr double kRegMeanAlpha = 0.9;

// For each layer in the Grams: W = (sum_i G~_i)^-1 sum_i G~_i W_i, with W_i
// the [in, out] transpose of "LAYER.weight" and G~_i = alpha G_i +
// (1 - alpha) diag(G_i). Inputs that are zero in every environment's data
// leave their rows of W undetermined: those rows are averaged. Biases and
// every other tensor are the plain average. Throws Error for mismatched
// models or Grams, alpha outside (0, 1], or a sum that is not positive
// definite (alpha 1 with fewer images than inputs).
WeightSet regmean_merge(const std::vector<const WeightSet*>& models,
                        const std::vector<const InputGrams*>& grams, double alpha = kRegMeanAlpha);

// ---- Classifier calibration with virtual representations (CCVR,
// Luo et al., NeurIPS 2021) ----

// One class's features: the penultimate ones (fc1's output after ReLU,
// fc2's inputs) or, to calibrate fc1 too, fc1's inputs.
struct ClassFeatures {
    int64_t count = 0;
    std::vector<double> mean;       // dim; empty when count is 0
    std::vector<double> covariance; // dim x dim, row-major, unbiased (count - 1); zeros when count is 1
    // The low-rank form (FeatureStatistics::rank > 0), for features too
    // many for a dim x dim matrix to travel every round: the covariance is
    // factor factor^T + residual I, with factor dim x (factor.size() / dim),
    // row-major, and covariance left empty.
    std::vector<double> factor;
    double residual = 0;
};
// One entry per class of the model (fc2's output rows); a class the data
// does not hold has count 0.
struct FeatureStatistics {
    int64_t dim = 0;
    // 0: every class has its dense covariance. > 0: the low-rank form, with
    // at most this many factor columns per class.
    int64_t rank = 0;
    std::vector<ClassFeatures> classes;
};

FeatureStatistics penultimate_statistics(const std::string& arch, const WeightSet& weights,
                                         const Dataset& data, int threads = 0);

// Per class, the moments of fc1's inputs (for the CNN, the 1,600 values of
// its convolutional part) in the low-rank form of probabilistic PCA
// (Tipping and Bishop, 1999): with lambda_1 >= ... >= lambda_dim the
// eigenvalues of the class's unbiased covariance and v_i their unit
// eigenvectors, residual = sum_{i > r} lambda_i / (dim - r) and factor
// column i = v_i sqrt(lambda_i - residual) for i <= r, r = min(rank, dim,
// count - 1). Factor factor^T + residual I keeps the r leading variances
// and the total variance.
FeatureStatistics head_input_statistics(const std::string& arch, const WeightSet& weights,
                                        const Dataset& data, int rank, int threads = 0);

// The statistics of all environments' features together, from each one's
// count, mean and covariance only: N = sum_k N_k, mu = sum_k N_k mu_k / N,
// Sigma = sum_k (N_k - 1)/(N - 1) Sigma_k + sum_k N_k/(N - 1) mu_k mu_k^T
//         - N/(N - 1) mu mu^T.
// In the low-rank form the same Sigma is kept exactly as G G^T + s I with
// s = sum_k (N_k - 1)/(N - 1) s_k and G's columns those of every
// sqrt((N_k - 1)/(N - 1)) F_k and every sqrt(N_k/(N - 1)) (mu_k - mu).
// All environments' statistics must have the same form.
FeatureStatistics pool_feature_statistics(const std::vector<const FeatureStatistics*>& environments);

// Per class, the moments of the images themselves (pixels / 255, every
// channel, flattened: dim = channels x side x side), for the "vimages"
// local rule: environments train on images drawn from the Gaussians of
// the classes they lack. The statistics describe the data, not a model.
FeatureStatistics image_statistics(const Dataset& data, int classes);

struct VirtualFeatures {
    int64_t dim = 0;
    std::vector<double> values;  // size() x dim, row-major
    std::vector<uint8_t> labels; // one per feature
    int64_t size() const { return static_cast<int64_t>(labels.size()); }
};

// `per_class` draws from N(mu_c, Sigma_c) for every class with a count,
// then the whole set in a random order. In the low-rank form a draw is
// mu + F a + sqrt(s) b, a and b standard normal. The same seed gives the same
// features: the normals come from a 64-bit Mersenne Twister by Box-Muller,
// not from the standard library's distributions, which may differ.
VirtualFeatures sample_virtual_features(const FeatureStatistics& global, int per_class, uint64_t seed);

struct CalibrationOptions {
    int per_class = 500;   // virtual features per class
    int epochs = 5;        // passes over the virtual features
    int batch = 64;        // features per step (the last step of an epoch takes the rest)
    double lr = 0.01;      // SGD step size
    double momentum = 0.9; // SGD momentum (PyTorch's form, no dampening)
    uint64_t seed = 1;     // for the sampling
    // 1: the features are fc2's inputs and fc2 alone is retrained; 2: they
    // are fc1's inputs and fc1 and fc2 are retrained together (ReLU
    // between them, no dropout).
    int layers = 1;
};

// Called after every step with fc2's weight [classes x its input size] and
// bias [classes] in double: the steps can be checked one by one.
using CalibrationStep =
    std::function<void(int step, const std::vector<double>& weight, const std::vector<double>& bias)>;

// Retrains fc2 of `weights` (with options.layers 2, fc1 and fc2) on
// `features`: mean cross-entropy per batch, SGD with momentum, in float64;
// the other tensors are returned unchanged.
WeightSet retrain_classifier(const WeightSet& weights, const VirtualFeatures& features,
                             const CalibrationOptions& options, const CalibrationStep& on_step = {});

// The sampling seed of a run's calibration in `round` (from 1), from the
// run's seed: the same run calibrates with the same virtual features.
uint64_t calibration_seed(uint64_t run_seed, int round);

// CCVR's server side: pool, sample, retrain fc2.
WeightSet calibrate_classifier(const WeightSet& weights,
                               const std::vector<const FeatureStatistics*>& environments,
                               const CalibrationOptions& options = {});

} // namespace mergelab
