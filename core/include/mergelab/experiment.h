#pragma once
// The paper's algorithm as a reusable engine: every round each environment
// trains on its own data, the weights are merged element by element, the
// merged model is evaluated and copied back, until a target or a round limit.
//
// Plain structs in and out, so the CLI and the desktop app drive it without
// torch. Observers are called on the engine's thread.
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mergelab/dataset.h"
#include "mergelab/insight.h"
#include "mergelab/model.h"
#include "mergelab/registry.h"
#include "mergelab/split.h"

namespace mergelab {

enum class Mode { Compare, Lanes };
enum class Optimizer { Adam, Sgd };
enum class Init { Shared, Independent };
// Why a run stopped; Running while it goes on (and in run.json meanwhile).
enum class StopReason { Running, Target, MaxRounds, Cancelled, Diverged, Failed };

// Names at the edges (JSON, CLI, app); the core speaks the enums.
const char* name_of(Mode value);
const char* name_of(Optimizer value);
const char* name_of(Init value);
const char* name_of(StopReason value);
// Each returns false when `text` names no value.
bool parse_name(const std::string& text, Mode& out);
bool parse_name(const std::string& text, Optimizer& out);
bool parse_name(const std::string& text, Init& out);
bool parse_name(const std::string& text, StopReason& out);

// The settings of one experiment. Each field is declared for people (range,
// flag, label, help) once, in settings.cpp.
struct ExperimentConfig {
    SplitSpec split;           // kind, envs, classes, alpha, val fraction, train limit
    std::string model = "cnn"; // an architecture_names() entry
    // Not a setting: the data's class count, which sizes the model's last
    // layer. run_experiment and the processes set it from the data they load.
    int classes = kFashionClasses;
    // Methods as METHOD[:key=value,...] (strategy.h).
    std::string method = "avg"; // primary merge method: the one copied back
    std::vector<std::string> compare = {"avg", "max",
                                        "absmax"}; // merged and evaluated on the same local models
    Mode mode = Mode::Compare;
    // Lanes mode: one full experiment per strategy, METHOD[+RULE][:key=value,...].
    std::vector<std::string> lanes;
    std::string rule = "plain"; // local training rule, RULE[:key=value,...]
    bool align = false;         // permute every environment's hidden units to match environment 1's first
    bool baseline = false;      // also train one model on the union of the environments' data
    int rounds = 10;            // the round limit
    int local_epochs = 1;       // epochs per round (the maximum when local_target is set)
    int local_steps = 0;        // > 0: this many batches per round instead of local_epochs
    double local_target = 0;    // the paper's step 2: train until local val acc >= this (0: off)
    double target = 0;          // the paper's step 5: stop when every environment reaches it (0: off)
    Optimizer optimizer = Optimizer::Adam;
    double lr = 1e-3;
    double momentum = 0.9; // sgd only
    int batch_size = 64;
    uint64_t seed = 1; // the one seed: split, initial weights, data order, dropout
    // Every strategy runs once per seed: seed, seed + 1, ... (repeats.h
    // summarises the spread). A RunResult's config holds its own seed.
    int repeats = 1;
    Init init = Init::Shared;
    std::string init_from; // a saved state_dict every environment starts from (overrides init)
    int threads = 0;       // 0: every core of the machine (see resolve_threads)
    int histogram_bins = 64;
    // Test images (a class-stratified subset) on which every round records
    // environment 1 -> 2's interpolation path; 0: none. It is 11 evaluations
    // of the subset: at 2,000 images, a third of an H round's evaluation.
    int path_images = 2000;
    std::string data_dir; // empty: resolve_data_dir()
    // An image folder of class folders only: each class's share held out
    // as the test set (seeded, so every process holds out the same images).
    double test_fraction = 0.2;
    std::string out_dir;      // empty: write nothing
    bool replace_out = false; // --force: out_dir may hold a previous MergeLab run, which is removed
    bool save_all = false;    // save models of every round, not only the final one
    // Environments in processes: a round merges when at least this many
    // reported, and the others may rejoin later (0: every one must report).
    int min_envs = 0;
    // Values of settings declared outside the core (register_setting), as
    // typed, by key: they travel with the config like any other.
    std::map<std::string, std::string> extensions;
};

// A named starting point for the settings. "V" and "H" repeat the paper's
// two experiments (settings in README), "quick" is a demo that finishes in
// about a minute on 2 cores.
struct Preset : RegistryEntry {
    std::function<void(ExperimentConfig&)> apply; // onto the defaults
};
const std::vector<Preset>& presets();
// For tests and extensions: adds an entry (replacing one of the same name).
void register_preset(Preset preset);
const Preset* find_preset(const std::string& name);
// Throws UsageError for an unknown name.
ExperimentConfig preset(const std::string& name);
std::vector<std::string> preset_names();
// The preset whose settings equal `config` in everything but where it reads
// and writes (data, output, threads), or "" if none.
std::string matching_preset(const ExperimentConfig& config);

// `requested` if > 0, else the machine's hardware threads. LibTorch's own
// default can be 1 on virtual machines whose CPU topology it cannot read.
int resolve_threads(int requested);

// Throws UsageError naming the setting (field() is its key) for every refusal.
void validate(const ExperimentConfig& config);
// `config` for `data`: its class count, and a check that the model reads
// images like the data's (grey 28x28 or colour 32x32). Throws UsageError
// naming the model otherwise.
ExperimentConfig fitted_to_data(const ExperimentConfig& config, const FashionMnist& data);
// The methods evaluated each round: the primary first, then the others of
// `compare` in their given order, without repeats. A strategy with a
// calibration that is not copied back ("avg@ccvr", copy=0) brings its plain
// strategy ("avg") after the rest, so the two are evaluated side by side.
std::vector<std::string> evaluated_methods(const ExperimentConfig& config);
// What an environment's feature statistics are of: the same for every
// calibrated strategy of a run (validate() has them agree).
struct StatisticsKind {
    int images = 0; // of each class at most this many of its training images; 0: all
    int layers = 1; // 1: fc2's inputs, dense covariances; 2: fc1's inputs, low-rank
    int rank = 0;   // with layers 2, the factor's columns
    bool operator==(const StatisticsKind& o) const {
        return images == o.images && layers == o.layers && rank == o.rank;
    }
};
// The defaults (all images, fc2's inputs) without calibration.
StatisticsKind statistics_kind(const ExperimentConfig& config);
// Of one strategy (METHOD[+RULE][@STEP]); the defaults without a step.
StatisticsKind statistics_kind(const std::string& strategy);

struct EnvironmentSummary {
    std::vector<int> classes;
    int64_t train_size = 0;
    int64_t val_size = 0;
};

struct Stats {
    double mean = 0, std = 0, min = 0, max = 0;
};

struct LayerHistogram {
    std::string tensor; // "conv1.weight"
    double lo = 0, hi = 0;
    std::vector<std::vector<int64_t>> envs;             // one count vector per environment
    std::map<std::string, std::vector<int64_t>> merged; // per method
    std::vector<Stats> env_stats;
    std::map<std::string, Stats> merged_stats;
};

struct EnvRoundMetrics {
    double val_acc = 0; // local model on its own validation data, before the merge
    double val_loss = 0;
    double train_loss = 0; // mean over the last local epoch
    double train_seconds = 0;
    int epochs = 0;
    // The local model on the test images (for confusion matrices per
    // environment; in an H split it shows what the environment never saw).
    double test_acc = 0;
    ConfusionMatrix test_confusion = empty_confusion(kFashionClasses); // the run's classes squared
    // What travelled this round, as serialized payload bytes (the wire's
    // messages; an in-process run counts the size the same message would
    // have): its local model and rule change, its feature statistics, and the
    // model copied back to it with the rule's shared state, and statistics
    // sent to it (the Gaussians of the classes it lacks, for vimages).
    int64_t sent_weight_bytes = 0;
    int64_t sent_statistics_bytes = 0;
    int64_t received_weight_bytes = 0;
    int64_t received_statistics_bytes = 0;
};

struct MethodMetrics {
    std::string method;
    double test_acc = 0;
    double test_loss = 0;
    ConfusionMatrix confusion = empty_confusion(kFashionClasses); // the run's classes squared
    std::vector<double> env_val_acc;  // the merged model on each environment's validation data
    std::vector<uint8_t> predictions; // per test image
};

struct RoundResult {
    int round = 0; // from 1
    std::string primary;
    std::optional<double> central_test_acc;
    std::vector<EnvRoundMetrics> envs;
    std::vector<MethodMetrics> merged; // evaluated_methods() order
    std::vector<LayerHistogram> histograms;
    double seconds = 0;          // the whole round
    double training_seconds = 0; // of which local (and baseline) training
    // Why the merges differ (run format 2): the provenance of each picking
    // method, and env 1's local model -> env 2's on the stratified test subset.
    std::vector<MethodProvenance> provenance;
    std::optional<InterpolationPath> env_path;
    // The environments (0-based) whose models this round merged; all of them
    // unless some dropped out of a run with min_envs.
    std::vector<int> merged_envs;

