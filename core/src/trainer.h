#pragma once
// Local training of one model, shared by the round loop and the benchmarks.
// Internal to the core.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "mergelab/experiment.h"
#include "mergelab/statistics.h"
#include "mergelab/strategy.h"
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
    return torch::from_blob(const_cast<int64_t*>(idx.data()), {static_cast<int64_t>(idx.size())},
                            torch::kInt64);
}

// A local training rule's state for one environment (the rules people see
// are in strategy.h). The same object trains in a thread of this process and
// in an `env` process. A rule whose environments share state (SCAFFOLD's
// server control variate) has a RuleServer on the merging side; only its
// shared state and each environment's change to it travel.
class LocalRuleState {
public:
    virtual ~LocalRuleState() = default;
    // Before training: the model this environment starts the round from,
    // the server's shared state (empty for rules without one) and a seed of
    // this environment's own for this round.
    virtual void begin_round(const WeightSet& /*start*/, const WeightSet& /*shared*/, uint64_t /*seed*/) {}
    // For a rule whose registry entry needs_class_images: once, before
    // round 1, the pooled per-class moments of the images (image_statistics) of the
    // classes this environment lacks (the others have count 0), and the
    // shape of one image (channels, side, side).
    virtual void take_class_images(const FeatureStatistics& /*missing*/,
                                   const std::vector<int64_t>& /*shape*/) {}
    // After every backward pass.
    virtual void adjust_gradients(ClassifierImpl& /*net*/) {}
    // The logits the local loss is computed from (FedRS scales some).
    virtual torch::Tensor adjust_logits(const torch::Tensor& logits) { return logits; }
    virtual bool adjusts_logits() const { return false; }
    // After `steps` optimizer steps: this environment's change to the
    // shared state, or empty when it has none to give.
    virtual WeightSet end_round(ClassifierImpl& /*net*/, int64_t /*steps*/) { return {}; }
};

// The merging side of a rule with shared state.
class RuleServer {
public:
    virtual ~RuleServer() = default;
    virtual WeightSet shared() const = 0;
    // The changes of the environments that reported this round, in
    // environment order (empty ones skipped); `envs` counts all of them.
    virtual void absorb(const std::vector<const WeightSet*>& changes, int envs) = 0;
};

// Environment-side state of `rule` for an environment holding `classes` of
// the data's `class_count` (FedRS reads them); nullptr for plain training.
// Throws UsageError for an unknown rule.
std::unique_ptr<LocalRuleState> make_local_rule(const Choice& rule, double lr,
                                                const std::vector<int>& classes, int class_count);
// Whether environments training by `rule` need the pooled Gaussians of the
// classes they lack before round 1 (vimages).
bool rule_needs_class_images(const Choice& rule);
// The merging side, for a model shaped like `like`; nullptr when the rule
// shares nothing.
std::unique_ptr<RuleServer> make_rule_server(const Choice& rule, const WeightSet& like);

// Walks a set of training indices in shuffled epochs, continuing where the
// last round stopped: rounds of a fixed number of batches then see every
// image once per epoch, as whole-epoch rounds do.
class BatchCursor {
public:
    // `seed_of_epoch(e)` seeds the shuffle of epoch e (from 1).
    BatchCursor(const IndexList& indices, std::function<uint64_t(int)> seed_of_epoch)
        : indices_(indices)
        , seed_of_epoch_(std::move(seed_of_epoch)) {}
    // The next batch of at most `size` indices; an epoch's last batch may be short.
    std::pair<const int64_t*, int64_t> next(int64_t size);
    int epoch() const { return epoch_; }
    int64_t batches_per_epoch(int64_t size) const { return (int64_t(indices_.size()) + size - 1) / size; }

private:
    const IndexList& indices_;
    std::function<uint64_t(int)> seed_of_epoch_;
    IndexList order_;
    size_t pos_ = 0;
    int epoch_ = 0;
};

// One model being trained: an environment's, or the centralised baseline.
class Trainer {
public:
    Trainer(const ExperimentConfig& config, const WeightSet& initial)
        : config_(config)
        , net_(make_net_for(config.model, initial)) {
        assign_weights(*net_, initial);
    }

    ClassifierImpl& net() { return *net_; }
    // The gradients pass through `rule` (nullptr: plain).
    void set_rule(LocalRuleState* rule) { rule_ = rule; }
    // Optimizer steps since the last reset.
    int64_t steps() const { return steps_; }
    void reset_steps() { steps_ = 0; }

    // Trains one epoch over `indices` in a freshly shuffled order; returns
    // the mean training loss. The optimizer is created per round by the
    // caller, so its state (Adam's moments, momentum) resets on copy-back.
    double train_epoch(torch::optim::Optimizer& optimizer, const TrainingTensors& data,
                       const IndexList& indices, uint64_t order_seed, BatchProgress progress,
                       ExperimentObserver* observer, RunControl* control, const std::atomic<bool>* abort);
    // Trains `batches` batches from `cursor`; returns the mean training loss.
    double train_batches(torch::optim::Optimizer& optimizer, const TrainingTensors& data, BatchCursor& cursor,
                         int64_t batches, BatchProgress progress, ExperimentObserver* observer,
                         RunControl* control, const std::atomic<bool>* abort);

private:
    // One step on `count` images; returns the batch's loss.
    double step(torch::optim::Optimizer& optimizer, const TrainingTensors& data, const int64_t* idx,
                int64_t count, const BatchProgress& where, int64_t batch);

    const ExperimentConfig& config_;
    std::shared_ptr<ClassifierImpl> net_;
    LocalRuleState* rule_ = nullptr;
    int64_t steps_ = 0;
};

inline std::unique_ptr<torch::optim::Optimizer> make_optimizer(const ExperimentConfig& c,
                                                               ClassifierImpl& net) {
    if (c.optimizer == Optimizer::Sgd)
        return std::make_unique<torch::optim::SGD>(net.parameters(),
                                                   torch::optim::SGDOptions(c.lr).momentum(c.momentum));
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
