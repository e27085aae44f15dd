#pragma once
// Local training of one model, shared by the round loop and the benchmarks.
// Internal to the core.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "mergelab/experiment.h"
#include "nets.h"
#include "random.h"

namespace mergelab {

// Thrown between batches when the run is cancelled (or a parallel task failed).
struct Cancelled {};
struct Diverged {
    std::string message;
};

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t);

// Keeps freed tensor memory in the process for the next batch instead of
// handing it back to the kernel and faulting it in again (see trainer.cpp).
// Idempotent; called before any training or evaluation.
void keep_freed_memory();

// The training set as tensors, shared by every environment and lane: each
// environment only ever indexes its own rows.
struct TrainingTensors {
    torch::Tensor images; // uint8 N x 1 x 28 x 28
    torch::Tensor labels; // int64
};

inline torch::Tensor index_tensor(const IndexList& idx) {
    return torch::from_blob(const_cast<int64_t*>(idx.data()), {static_cast<int64_t>(idx.size())}, torch::kInt64);
}

// One model being trained: an environment's, or the centralised baseline.
class Trainer {
public:
    Trainer(const ExperimentConfig& config, const WeightSet& initial)
        : config_(config), net_(make_net(config.model)) {
        assign_weights(*net_, initial);
    }

    ClassifierImpl& net() { return *net_; }

    // Trains one epoch over `indices` in a freshly shuffled order; returns
    // the mean training loss. The optimizer is created per round by the
    // caller, so its state (Adam's moments, momentum) resets on copy-back.
    double train_epoch(torch::optim::Optimizer& optimizer, const TrainingTensors& data, const IndexList& indices,
                       uint64_t order_seed, BatchProgress progress, ExperimentObserver* observer,
                       RunControl* control, const std::atomic<bool>* abort) {
        IndexList order = indices;
        std::mt19937_64 rng(order_seed);
        shuffle_in_place(order, rng);
        net_->train();
        const int64_t n = static_cast<int64_t>(order.size());
        const int64_t batch = config_.batch_size;
        progress.batches = (n + batch - 1) / batch;
        double loss_sum = 0;
        const auto start = Clock::now();
        for (int64_t b = 0; b * batch < n; ++b) {
            if ((control && !control->checkpoint()) || (abort && *abort)) throw Cancelled{};
            const int64_t count = std::min(batch, n - b * batch);
            auto idx = torch::from_blob(order.data() + b * batch, {count}, torch::kInt64);
            auto inputs = to_input(data.images.index_select(0, idx));
            auto targets = data.labels.index_select(0, idx);
            optimizer.zero_grad();
            auto loss = torch::nn::functional::cross_entropy(net_->forward(inputs), targets);
            const double value = loss.item<double>();
            if (!std::isfinite(value))
                throw Diverged{"the training loss became " + std::string(std::isnan(value) ? "NaN" : "infinite") +
                               " in round " + std::to_string(progress.round) + ", " +
                               (progress.env < 0 ? std::string("baseline")
                                                 : "environment " + std::to_string(progress.env + 1)) +
                               ", epoch " + std::to_string(progress.epoch) + ", batch " + std::to_string(b + 1)};
            loss.backward();
            optimizer.step();
            loss_sum += value * count;
            if (observer) {
                progress.batch = b + 1;
                progress.loss = value;
                const double elapsed = seconds_since(start);
                progress.images_per_second = elapsed > 0 ? (b * batch + count) / elapsed : 0;
                observer->batch_progress(progress);
            }
        }
        return n ? loss_sum / n : 0;
    }

private:
    const ExperimentConfig& config_;
    std::shared_ptr<ClassifierImpl> net_;
};

inline std::unique_ptr<torch::optim::Optimizer> make_optimizer(const ExperimentConfig& c, ClassifierImpl& net) {
    if (c.optimizer == Optimizer::Sgd)
        return std::make_unique<torch::optim::SGD>(net.parameters(), torch::optim::SGDOptions(c.lr).momentum(c.momentum));
    return std::make_unique<torch::optim::Adam>(net.parameters(), torch::optim::AdamOptions(c.lr));
}


// Runs task(i) for every i < cost.size() on min(threads, tasks) workers, each
// with an equal share of the threads. Small convolutions scale poorly across
// threads within one batch, so two models on one thread each beat one after
// another on two threads. The costliest tasks are placed first, each on the
// least-loaded worker; a task touches only its own model, so results do not
// depend on the placement. A failing task sets `abort` so the others stop at
// their next batch; its exception is rethrown here (a real failure before
// the Cancelled it caused elsewhere).
void run_parallel(int threads, const std::vector<int64_t>& cost, const std::function<void(size_t)>& task,
                  std::atomic<bool>& abort);

} // namespace mergelab
