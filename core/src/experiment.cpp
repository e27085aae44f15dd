#include "mergelab/experiment.h"

#include <chrono>
#include <cmath>
#include <filesystem>

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <numeric>
#include <set>
#include <thread>

#include "mergelab/error.h"
#include "mergelab/histogram.h"
#include "mergelab/log.h"
#include "mergelab/merge.h"
#include "mergelab/run_files.h"
#include "mergelab/state_dict.h"
#include "nets.h"
#include "random.h"
#include "trainer.h"

namespace mergelab {

// ---- configuration ---------------------------------------------------------

namespace {

std::string known_methods() {
    std::string known;
    for (const auto& n : merge_method_names()) known += (known.empty() ? "" : ", ") + n;
    return known;
}

void require_method(const std::string& option, const std::string& name) {
    if (!find_merge_method(name))
        throw UsageError(option + ": unknown merge method '" + name + "' (known: " + known_methods() + ")");
}

} // namespace

void validate(const ExperimentConfig& c) {
    validate(c.split);
    if (c.split.kind == "H" && c.split.classes.empty() && c.split.envs > kNumClasses)
        throw UsageError("--envs: an H split cannot have more environments than the 10 classes");
    architecture_spec(c.model); // throws UsageError naming --model
    require_method("--method", c.method);
    for (const auto& m : c.compare) require_method("--compare", m);
    if (c.mode != "compare" && c.mode != "lanes")
        throw UsageError("mode must be compare or lanes, got '" + c.mode + "'");
    if (c.mode == "lanes") {
        if (c.lanes.empty()) throw UsageError("--lanes: name at least one merge method");
        for (const auto& m : c.lanes) require_method("--lanes", m);
    }
    if (c.rounds < 1 || c.rounds > 10000)
        throw UsageError("--rounds must be between 1 and 10000, got " + std::to_string(c.rounds));
    if (c.local_epochs < 1 || c.local_epochs > 1000)
        throw UsageError("--local-epochs must be between 1 and 1000, got " + std::to_string(c.local_epochs));
    if (!(c.local_target >= 0 && c.local_target <= 1))
        throw UsageError("--local-target must be a fraction in [0, 1] (0: off), got " + std::to_string(c.local_target));
    if (!(c.target >= 0 && c.target <= 1))
        throw UsageError("--target must be a fraction in [0, 1] (0: off), got " + std::to_string(c.target));
    if (c.optimizer != "adam" && c.optimizer != "sgd")
        throw UsageError("--optimizer must be adam or sgd, got '" + c.optimizer + "'");
    if (!(c.lr > 0 && c.lr <= 10 && std::isfinite(c.lr)))
        throw UsageError("--lr must be a number in (0, 10], got " + std::to_string(c.lr));
    if (!(c.momentum >= 0 && c.momentum < 1))
        throw UsageError("--momentum must lie in [0, 1), got " + std::to_string(c.momentum));
    if (c.batch_size < 1 || c.batch_size > 65536)
        throw UsageError("--batch must be between 1 and 65536, got " + std::to_string(c.batch_size));
    if (c.init != "shared" && c.init != "independent")
        throw UsageError("--init must be shared or independent, got '" + c.init + "'");
    if (c.threads < 0 || c.threads > 256)
        throw UsageError("--threads must be between 0 (default) and 256, got " + std::to_string(c.threads));
    if (c.histogram_bins < 2 || c.histogram_bins > 4096)
        throw UsageError("--bins must be between 2 and 4096, got " + std::to_string(c.histogram_bins));
}

int resolve_threads(int requested) {
    if (requested > 0) return requested;
    return std::max(1u, std::thread::hardware_concurrency());
}

std::vector<std::string> preset_names() { return {"V", "H", "quick"}; }

ExperimentConfig preset(const std::string& name) {
    ExperimentConfig c;
    c.compare = {"avg", "max", "absmax"};
    c.baseline = true;
    if (name == "V") {
        c.split.kind = "V";
        c.rounds = 6;
        c.local_epochs = 3;
    } else if (name == "H") {
        c.split.kind = "H";
        c.rounds = 6;
        c.local_epochs = 1;
    } else if (name == "quick") {
        c.split.kind = "V";
        c.split.train_fraction = 0.12; // about 3,200 training images per environment
        c.rounds = 4;
        c.local_epochs = 1;
    } else {
        throw UsageError("unknown preset '" + name + "' (known: V, H, quick)");
    }
    return c;
}

std::vector<std::string> evaluated_methods(const ExperimentConfig& c) {
    std::vector<std::string> methods{c.method};
    for (const auto& m : c.compare)
        if (std::find(methods.begin(), methods.end(), m) == methods.end()) methods.push_back(m);
    return methods;
}

const MethodMetrics* RoundResult::method(const std::string& name) const {
    for (const auto& m : merged)
        if (m.method == name) return &m;
    return nullptr;
}

const char* phase_name(Phase phase) {
    switch (phase) {
    case Phase::Training: return "training";
    case Phase::Baseline: return "training the baseline";
    case Phase::Merging: return "merging";
    case Phase::Evaluating: return "evaluating";
    case Phase::CopyingBack: return "copying back";
    case Phase::Validating: return "validating";
    case Phase::Saving: return "saving";
    }
    return "?";
}

// ---- run control -------------------------------------------------------------

void RunControl::cancel() {
    cancel_ = true;
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_all();
}

void RunControl::pause() { pause_ = true; }

void RunControl::resume() {
    rounds_until_pause_ = -1;
    pause_ = false;
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_all();
}

void RunControl::pause_after_rounds(int rounds) {
    rounds_until_pause_ = rounds;
    pause_ = false;
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_all();
}

bool RunControl::checkpoint() {
    if (pause_ && !cancel_) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return !pause_ || cancel_; });
    }
    return !cancel_;
}

