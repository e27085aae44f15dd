#pragma once
// Small, deterministic stand-ins for Fashion-MNIST that tests write
// themselves. The images are easy to learn: each class lights its own block
// of the 28x28 grid, with noise, so a model can beat chance in a few steps.
#include <cstdint>
#include <string>

#include "mergelab/dataset.h"
#include "mergelab/experiment.h"

namespace mergelab::testing {

struct SyntheticSpec {
    int train_per_class = 30;
    int test_per_class = 10;
    uint64_t seed = 7;
    bool gzip = true;
};

Dataset make_synthetic_dataset(int per_class, uint64_t seed);
// A whole data set in memory: training (seed 1) and test (seed 2) images.
FashionMnist synthetic_fashion_mnist(int train_per_class, int test_per_class);
// Writes train-/t10k- images and labels (".gz" when spec.gzip) into `dir`.
void write_synthetic_fashion_mnist(const std::string& dir, const SyntheticSpec& spec = {});

// The tests' common small experiment: one thread, small batches and
// histograms, so a round on synthetic data takes a fraction of a second.
ExperimentConfig small_config(int rounds = 2, const std::string& data_dir = {});

} // namespace mergelab::testing
