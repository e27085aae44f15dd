#pragma once
// The round, written once: train -> collect -> (align) -> merge ->
// provenance -> evaluate -> environment path -> histograms -> copy back,
// with the lesson's stops between the steps. What carries the environments
// (threads in this process, or `env` processes over the network) is an
// Environments object; the pipeline cannot tell them apart, so a run gives
// the same numbers either way. Internal to the core.
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "local_training.h"
#include "mergelab/experiment.h"
#include "mergelab/run_folder.h"

namespace mergelab {

// An environment (or the baseline, env -1) that dropped, stalled or sent
// something that failed validation; `message` names it.
struct EnvironmentLost {
    int env;
    std::string message;
};

// Work the pipeline runs on its pool beside its own evaluations.
struct PoolTask {
    int64_t cost = 0;
    std::function<void()> run;
};

class Environments {
public:
    virtual ~Environments() = default;

    // Once per lane, before its first round: `lane` holds the settings (a
    // lanes run passes each lane's), `starts[k]` environment k's round-1
    // model, `central_start` the baseline's (nullptr: no baseline).
    // `first_round` > 1 when a saved run continues. Events go to `observer`
    // (serialised, may be nullptr). Returns each environment's split.
    virtual std::vector<EnvironmentSummary> start(const ExperimentConfig& lane, const std::string& lane_name,
                                                  int first_round, const std::vector<WeightSet>& starts,
                                                  const WeightSet* central_start,
                                                  ExperimentObserver* observer, RunControl* control) = 0;

    // Trains every environment (and the baseline) one round from its current
    // model; with `statistics` each report carries the environment's feature
    // statistics (a calibration needs them this round). reports[k] stays empty for an environment that did
    // not report, which only happens when the run may go on without it (min_envs); otherwise a lost
    // environment throws EnvironmentLost. `central` gets the baseline's model.
    virtual void train(int round, const WeightSet& rule_shared, bool statistics,
                       std::vector<std::optional<LocalReport>>& reports, WeightSet* central) = 0;

    // Measures `models` on the validation data of environments `envs`: may
    // hand tasks to the pipeline's pool (threads) or send the models away
    // (processes); finish_validation returns accuracies[i][m] for envs[i].
    virtual void begin_validation(int round, const std::vector<const WeightSet*>& models,
                                  const std::vector<int>& envs, std::vector<PoolTask>& tasks) = 0;
    virtual std::vector<std::vector<double>> finish_validation() = 0;

    // Environments `envs` (0-based) each measure `model`'s feature
    // statistics on their own training data and go on from the model they
    // had; out[i] is envs[i]'s, empty for one that was lost when the run may
    // go on without it (min_envs); otherwise a loss throws EnvironmentLost.
    virtual std::vector<std::optional<FeatureStatistics>> describe(int round, const WeightSet& model,
                                                                   const std::vector<int>& envs) = 0;

    // Environments `envs` each measure the per-class moments of their own
    // training images (image_statistics); out[i] is envs[i]'s, empty for one
    // lost when the run may go on without it.
    virtual std::vector<std::optional<FeatureStatistics>> describe_images(const std::vector<int>& envs) = 0;
    // Environment envs[i] gets missing[i], the pooled moments of the
    // classes it lacks, for its rule (vimages), before it trains.
    virtual void share_class_images(const std::vector<int>& envs,
                                    const std::vector<FeatureStatistics>& missing) = 0;

    // Every environment goes on from `model`.
    virtual void copy_back(int round, const WeightSet& model) = 0;

    // The lane or run ended; remote environments are told.
    virtual void lane_finished(StopReason, const std::string& /*message*/) {}
};

struct PipelineContext {
    const Dataset* test = nullptr;        // the test images, which the merging side holds
    std::vector<std::string> class_names; // the data's, in label order
    Environments* environments = nullptr;
    ExperimentObserver* observer = nullptr;
    RunControl* control = nullptr;
    RunFolder* folder = nullptr; // nullptr: write nothing
};

// Before anything runs: claims config.out_dir (to continue a saved run when
// `resuming`; nullptr without an output folder), so a folder that is not
// ours is refused at once and the lock holds until the last lane is
// written; then sets up LibTorch's threads and allocator for training.
std::unique_ptr<RunFolder> prepare_run(const ExperimentConfig& config, bool resuming);

// Runs the experiment (every lane in turn); `resume` holds one point per
// lane for a continued run. Never throws for run-time faults.
std::vector<RunResult> run_pipeline(const ExperimentConfig& config, const PipelineContext& context,
                                    const std::vector<ResumePoint>* resume);

} // namespace mergelab
