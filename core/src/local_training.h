#pragma once
// What one environment does in one round, and the seeds it uses: shared by
// the in-process round loop (experiment.cpp) and an environment process
// (distributed/env_worker.cpp), so both give the same numbers.
#include <atomic>
#include <cstdint>
#include <string>

#include "mergelab/experiment.h"
#include "trainer.h"

namespace mergelab {

// Seeds of the independent random streams; lanes reuse them on purpose so
// their curves differ only by the merge method.
uint64_t order_seed(uint64_t seed, int round, int env, int epoch);
uint64_t dropout_seed(uint64_t seed, int round, int env);
uint64_t init_seed(uint64_t seed, int env);

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