void RunControl::round_done() {
    int left = rounds_until_pause_.load();
    if (left > 0 && --left == 0) pause_ = true;
    rounds_until_pause_ = left > 0 ? left : -1;
}

// ---- the round loop ----------------------------------------------------------

namespace {

// Environments may train on parallel threads; observers are written for
// one caller at a time, so every event passes through one lock.
class SerialObserver : public ExperimentObserver {
public:
    explicit SerialObserver(ExperimentObserver* target) : target_(target) {}
    void run_started(const RunStarted& e) override { call([&] { target_->run_started(e); }); }
    void phase_changed(const PhaseChanged& e) override { call([&] { target_->phase_changed(e); }); }
    void batch_progress(const BatchProgress& e) override { call([&] { target_->batch_progress(e); }); }
    void environment_finished(const EnvironmentFinished& e) override {
        call([&] { target_->environment_finished(e); });
    }
    void merge_finished(const MergeFinished& e) override { call([&] { target_->merge_finished(e); }); }
    void round_finished(const std::string& lane, const RoundResult& r) override {
        call([&] { target_->round_finished(lane, r); });
    }
    void run_finished(const RunResult& r) override { call([&] { target_->run_finished(r); }); }

private:
    template <typename F> void call(F&& f) {
        std::lock_guard<std::mutex> lock(mutex_);
        f();
    }
    ExperimentObserver* target_;
    std::mutex mutex_;
};

// Seeds of the independent random streams; lanes reuse them on purpose so
// their curves differ only by the merge method.
uint64_t order_seed(uint64_t seed, int round, int env, int epoch) {
    return derive_seed(seed, 1000000 + uint64_t(round) * 10000 + uint64_t(env + 1) * 1000 + epoch);
}
uint64_t dropout_seed(uint64_t seed, int round, int env) {
    return derive_seed(seed, 2000000 + uint64_t(round) * 100 + uint64_t(env + 1));
}
uint64_t init_seed(uint64_t seed, int env) { return derive_seed(seed, 3000000 + uint64_t(env + 1)); }

class Experiment {
public:
    Experiment(const ExperimentConfig& config, const FashionMnist& data, const TrainingTensors& train,
               const std::string& lane, ExperimentObserver* observer, RunControl* control)
        : c_(config), data_(data), train_(train), serial_(observer), observer_(observer ? &serial_ : nullptr),
          control_(control) {
        result_.config = config;
        result_.lane = lane;
        test_images_ = torch::from_blob(const_cast<uint8_t*>(data.test.pixels.data()),
                                        {data.test.size(), 1, kImageSide, kImageSide}, torch::kUInt8);
        test_labels_ = labels_tensor(data.test);
    }

