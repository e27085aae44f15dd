#pragma once
// What one environment does in one round, and the seeds it uses: shared by
// the in-process round loop (experiment.cpp) and an environment process
// (distributed/env_worker.cpp), so both give the same numbers.
#include <atomic>
#include <cstdint>
#include <string>

#include "mergelab/experiment.h"
#include "mergelab/statistics.h"
#include "trainer.h"

namespace mergelab {

// Seeds of the independent random streams; lanes reuse them on purpose so
// their curves differ only by the merge method.
uint64_t order_seed(uint64_t seed, int round, int env, int epoch);
uint64_t dropout_seed(uint64_t seed, int round, int env);
uint64_t init_seed(uint64_t seed, int env);
uint64_t virtual_images_seed(uint64_t seed, int round, int env);

// The model the run starts from: --init-from, else the seeded shared
// initialisation. Throws Error for a bad file.
WeightSet shared_start(const ExperimentConfig& config);
// Environment k's (0-based) round-1 model given the shared one.
WeightSet environment_start(const ExperimentConfig& config, const WeightSet& shared, int k);

// One environment's data as the trainer sees it.
struct LocalData {
    const TrainingTensors* train = nullptr;
    const IndexList* indices = nullptr; // its training rows
    torch::Tensor val_images, val_labels;
    // With local_steps: where its shuffled epochs stand, kept across rounds.
    BatchCursor* cursor = nullptr;
};

// Environment k's local training in `round`: fresh optimizer, seeded
// dropout and order, then local_steps batches from its cursor, or epochs
// until the local target or the epoch limit with validation after each.
// Throws Cancelled or Diverged.
EnvRoundMetrics train_locally(Trainer& trainer, const ExperimentConfig& config, const LocalData& data,
                              const std::string& lane, int round, int k, ExperimentObserver* observer,
                              RunControl* control, const std::atomic<bool>* abort);

} // namespace mergelab

namespace mergelab {

// What one environment reports after training a round.
struct LocalReport {
    EnvRoundMetrics metrics; // all but the test numbers, which the merging side measures
    WeightSet weights;       // its local model after training
    WeightSet rule_change;   // its change to the local rule's shared state; empty for most rules
    // Per class of the model, the moments of its local model's penultimate
    // features on its training data; only when the round asked for them
    // (a calibration with local=1).
    std::optional<FeatureStatistics> statistics;
};

// One environment's side of the rounds: its part of the data, its model,
// cursor and local rule. The same object serves a thread of an in-process
// run and an `env` process, so both train identically.
class EnvironmentSide {
public:
    // `k` is 0-based; `start` its round-1 model (environment_start).
    EnvironmentSide(const ExperimentConfig& config, const TrainingTensors& train, const EnvironmentData& data,
                    int k, const WeightSet& start);

    EnvironmentSummary summary() const;
    // Trains from the current model, then with `statistics` measures its
    // features. Throws Cancelled or Diverged.
    LocalReport train(int round, const WeightSet& rule_shared, bool statistics, const std::string& lane,
                      ExperimentObserver* observer, RunControl* control, const std::atomic<bool>* abort);
    // Per class, the moments of `model`'s penultimate features on this
    // environment's training data (the merged model's, for a calibration).
    FeatureStatistics describe(const WeightSet& model);
    // Whether its rule wants the Gaussians of the classes it lacks (vimages).
    bool needs_class_images() const { return needs_class_images_; }
    // Per class, the moments of its own training images (image_statistics).
    FeatureStatistics describe_images() const;
    // The pooled moments of the classes it lacks (the others count 0), for
    // its rule. Throws Error when they do not fit this run's images.
    void take_class_images(const FeatureStatistics& missing);
    // The images of the whole training set it took its part from: the most
    // a pooled class can count.
    int64_t all_training_images() const { return train_.images.size(0); }
    // A model's accuracy on this environment's validation data.
    double validate(ClassifierImpl& net) const;
    double validate(const WeightSet& model) const;
    // The merged model this environment goes on from.
    void set_model(const WeightSet& weights);
    int64_t validation_size() const { return int64_t(data_.val.size()); }
    int64_t training_size() const { return int64_t(data_.train.size()); }

private:
    const ExperimentConfig& c_;
    const TrainingTensors& train_;
    const EnvironmentData& data_;
    int k_;
    Trainer trainer_;
    std::unique_ptr<LocalRuleState> rule_;
    bool needs_class_images_ = false;
    std::unique_ptr<BatchCursor> cursor_; // with local_steps
    torch::Tensor val_images_, val_labels_;
    torch::Tensor train_images_, train_labels_; // its training rows, for its statistics (on first use)
};

// The centralised baseline: one model trained on the union of every
// environment's training data, as much per round as all of them together.
class CentralSide {
public:
    CentralSide(const ExperimentConfig& config, const TrainingTensors& train,
                const std::vector<EnvironmentData>& envs, const WeightSet& start);
    // Trains one round; returns the model. Throws Cancelled or Diverged.
    WeightSet train(int round, const std::string& lane, ExperimentObserver* observer, RunControl* control,
                    const std::atomic<bool>* abort);
    int64_t training_size() const { return int64_t(indices_.size()); }

private:
    const ExperimentConfig& c_;
    const TrainingTensors& train_;
    int envs_;
    IndexList indices_;
    Trainer trainer_;
    std::unique_ptr<BatchCursor> cursor_;
};

} // namespace mergelab
