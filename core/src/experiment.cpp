#include "mergelab/experiment.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <numeric>
#include <set>
#include <thread>

#include "local_training.h"
#include "mergelab/align.h"
#include "interpolation_path.h"
#include "mergelab/error.h"
#include "mergelab/histogram.h"
#include "mergelab/i18n.h"
#include "mergelab/log.h"
#include "mergelab/merge.h"
#include "mergelab/provenance.h"
#include "mergelab/run_files.h"
#include "mergelab/run_folder.h"
#include "mergelab/settings.h"
#include "mergelab/state_dict.h"
#include "mergelab/strategy.h"
#include "nets.h"
#include "random.h"
#include "round_files.h"
#include "trainer.h"

namespace mergelab {

// ---- names at the edges -------------------------------------------------------

namespace {

template <typename E> struct Names {
    E value;
    const char* name;
};
constexpr Names<Mode> kModes[] = {{Mode::Compare, "compare"}, {Mode::Lanes, "lanes"}};
constexpr Names<Optimizer> kOptimizers[] = {{Optimizer::Adam, "adam"}, {Optimizer::Sgd, "sgd"}};
constexpr Names<Init> kInits[] = {{Init::Shared, "shared"}, {Init::Independent, "independent"}};
constexpr Names<StopReason> kStops[] = {{StopReason::Running, "running"},     {StopReason::Target, "target"},
                                        {StopReason::MaxRounds, "max_rounds"}, {StopReason::Cancelled, "cancelled"},
                                        {StopReason::Diverged, "diverged"},    {StopReason::Failed, "failed"}};

template <typename E, size_t N> const char* lookup(const Names<E> (&table)[N], E value) {
    for (const auto& entry : table)
        if (entry.value == value) return entry.name;
    return "?";
}
template <typename E, size_t N> bool lookup(const Names<E> (&table)[N], const std::string& text, E& out) {
    for (const auto& entry : table)
        if (text == entry.name) return out = entry.value, true;
    return false;
}

} // namespace

const char* name_of(Mode v) { return lookup(kModes, v); }
const char* name_of(Optimizer v) { return lookup(kOptimizers, v); }
const char* name_of(Init v) { return lookup(kInits, v); }
const char* name_of(StopReason v) { return lookup(kStops, v); }
bool parse_name(const std::string& t, Mode& out) { return lookup(kModes, t, out); }
bool parse_name(const std::string& t, Optimizer& out) { return lookup(kOptimizers, t, out); }
bool parse_name(const std::string& t, Init& out) { return lookup(kInits, t, out); }
bool parse_name(const std::string& t, StopReason& out) { return lookup(kStops, t, out); }

// ---- configuration ---------------------------------------------------------

void validate(const ExperimentConfig& c) {
    // Every setting against its declaration, then what involves several.
    for (const auto& d : settings()) check_setting(d, d.get(c));
    validate(c.split);
    if (c.mode == Mode::Lanes && c.lanes.empty()) throw setting_error("lanes", "must name at least one merge method");
    for (size_t i = 0; i < c.lanes.size(); ++i)
        for (size_t k = 0; k < i; ++k)
            if (c.lanes[i] == c.lanes[k])
                throw setting_error("lanes", "names '" + c.lanes[i] + "' twice; each lane needs its own folder");
    if (c.compare.empty()) throw setting_error("compare", "must name at least one merge method");
    // Methods compared in one run merge the same local models, so a local
    // rule (which changes how they are trained) belongs to the primary.
    for (const auto& m : c.compare)
        if (c.mode == Mode::Compare && m != c.method && parse_strategy(m).rule_given)
            throw setting_error("compare",
                                "item '" + m + "' names a local rule; give it with --method or --rule");
}

int resolve_threads(int requested) {
    if (requested > 0) return requested;
    return std::max(1u, std::thread::hardware_concurrency());
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
    // Only a stop already reached: a later one is not given away.
    if (at_step_)
        steps_released_ = steps_reached_;
    wake_.notify_all();
}

void RunControl::set_pause_after_steps(bool on) {
    pause_after_steps_ = on;
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_all();
}

void RunControl::next_step() {
    rounds_until_pause_ = -1;
    pause_ = false;
    std::lock_guard<std::mutex> lock(mutex_);
    ++steps_released_;
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

bool RunControl::step_done() {
    {
        // Counted even when not stopping, so a Next always names the stop
        // the controller last heard of.
        std::unique_lock<std::mutex> lock(mutex_);
        ++steps_reached_;
        if (pause_after_steps_ && steps_released_ < steps_reached_ && !cancel_) {
            at_step_ = true;
            wake_.wait(
                lock, [this] { return steps_released_ >= steps_reached_ || cancel_ || !pause_after_steps_; });
            at_step_ = false;
        }
        // Whatever was not waited for is no longer owed.
        steps_released_ = steps_reached_;
    }
    return checkpoint();
}

void RunControl::round_done() {
    int left = rounds_until_pause_.load();
    if (left > 0 && --left == 0) pause_ = true;
    rounds_until_pause_ = left > 0 ? left : -1;
}

// ---- the round loop ----------------------------------------------------------

namespace {

std::vector<std::vector<int>> env_classes(const std::vector<EnvironmentData>& envs) {
    std::vector<std::vector<int>> out;
    for (const auto& e : envs)
        out.push_back(e.classes);
    return out;
}

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
    void step_finished(const StepFinished& e) override { call([&] { target_->step_finished(e); }); }
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

// For each method, the index of the first earlier method whose merged
// weights are bit-identical, else -1.
std::vector<int> first_identical(const std::vector<std::string>& methods,
                                 const std::map<std::string, WeightSet>& merged) {
    auto same = [](const WeightSet& a, const WeightSet& b) {
        if (a.size() != b.size())
            return false;
        for (size_t t = 0; t < a.size(); ++t)
            if (a[t].name != b[t].name || a[t].values.size() != b[t].values.size() ||
                std::memcmp(a[t].values.data(), b[t].values.data(), sizeof(float) * a[t].values.size()) != 0)
                return false;
        return true;
    };
    std::vector<int> out(methods.size(), -1);
    for (size_t m = 1; m < methods.size(); ++m)
        for (size_t e = 0; e < m && out[m] < 0; ++e)
            if (out[e] < 0 && same(merged.at(methods[m]), merged.at(methods[e])))
                out[m] = int(e);
    return out;
}

class Experiment {
public:
    Experiment(const ExperimentConfig& config, const FashionMnist& data, const TrainingTensors& train,
               const std::string& lane, RunFolder* folder, ExperimentObserver* observer, RunControl* control,
               const ResumePoint* resume = nullptr)
        : c_(config)
        , data_(data)
        , train_(train)
        , serial_(observer)
        , observer_(observer ? &serial_ : nullptr)
        , control_(control)
        , folder_(folder)
        , prefix_(lane.empty() ? "" : "lanes/" + lane + "/")
        , resume_(resume && !resume->done.rounds.empty() ? resume : nullptr) {
        result_.config = config;
        result_.lane = lane;
        if (resume_)
            result_.rounds = resume_->done.rounds;
        test_images_ = images_view(data.test);
        test_labels_ = labels_tensor(data.test);
        const auto subset = torch::tensor(stratified_subset(data.test.labels, kDefaultInterpolationImages));
        subset_images_ = test_images_.index_select(0, subset);
        subset_labels_ = test_labels_.index_select(0, subset);
    }

    RunResult run() {
        try {
            setup();
            for (int round = int(result_.rounds.size()) + 1; round <= c_.rounds; ++round) {
                if (control_ && !control_->checkpoint()) throw Cancelled{};
                RoundResult r = run_round(round);
                result_.rounds.push_back(std::move(r));
                save_round(result_.rounds.back());
#ifdef __GLIBC__
                // Tensors of many sizes come and go each round; without giving
                // freed heap back, a long run's footprint creeps up in steps.
                malloc_trim(0);
#endif
                // Counted before it is reported: a Step asked for on seeing
                // this round applies to the next one.
                if (control_) control_->round_done();
                if (observer_) observer_->round_finished(result_.lane, result_.rounds.back());
                if (target_reached(result_.rounds.back())) {
                    finish(StopReason::Target, "every environment reached the target accuracy in round " +
                                         std::to_string(round));
                    return result_;
                }
            }
            finish(StopReason::MaxRounds, "reached the round limit of " + std::to_string(c_.rounds));
        } catch (const Cancelled&) {
            finish(StopReason::Cancelled, "cancelled after " + std::to_string(result_.rounds.size()) + " finished round(s)");
        } catch (const Diverged& d) {
            finish(StopReason::Diverged, d.message + "; the finished rounds are kept");
        } catch (const std::exception& e) {
            finish(StopReason::Failed, e.what());
        }
        return result_;
    }

private:
    void setup() {
        threads_ = resolve_threads(c_.threads);
        envs_ = make_environments(c_.split, data_.train.labels, c_.seed);
        for (const auto& e : envs_)
            result_.envs.push_back({e.classes, static_cast<int64_t>(e.train.size()), static_cast<int64_t>(e.val.size())});
        // A continued run starts every environment from the last round's
        // copied-back model, as the uninterrupted run would.
        const WeightSet shared = resume_ ? resume_->model : shared_start(c_);
        // The model every environment starts round 1 from; with independent
        // initialisations there is none, and environment 1's stands in.
        base_ = resume_ ? shared : environment_start(c_, shared, 0);
        for (const auto& e : envs_) env_sizes_.push_back(int64_t(e.train.size()));
        for (const auto& method : evaluated_methods(c_)) {
            const Choice m = parse_strategy(method).method;
            mergers_[method] = find_merge_method(m.name)->make(m.params);
        }
        const Strategy primary = parse_strategy(c_.method);
        rule_ = make_local_rule(primary.rule_given ? primary.rule : parse_rule_choice(c_.rule),
                                int(envs_.size()), c_.lr, env_classes(envs_));
        for (size_t k = 0; k < envs_.size(); ++k) {
            trainers_.push_back(
                std::make_unique<Trainer>(c_, resume_ ? shared : environment_start(c_, shared, int(k))));
            trainers_.back()->set_rule(rule_.get(), int(k));
            if (c_.local_steps > 0)
                cursors_.push_back(
                    std::make_unique<BatchCursor>(envs_[k].train, [seed = c_.seed, k](int epoch) {
                        return order_seed(seed, 0, int(k), epoch);
                    }));
            const auto idx = index_tensor(envs_[k].val);
            val_images_.push_back(train_.images.index_select(0, idx));
            val_labels_.push_back(train_.labels.index_select(0, idx));
        }
        if (c_.baseline) {
            central_ = std::make_unique<Trainer>(c_, resume_ ? resume_->central : shared);
            for (const auto& e : envs_) central_indices_.insert(central_indices_.end(), e.train.begin(), e.train.end());
            central_cursor_ = std::make_unique<BatchCursor>(
                central_indices_, [seed = c_.seed](int epoch) { return order_seed(seed, 0, -1, epoch); });
        }
        RunStarted started{result_.lane, result_.envs, 0};
        auto batches = [&](size_t n) { return static_cast<int64_t>((n + c_.batch_size - 1) / c_.batch_size); };
        for (const auto& e : envs_) started.batches_per_round += batches(e.train.size()) * c_.local_epochs;
        if (c_.baseline) started.batches_per_round += batches(central_indices_.size()) * c_.local_epochs;
        // The baseline takes as many images per round as all environments.
        if (c_.local_steps > 0)
            started.batches_per_round = int64_t(c_.local_steps) * int64_t(envs_.size()) * (c_.baseline ? 2 : 1);
        if (folder_) folder_->make_folder(prefix_ + "models");
        // Every round can then be recomputed from the files (--save-all).
        if (folder_ && c_.save_all && !resume_) save_model_file(*folder_, prefix_, model_file_name(0, "init"), base_);
        if (observer_) observer_->run_started(started);
    }

    void phase(int round, Phase p, int env = -1, const std::string& method = {}) {
        if (observer_) observer_->phase_changed({result_.lane, round, p, env, method});
    }

    EnvRoundMetrics train_environment(int round, int k) {
        phase(round, Phase::Training, k);
        const LocalData data{&train_, &envs_[k].train, val_images_[k], val_labels_[k],
                             c_.local_steps > 0 ? cursors_[k].get() : nullptr};
        return train_locally(*trainers_[k], c_, data, result_.lane, round, k, observer_, control_, &abort_);
    }

    void train_baseline(int round) {
        phase(round, Phase::Baseline);
        central_->net().seed_dropout(dropout_seed(c_.seed, round, -1));
        auto optimizer = make_optimizer(c_, central_->net());
        if (c_.local_steps > 0) {
            BatchProgress p{result_.lane, round, -1, central_cursor_->epoch(), 0, 0, 0, 0};
            central_->train_batches(*optimizer, train_, *central_cursor_,
                                    int64_t(c_.local_steps) * int64_t(envs_.size()), p, observer_, control_,
                                    &abort_);
        }
        for (int epoch = 1; c_.local_steps == 0 && epoch <= c_.local_epochs; ++epoch) {
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
        if (rule_)
            rule_->begin_round(base_);
        for (auto& t : trainers_)
            t->reset_steps();
        run_tasks(tasks, cost, [&](int k) {
            if (k >= 0)
                r.envs[k] = train_environment(round, k);
            else
                train_baseline(round);
        });
        if (rule_) {
            std::vector<ClassifierImpl*> nets;
            std::vector<int64_t> steps;
            for (auto& t : trainers_)
                nets.push_back(&t->net()), steps.push_back(t->steps());
            rule_->end_round(nets, steps);
        }
        r.training_seconds = seconds_since(training_start);
        step_done(r, Phase::Training);
        std::vector<WeightSet> locals;
        for (auto& t : trainers_) locals.push_back(weights_of(t->net()));
        const auto methods = evaluated_methods(c_);
        phase(round, Phase::Merging, -1, c_.method);
        MergeInputs inputs{{}, &base_, env_sizes_};
        const std::vector<WeightSet> aligned = aligned_to_first(locals);
        for (const auto& w : c_.align ? aligned : locals)
            inputs.models.push_back(&w);
        std::map<std::string, WeightSet> merged;
        for (const auto& method : methods) merged[method] = mergers_.at(method)->merge(inputs);
        r.provenance = picking_provenance(methods, inputs.models, merged);
        step_done(r, Phase::Merging);

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
        // A merged model identical to an earlier one (with two environments
        // median, trimmed mean and task arithmetic are the average) is
        // measured once.
        const std::vector<int> same_as = first_identical(methods, merged);
        for (size_t m = 0; m < methods.size(); ++m)
            if (same_as[m] < 0)
                jobs.push_back(-2 - int(m)), cost.push_back(test_size + val_total);
        // Past the environments' numbers: env 1 -> env 2 on the test subset,
        // beside the other evaluations rather than after them.
        const int path_job = envs;
        jobs.push_back(path_job), cost.push_back(subset_images_.size(0) * kDefaultInterpolationPoints);
        run_tasks(jobs, cost, [&](int job) {
            if (job == path_job) {
                r.env_path = interpolation_path(c_.model, locals[0], locals[1], subset_images_,
                                                subset_labels_, kDefaultInterpolationPoints);
            } else if (job >= 0) {
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
        for (size_t m = 0; m < methods.size(); ++m) {
            if (same_as[m] < 0)
                continue;
            r.merged[m] = r.merged[size_t(same_as[m])];
            r.merged[m].method = methods[m];
            if (observer_)
                observer_->merge_finished({result_.lane, round, r.merged[m]});
        }
        r.histograms = make_histograms(locals, merged, c_.histogram_bins);
        step_done(r, Phase::Evaluating);

        phase(round, Phase::CopyingBack);
        for (auto& t : trainers_) assign_weights(t->net(), merged[c_.method]);
        base_ = merged[c_.method];
        step_done(r, Phase::CopyingBack);
        locals_ = std::move(locals);
        merged_ = std::move(merged);
        r.seconds = seconds_since(start);
        return r;
    }

    // Tells the observer what this step did, then waits there in lesson
    // mode; a cancel while waiting ends the run.
    void step_done(const RoundResult& r, Phase step) {
        if (observer_) {
            StepFinished e{result_.lane, r.round, step, {}, {}, c_.method};
            for (const auto& env : r.envs) e.env_val_acc.push_back(env.val_acc);
            if (step == Phase::Evaluating || step == Phase::CopyingBack)
                for (const auto& m : r.merged) e.merged_test_acc.emplace_back(m.method, m.test_acc);
            observer_->step_finished(e);
        }
        if (control_ && !control_->step_done()) throw Cancelled{};
    }

    // Environment 1 and every other environment permuted to match it.
    std::vector<WeightSet> aligned_to_first(const std::vector<WeightSet>& locals) {
        if (!c_.align)
            return {};
        std::vector<WeightSet> out(locals.size());
        out[0] = locals[0];
        std::vector<int> jobs;
        for (int k = 1; k < int(locals.size()); ++k)
            jobs.push_back(k);
        run_tasks(jobs, std::vector<int64_t>(jobs.size(), 1),
                  [&](int k) { out[k] = align_to(locals[k], locals[0]).weights; });
        return out;
    }

    bool target_reached(const RoundResult& r) const {
        if (c_.target <= 0) return false;
        const MethodMetrics* primary = r.method(c_.method);
        for (double acc : primary->env_val_acc)
            if (acc < c_.target) return false;
        return true;
    }

    void save_round(const RoundResult& r) {
        if (!folder_) return;
        phase(r.round, Phase::Saving);
        const WeightSet central = central_ ? weights_of(central_->net()) : WeightSet{};
        save_round_files(*folder_, prefix_, r.round, {&locals_, &merged_, central_ ? &central : nullptr},
                         c_.save_all, result_);
    }

    void finish(StopReason stopped, const std::string& message) {
        result_.stopped = stopped;
        result_.message = message;
        if (stopped == StopReason::Failed || stopped == StopReason::Diverged)
            logger()->error("{}{}", result_.lane.empty() ? "" : "lane " + result_.lane + ": ", message);
        else
            logger()->info("{}{}", result_.lane.empty() ? "" : "lane " + result_.lane + ": ", message);
        if (folder_) {
            try {
                write_run_files(*folder_, prefix_, result_);
            } catch (const std::exception& e) {
                logger()->error("could not write the run files: {}", e.what());
                if (stopped != StopReason::Failed) {
                    result_.stopped = StopReason::Failed;
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
    torch::Tensor subset_images_, subset_labels_; // stratified_subset, for the env 1 -> env 2 path
    RunFolder* folder_; // nullptr: write nothing
    std::string prefix_; // "" or "lanes/METHOD/"
    std::vector<WeightSet> locals_;
    std::map<std::string, WeightSet> merged_;
    WeightSet base_;                  // what every environment started the current round from
    std::vector<int64_t> env_sizes_;  // training images per environment
    std::map<std::string, std::unique_ptr<Merger>> mergers_; // one per evaluated method, for the whole run
    std::unique_ptr<LocalRuleState> rule_;                   // nullptr: plain local training
    std::vector<std::unique_ptr<BatchCursor>> cursors_;      // with local_steps: where each environment is
    std::unique_ptr<BatchCursor> central_cursor_;
    const ResumePoint* resume_;                              // nullptr: a new run
};

} // namespace

std::vector<RunResult> run_experiment(const ExperimentConfig& config, const FashionMnist& data,
                                      ExperimentObserver* observer, RunControl* control,
                                      const std::vector<ResumePoint>* resume) {
    validate(config);
    const auto resume_of = [&](size_t lane) -> const ResumePoint* {
        return resume && lane < resume->size() ? &(*resume)[lane] : nullptr;
    };
    // Claimed before anything runs: a folder that is not ours is refused at
    // once, and the lock holds until the last lane is written.
    std::unique_ptr<RunFolder> folder;
    if (resume && !config.out_dir.empty())
        folder = claim_run_folder_to_continue(config.out_dir);
    else if (!config.out_dir.empty())
        folder = claim_run_folder(config.out_dir, config.replace_out);
    keep_freed_memory();
    torch::set_num_threads(resolve_threads(config.threads));
    // Tensors view `data` without copying; it outlives the run.
    const TrainingTensors train{images_view(data.train), labels_tensor(data.train)};
    std::vector<RunResult> results;
    if (config.mode != Mode::Lanes) {
        results.push_back(
            Experiment(config, data, train, "", folder.get(), observer, control, resume_of(0)).run());
        return results;
    }
    for (size_t i = 0; i < config.lanes.size(); ++i) {
        // A lane is a compare-mode run of its one strategy; its rule is
        // the strategy's, or the run's when it names none.
        const std::string& strategy = config.lanes[i];
        const Strategy s = parse_strategy(strategy);
        ExperimentConfig lane = config;
        lane.mode = Mode::Compare;
        lane.method = strategy;
        lane.compare = {strategy};
        if (s.rule_given) lane.rule = format_choice(s.rule);
        results.push_back(
            Experiment(lane, data, train, strategy, folder.get(), observer, control, resume_of(i)).run());
        if (folder) write_lanes_summary(*folder, results);
        if (results.back().stopped == StopReason::Cancelled) break;
    }
    return results;
}

} // namespace mergelab