    RunResult run() {
        try {
            setup();
            for (int round = 1; round <= c_.rounds; ++round) {
                if (control_ && !control_->checkpoint()) throw Cancelled{};
                RoundResult r = run_round(round);
                result_.rounds.push_back(std::move(r));
                save_round(result_.rounds.back());
#ifdef __GLIBC__
                // Tensors of many sizes come and go each round; without giving
                // freed heap back, a long run's footprint creeps up in steps.
                malloc_trim(0);
#endif
                if (observer_) observer_->round_finished(result_.lane, result_.rounds.back());
                if (control_) control_->round_done();
                if (target_reached(result_.rounds.back())) {
                    finish("target", "every environment reached the target accuracy in round " +
                                         std::to_string(round));
                    return result_;
                }
            }
            finish("max_rounds", "reached the round limit of " + std::to_string(c_.rounds));
        } catch (const Cancelled&) {
            finish("cancelled", "cancelled after " + std::to_string(result_.rounds.size()) + " finished round(s)");
        } catch (const Diverged& d) {
            finish("diverged", d.message + "; the finished rounds are kept");
        } catch (const std::exception& e) {
            finish("failed", e.what());
        }
        return result_;
    }

private:
    void setup() {
        threads_ = resolve_threads(c_.threads);
        SplitSpec spec = c_.split;
        envs_ = make_environments(spec, data_.train.labels);
        for (const auto& e : envs_)
            result_.envs.push_back({e.classes, static_cast<int64_t>(e.train.size()), static_cast<int64_t>(e.val.size())});
        WeightSet shared;
        if (!c_.init_from.empty()) {
            shared = load_state_dict(c_.init_from);
            check_weights(c_.model, shared, c_.init_from);
        } else {
            shared = initial_weights(c_.model, init_seed(c_.seed, 0));
        }
        for (size_t k = 0; k < envs_.size(); ++k) {
            trainers_.push_back(std::make_unique<Trainer>(
                c_, c_.init == "shared" || !c_.init_from.empty() ? shared
                                                                 : initial_weights(c_.model, init_seed(c_.seed, int(k) + 1))));
            const auto idx = index_tensor(envs_[k].val);
            val_images_.push_back(train_.images.index_select(0, idx));
            val_labels_.push_back(train_.labels.index_select(0, idx));
        }
        if (c_.baseline) {
            central_ = std::make_unique<Trainer>(c_, shared);
            for (const auto& e : envs_) central_indices_.insert(central_indices_.end(), e.train.begin(), e.train.end());
        }
        RunStarted started{result_.lane, result_.envs, 0};
        auto batches = [&](size_t n) { return static_cast<int64_t>((n + c_.batch_size - 1) / c_.batch_size); };
        for (const auto& e : envs_) started.batches_per_round += batches(e.train.size()) * c_.local_epochs;
        if (c_.baseline) started.batches_per_round += batches(central_indices_.size()) * c_.local_epochs;
        if (!c_.out_dir.empty()) std::filesystem::create_directories(std::filesystem::path(c_.out_dir) / "models");
        if (observer_) observer_->run_started(started);
    }

    void phase(int round, Phase p, int env = -1, const std::string& method = {}) {
        if (observer_) observer_->phase_changed({result_.lane, round, p, env, method});
    }

    EnvRoundMetrics train_environment(int round, int k) {
        phase(round, Phase::Training, k);
        EnvRoundMetrics m;
        const auto start = Clock::now();
        Trainer& t = *trainers_[k];
        t.net().seed_dropout(dropout_seed(c_.seed, round, k));
        auto optimizer = make_optimizer(c_, t.net());
        for (int epoch = 1; epoch <= c_.local_epochs; ++epoch) {
            BatchProgress p{result_.lane, round, k, epoch, 0, 0, 0, 0};
            m.train_loss = t.train_epoch(*optimizer, train_, envs_[k].train, order_seed(c_.seed, round, k, epoch), p,
                                         observer_, control_, &abort_);
            m.epochs = epoch;
            const EvalResult val = evaluate_net(t.net(), val_images_[k], val_labels_[k], false);
            m.val_acc = val.accuracy;
            m.val_loss = val.loss;
            // The paper's step 2: local training may stop at a local target.
            if (c_.local_target > 0 && m.val_acc >= c_.local_target) break;
        }
        m.train_seconds = seconds_since(start);
        return m;
    }

