#include "mergelab/benchmark.h"

#include "mergelab/model.h"
#include "trainer.h"

namespace mergelab {

Throughput measure_training(const FashionMnist& data, const std::string& arch, int64_t images, int batch,
                            int threads, int models) {
    keep_freed_memory();
    torch::set_num_threads(std::max(1, threads));
    ExperimentConfig config;
    config.model = arch;
    config.batch_size = batch;
    const TrainingTensors train{images_view(data.train), labels_tensor(data.train)};
    images = std::min(images, data.train.size());
    // Disjoint slices of the training set, like environments.
    std::vector<IndexList> slices(models);
    for (int m = 0; m < models; ++m)
        for (int64_t i = 0; i < images; ++i)
            slices[m].push_back((m * images + i) % data.train.size());
    std::vector<std::unique_ptr<Trainer>> trainers;
    for (int m = 0; m < models; ++m)
        trainers.push_back(std::make_unique<Trainer>(config, initial_weights(arch, 1)));
    std::atomic<bool> abort{false};
    const auto start = Clock::now();
    run_parallel(
        threads, std::vector<int64_t>(models, images),
        [&](size_t m) {
            auto optimizer = make_optimizer(config, trainers[m]->net());
            BatchProgress progress;
            trainers[m]->train_epoch(*optimizer, train, slices[m], 7 + m, progress, nullptr, nullptr, &abort);
        },
        abort);
    Throughput t;
    t.seconds = seconds_since(start);
    t.images = images * models;
    t.images_per_second = t.images / t.seconds;
    return t;
}

Throughput measure_evaluation(const FashionMnist& data, const std::string& arch, int threads, int repeats) {
    keep_freed_memory();
    torch::set_num_threads(std::max(1, threads));
    auto net = make_net_for(arch, initial_weights(arch, 1));
    assign_weights(*net, initial_weights(arch, 1));
    auto images = images_view(data.test);
    auto labels = labels_tensor(data.test);
    evaluate_net(*net, images, labels, true); // warm-up
    const auto start = Clock::now();
    for (int r = 0; r < repeats; ++r)
        evaluate_net(*net, images, labels, true);
    Throughput t;
    t.seconds = seconds_since(start);
    t.images = data.test.size() * repeats;
    t.images_per_second = t.images / t.seconds;
    return t;
}

double matmul_gflops(int n, int threads, int repeats) {
    torch::set_num_threads(std::max(1, threads));
    torch::InferenceMode inference;
    auto a = torch::rand({n, n}), b = torch::rand({n, n});
    torch::mm(a, b); // warm-up
    const auto start = Clock::now();
    for (int r = 0; r < repeats; ++r)
        torch::mm(a, b);
    return 2.0 * n * n * double(n) * repeats / seconds_since(start) / 1e9;
}

double training_flops_per_image(const std::string& arch) {
    double macs = 0;
    if (arch == "cnn") {
        macs += 26.0 * 26 * 32 * 1 * 9;  // conv1: 26x26 outputs, 32 channels, 3x3x1
        macs += 11.0 * 11 * 64 * 32 * 9; // conv2: 11x11 outputs, 64 channels, 3x3x32
        macs += 1600.0 * 128 + 128.0 * 10;
    } else {
        macs += 784.0 * 128 + 128.0 * 10;
    }
    // Backward costs about twice the forward (gradients of inputs and weights).
    return 3 * 2 * macs;
}

} // namespace mergelab