    const MethodMetrics* method(const std::string& name) const;
    // Bytes that travelled this round: every environment's weights and
    // statistics sent and the model it received. 0 in runs saved before
    // the counts existed (no real round sends nothing).
    int64_t traffic() const;
};

struct RunResult {
    ExperimentConfig config;
    // The data's classes in label order (run.json "classes"); config.classes
    // of them.
    std::vector<std::string> class_names;
    std::string lane; // method name in lanes mode, else empty
    std::vector<EnvironmentSummary> envs;
    std::vector<RoundResult> rounds;
    StopReason stopped = StopReason::Running;
    std::string message;    // why it stopped, for people
    int format_version = 0; // of the run.json it was read from; 0: made by this process
};

enum class Phase { Training, Baseline, Merging, Evaluating, CopyingBack, Saving };

struct RunStarted {
    std::string lane;
    std::vector<EnvironmentSummary> envs;
    int64_t batches_per_round = 0; // all environments (and the baseline), one epoch each
};
struct PhaseChanged {
    std::string lane;
    int round = 0;
    Phase phase = Phase::Training;
    int env = -1;       // 0-based environment for Training, else -1
    std::string method; // for Merging/Evaluating
};
struct BatchProgress {
    std::string lane;
    int round = 0;
    int env = 0;                    // 0-based; -1 for the centralised baseline
    int epoch = 0;                  // from 1
    int64_t batch = 0, batches = 0; // batch from 1, of `batches` in this epoch
    double loss = 0;
    double images_per_second = 0;
};
struct EnvironmentFinished {
    std::string lane;
    int round = 0;
    int env = 0;
    EnvRoundMetrics metrics;
};
struct MergeFinished {
    std::string lane;
    int round = 0;
    MethodMetrics metrics;
};
// The end of one step of the paper's algorithm (local training, merging,
// evaluating the merged models, copying back), with the numbers a teacher
// explains it with. Sent before the engine stops there in lesson mode.
struct StepFinished {
    std::string lane;
    int round = 0;
    Phase step = Phase::Training;    // Training, Merging, Evaluating or CopyingBack
    std::vector<double> env_val_acc; // each local model on its own validation data (from Training on)
    std::vector<std::pair<std::string, double>> merged_test_acc; // per method (from Evaluating on)
    std::string primary;
};

class ExperimentObserver {
public:
    virtual ~ExperimentObserver() = default;
    virtual void run_started(const RunStarted&) {}
    virtual void phase_changed(const PhaseChanged&) {}
    virtual void batch_progress(const BatchProgress&) {}
    virtual void environment_finished(const EnvironmentFinished&) {}
    virtual void merge_finished(const MergeFinished&) {}
    virtual void step_finished(const StepFinished&) {}
    virtual void round_finished(const std::string& /*lane*/, const RoundResult&) {}
    // Called once per lane with the final status (stopped: target, max_rounds,
    // cancelled, diverged or failed).
    virtual void run_finished(const RunResult&) {}
};

// Shared between the engine's thread and its controller. Checked between
// batches: cancel stops the run, pause blocks until resumed or cancelled.
class RunControl {
public:
    void cancel();
    void pause();
    void resume();
    // Pause when the given number of further rounds have finished (Step).
    void pause_after_rounds(int rounds);
    // Lesson mode: pause after every step of the algorithm (StepFinished)
    // until next_step() or resume() is called for each. Turned off while
    // waiting at a step, the run goes on.
    void set_pause_after_steps(bool on);
    bool pauses_after_steps() const { return pause_after_steps_.load(); }
    // Lesson mode's Next: lets the engine past the step it stops at. The
    // controller hears of a step a moment before the engine stops there; a
    // Next given in between still counts for that stop (resume() would be
    // lost then). Call once per StepFinished seen. Lifts a pause as well.
    void next_step();
    // Only stores a lock-free flag: safe in a signal handler (does not wake
    // a paused run; the CLI never pauses).
    void request_cancel_from_signal() { cancel_.store(true); }
    bool cancelled() const { return cancel_.load(); }
    bool paused() const { return pause_.load() || at_step_.load(); }

