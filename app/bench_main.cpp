// mergelab-bench: in-process measurements on the real data, printed as one
// JSON object for scripts/bench/compare.py (which runs the PyTorch peer side
// by side and prints the ratios). Not part of the test suite.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "mergelab/benchmark.h"
#include "mergelab/dataset.h"
#include "mergelab/log.h"

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"MergeLab micro-benchmarks (JSON on stdout)", "mergelab-bench"};
    int threads = 2, reps = 3;
    int64_t images = 6000;
    std::string data_dir;
    app.add_option("--threads", threads, "threads")->check(CLI::Range(1, 256));
    app.add_option("--reps", reps, "repetitions (the median is reported)")->check(CLI::Range(1, 100));
    app.add_option("--images", images, "training images per model")->check(CLI::Range(64, 60000));
    app.add_option("--data", data_dir, "Fashion-MNIST directory");
    CLI11_PARSE(app, argc, argv);
    mergelab::init_logging("warn");

    using Clock = std::chrono::steady_clock;
    std::vector<double> load, train_one, train_two, eval, peak;
    mergelab::FashionMnist data;
    for (int r = 0; r < reps; ++r) {
        const auto start = Clock::now();
        data = mergelab::load_fashion_mnist(mergelab::resolve_data_dir(data_dir));
        load.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    }
    for (int r = 0; r < reps; ++r) {
        // One model on all threads, as a plain script trains; then two
        // environments side by side, as the engine trains them.
        train_one.push_back(
            mergelab::measure_training(data, "cnn", images, 64, threads, 1).images_per_second);
        train_two.push_back(
            mergelab::measure_training(data, "cnn", images, 64, threads, 2).images_per_second);
        eval.push_back(mergelab::measure_evaluation(data, "cnn", threads, 3).images_per_second);
        peak.push_back(mergelab::matmul_gflops(2048, threads, 5));
    }
    nlohmann::json out{{"threads", threads},
                       {"reps", reps},
                       {"load_seconds", median(load)},
                       {"train_one_model_images_per_s", median(train_one)},
                       {"train_engine_images_per_s", median(train_two)},
                       {"eval_images_per_s", median(eval)},
                       {"matmul_gflops", median(peak)},
                       {"train_flops_per_image", mergelab::training_flops_per_image("cnn")}};
    std::cout << out.dump(1) << '\n';
    return 0;
}