    void train_baseline(int round) {
        phase(round, Phase::Baseline);
        central_->net().seed_dropout(dropout_seed(c_.seed, round, -1));
        auto optimizer = make_optimizer(c_, central_->net());
        for (int epoch = 1; epoch <= c_.local_epochs; ++epoch) {
            BatchProgress p{result_.lane, round, -1, epoch, 0, 0, 0, 0};
            central_->train_epoch(*optimizer, train_, central_indices_, order_seed(c_.seed, round, -1, epoch), p,
                                  observer_, control_, &abort_);
        }
    }

    template <typename Task>
    void run_tasks(const std::vector<int>& tasks, const std::vector<int64_t>& cost, Task&& task) {
        run_parallel(threads_, cost, [&](size_t i) { task(tasks[i]); }, abort_);
    }

    RoundResult run_round(int round) {
        const auto start = Clock::now();
        RoundResult r;
        r.round = round;
        r.primary = c_.method;
        // Local training of every environment (and the baseline) as tasks.
        const int envs = static_cast<int>(envs_.size());
        r.envs.resize(envs);
        std::vector<int> tasks; // environment index, -1 for the baseline
        std::vector<int64_t> cost;
        for (int k = 0; k < envs; ++k) tasks.push_back(k), cost.push_back(int64_t(envs_[k].train.size()));
        if (central_) tasks.push_back(-1), cost.push_back(int64_t(central_indices_.size()));
        const auto training_start = Clock::now();
        run_tasks(tasks, cost, [&](int k) {
            if (k >= 0)
                r.envs[k] = train_environment(round, k);
            else
                train_baseline(round);
        });
        r.training_seconds = seconds_since(training_start);

        if (control_ && !control_->checkpoint()) throw Cancelled{};
        std::vector<WeightSet> locals;
        for (auto& t : trainers_) locals.push_back(weights_of(t->net()));
        const auto methods = evaluated_methods(c_);
        phase(round, Phase::Merging, -1, c_.method);
        std::map<std::string, WeightSet> merged;
        for (const auto& method : methods) merged[method] = merge_weights(method, locals);

        // Evaluation as tasks too: every local model and the baseline on the
        // test images (for their confusion matrices), every merged model on
        // the test images and on each environment's validation data.
        r.merged.resize(methods.size());
        std::vector<int> jobs; // k >= 0: local model k; -1: baseline; <= -2: method -2-jobs
        cost.clear();
        const int64_t test_size = data_.test.size();
        int64_t val_total = 0;
        for (const auto& e : envs_) val_total += int64_t(e.val.size());
        for (int k = 0; k < envs; ++k) jobs.push_back(k), cost.push_back(test_size);
        if (central_) jobs.push_back(-1), cost.push_back(test_size);
        for (size_t m = 0; m < methods.size(); ++m) jobs.push_back(-2 - int(m)), cost.push_back(test_size + val_total);
        run_tasks(jobs, cost, [&](int job) {
            if (job >= 0) {
                const EvalResult test = evaluate_net(trainers_[job]->net(), test_images_, test_labels_, false);
                r.envs[job].test_acc = test.accuracy;
                r.envs[job].test_confusion = test.confusion;
                if (observer_) observer_->environment_finished({result_.lane, round, job, r.envs[job]});
            } else if (job == -1) {
                r.central_test_acc = evaluate_net(central_->net(), test_images_, test_labels_, false).accuracy;
            } else {
                const std::string& method = methods[-2 - job];
                phase(round, Phase::Evaluating, -1, method);
                auto net = make_net(c_.model);
                assign_weights(*net, merged.at(method));
                const EvalResult test = evaluate_net(*net, test_images_, test_labels_, true);
                MethodMetrics mm{method, test.accuracy, test.loss, test.confusion, {}, test.predictions};
                for (size_t k = 0; k < envs_.size(); ++k)
                    mm.env_val_acc.push_back(evaluate_net(*net, val_images_[k], val_labels_[k], false).accuracy);
                r.merged[-2 - job] = std::move(mm);
                if (observer_) observer_->merge_finished({result_.lane, round, r.merged[-2 - job]});
            }
        });
        r.histograms = make_histograms(locals, merged, c_.histogram_bins);

        phase(round, Phase::CopyingBack);
        for (auto& t : trainers_) assign_weights(t->net(), merged[c_.method]);
        locals_ = std::move(locals);
        merged_ = std::move(merged);
        r.seconds = seconds_since(start);
        return r;
    }