    // Engine side: blocks while paused; returns false when cancelled.
    bool checkpoint();
    void round_done();
    // Engine side, at the end of a step: pauses there in lesson mode and
    // waits like checkpoint(); returns false when cancelled.
    bool step_done();

private:
    std::atomic<bool> cancel_{false};
    std::atomic<bool> pause_{false};
    std::atomic<int> rounds_until_pause_{-1};
    std::atomic<bool> pause_after_steps_{false};
    std::atomic<bool> at_step_{false}; // waiting at a step in lesson mode
    // Steps the engine has reached and those it may go past; under mutex_.
    int64_t steps_reached_ = 0;
    int64_t steps_released_ = 0;
    std::mutex mutex_;
    std::condition_variable wake_;
};

// Where a saved run (or one lane of it) stopped, to continue from there
// (resume.h reads it from a run folder).
struct ResumePoint {
    RunResult done;    // its settings and finished rounds
    WeightSet model;   // the copied-back model of the last finished round
    WeightSet central; // the baseline's model then; empty without a baseline
};

// Runs one experiment (or, in lanes mode, one per lane, one after another).
// Never throws for run-time faults: the result says "failed" with the
// message; invalid configuration throws UsageError before anything runs.
// With `resume` (one point per lane) the rounds continue after the finished
// ones, in the same folder.
std::vector<RunResult> run_experiment(const ExperimentConfig& config, const FashionMnist& data,
                                      ExperimentObserver* observer = nullptr, RunControl* control = nullptr,
                                      const std::vector<ResumePoint>* resume = nullptr);

} // namespace mergelab
