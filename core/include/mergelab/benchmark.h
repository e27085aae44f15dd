#pragma once
// In-process measurements for mergelab-bench: the same code paths the engine
// uses, timed on the real data. Plain types only.
#include <cstdint>
#include <string>

#include "mergelab/dataset.h"

namespace mergelab {

struct Throughput {
    double images_per_second = 0;
    int64_t images = 0;
    double seconds = 0;
};

// Trains `models` fresh models on `images` training images each (batch
// `batch`, Adam 1e-3), as the engine does: side by side on `threads`
// threads split among them when models > 1.
Throughput measure_training(const FashionMnist& data, const std::string& arch, int64_t images, int batch,
                            int threads, int models);
// Evaluates one model on the whole test set `repeats` times.
Throughput measure_evaluation(const FashionMnist& data, const std::string& arch, int threads, int repeats);
// A large float32 matrix multiply: the machine's practical peak in GFLOP/s.
double matmul_gflops(int n, int threads, int repeats);
// Multiply-adds x 2 of one forward pass, x 3 for forward + backward.
double training_flops_per_image(const std::string& arch);

} // namespace mergelab