    bool target_reached(const RoundResult& r) const {
        if (c_.target <= 0) return false;
        const MethodMetrics* primary = r.method(c_.method);
        for (double acc : primary->env_val_acc)
            if (acc < c_.target) return false;
        return true;
    }

    void save_round(const RoundResult& r) {
        if (c_.out_dir.empty()) return;
        phase(r.round, Phase::Saving);
        namespace fs = std::filesystem;
        const fs::path models = fs::path(c_.out_dir) / "models";
        for (size_t k = 0; k < locals_.size(); ++k)
            save_state_dict((models / model_file_name(r.round, int(k) + 1)).string(), locals_[k]);
        for (const auto& [method, weights] : merged_)
            save_state_dict((models / model_file_name(r.round, method)).string(), weights);
        // Without --save-all only the newest round's models are kept; they
        // are written before the previous ones go, so a kill loses nothing.
        if (!c_.save_all && r.round > 1) {
            std::error_code ec;
            for (size_t k = 0; k < locals_.size(); ++k)
                fs::remove(models / model_file_name(r.round - 1, int(k) + 1), ec);
            for (const auto& [method, weights] : merged_) fs::remove(models / model_file_name(r.round - 1, method), ec);
        }
        result_.stopped = "running";
        write_run_files(c_.out_dir, result_);
    }

    void finish(const std::string& stopped, const std::string& message) {
        result_.stopped = stopped;
        result_.message = message;
        if (stopped == "failed" || stopped == "diverged")
            logger()->error("{}{}", result_.lane.empty() ? "" : "lane " + result_.lane + ": ", message);
        else
            logger()->info("{}{}", result_.lane.empty() ? "" : "lane " + result_.lane + ": ", message);
        if (!c_.out_dir.empty()) {
            try {
                write_run_files(c_.out_dir, result_);
            } catch (const std::exception& e) {
                logger()->error("could not write the run files: {}", e.what());
                if (stopped != "failed") {
                    result_.stopped = "failed";
                    result_.message = e.what();
                }
            }
        }
        if (observer_) observer_->run_finished(result_);
    }

    const ExperimentConfig& c_;
    const FashionMnist& data_;
    const TrainingTensors& train_;
    SerialObserver serial_;
    ExperimentObserver* observer_;
    int threads_ = 1;
    std::atomic<bool> abort_{false};
    RunControl* control_;
    RunResult result_;
    std::vector<EnvironmentData> envs_;
    std::vector<std::unique_ptr<Trainer>> trainers_;
    std::vector<torch::Tensor> val_images_, val_labels_;
    std::unique_ptr<Trainer> central_;
    IndexList central_indices_;
    torch::Tensor test_images_, test_labels_;
    std::vector<WeightSet> locals_;
    std::map<std::string, WeightSet> merged_;
};

} // namespace

std::vector<RunResult> run_experiment(const ExperimentConfig& config, const FashionMnist& data,
                                      ExperimentObserver* observer, RunControl* control) {
    validate(config);
    keep_freed_memory();
    torch::set_num_threads(resolve_threads(config.threads));
    // Tensors view `data` without copying; it outlives the run.
    const TrainingTensors train{torch::from_blob(const_cast<uint8_t*>(data.train.pixels.data()),
                                                 {data.train.size(), 1, kImageSide, kImageSide}, torch::kUInt8),
                                labels_tensor(data.train)};
    std::vector<RunResult> results;
    if (config.mode != "lanes") {
        results.push_back(Experiment(config, data, train, "", observer, control).run());
        return results;
    }
    for (const auto& method : config.lanes) {
        ExperimentConfig lane = config;
        lane.mode = "compare";
        lane.method = method;
        lane.compare = {method};
        if (!config.out_dir.empty()) lane.out_dir = (std::filesystem::path(config.out_dir) / "lanes" / method).string();
        results.push_back(Experiment(lane, data, train, method, observer, control).run());
        if (!config.out_dir.empty()) write_lanes_summary(config.out_dir, results);
        if (results.back().stopped == "cancelled") break;
    }
    return results;
}

} // namespace mergelab
