#include "round_pipeline.h"

#include <cstring>
#include <map>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "interpolation_path.h"
#include "mergelab/align.h"
#include "mergelab/error.h"
#include "mergelab/histogram.h"
#include "mergelab/log.h"
#include "mergelab/merge.h"
#include "mergelab/provenance.h"
#include "mergelab/run_files.h"
#include "mergelab/statistics.h"
#include "mergelab/strategy.h"
#include "nets.h"
#include "remote/checks.h"
#include "round_files.h"

namespace mergelab {
namespace {

// Environments may train on parallel threads; observers are written for
// one caller at a time, so every event passes through one lock.
class SerialObserver : public ExperimentObserver {
public:
    explicit SerialObserver(ExperimentObserver* target)
        : target_(target) {}
    void run_started(const RunStarted& e) override {
        call([&] { target_->run_started(e); });
    }
    void phase_changed(const PhaseChanged& e) override {
        call([&] { target_->phase_changed(e); });
    }
    void batch_progress(const BatchProgress& e) override {
        call([&] { target_->batch_progress(e); });
    }
    void environment_finished(const EnvironmentFinished& e) override {
        call([&] { target_->environment_finished(e); });
    }
    void merge_finished(const MergeFinished& e) override {
        call([&] { target_->merge_finished(e); });
    }
    void step_finished(const StepFinished& e) override {
        call([&] { target_->step_finished(e); });
    }
    void round_finished(const std::string& lane, const RoundResult& r) override {
        call([&] { target_->round_finished(lane, r); });
    }
    void run_finished(const RunResult& r) override {
        call([&] { target_->run_finished(r); });
    }

private:
    template <typename F> void call(F&& f) {
        std::lock_guard<std::mutex> lock(mutex_);
        f();
    }
    ExperimentObserver* target_;
    std::mutex mutex_;
};

bool same_weights(const WeightSet& a, const WeightSet& b) {
    if (a.size() != b.size())
        return false;
    for (size_t t = 0; t < a.size(); ++t)
        if (a[t].name != b[t].name || a[t].values.size() != b[t].values.size() ||
            std::memcmp(a[t].values.data(), b[t].values.data(), sizeof(float) * a[t].values.size()) != 0)
            return false;
    return true;
}

// For each method, the index of the first earlier method whose merged
// weights are bit-identical, else -1: such a model is measured once (with
// two environments median, trimmed mean and task arithmetic are the average).
std::vector<int> first_identical(const std::vector<std::string>& methods,
                                 const std::map<std::string, WeightSet>& merged) {
    std::vector<int> out(methods.size(), -1);
    for (size_t m = 1; m < methods.size(); ++m)
        for (size_t e = 0; e < m && out[m] < 0; ++e)
            if (out[e] < 0 && same_weights(merged.at(methods[m]), merged.at(methods[e])))
                out[m] = int(e);
    return out;
}

class Pipeline {
public:
    // `earlier`: this strategy's runs of the seeds before this one, for the
    // strategy's run files of repeats.
    Pipeline(const ExperimentConfig& config, const PipelineContext& context, const std::string& lane,
             const ResumePoint* resume, std::vector<const RunResult*> earlier = {})
        : c_(config)
        , x_(context)
        , serial_(context.observer)
        , observer_(context.observer ? &serial_ : nullptr)
        , control_(context.control)
        , envs_(context.environments)
        , strategy_prefix_(lane.empty() ? "" : "lanes/" + lane + "/")
        , resume_(resume && !resume->done.rounds.empty() ? resume : nullptr)
        , earlier_(std::move(earlier)) {
        result_.config = config;
        result_.class_names = context.class_names;
        result_.lane = lane;
        prefix_ = strategy_prefix_ + repeat_folder(result_);
        earlier_.push_back(&result_);
        if (resume_)
            result_.rounds = resume_->done.rounds;
        test_images_ = images_view(*context.test);
        test_labels_ = labels_tensor(*context.test);
        const auto subset = torch::tensor(stratified_subset(context.test->labels, c_.path_images));
        subset_images_ = test_images_.index_select(0, subset);
        subset_labels_ = test_labels_.index_select(0, subset);
    }

    RunResult run() {
        try {
            setup();
            for (int round = int(result_.rounds.size()) + 1; round <= c_.rounds; ++round) {
                if (control_ && !control_->checkpoint())
                    throw Cancelled{};
                result_.rounds.push_back(run_round(round));
                save_round(result_.rounds.back());
#ifdef __GLIBC__
                // Tensors of many sizes come and go each round; without giving
                // freed heap back, a long run's footprint creeps up in steps.
                malloc_trim(0);
#endif
                // Counted before it is reported: a Step asked for on seeing
                // this round applies to the next one.
                if (control_)
                    control_->round_done();
                if (observer_)
                    observer_->round_finished(result_.lane, result_.rounds.back());
                if (target_reached(result_.rounds.back()))
                    return finish(StopReason::Target,
                                  "every environment reached the target accuracy in round " +
                                      std::to_string(round));
            }
            return finish(StopReason::MaxRounds, "reached the round limit of " + std::to_string(c_.rounds));
        } catch (const Cancelled&) {
            return finish(StopReason::Cancelled,
                          "cancelled after " + std::to_string(result_.rounds.size()) + " finished round(s)");
        } catch (const Diverged& d) {
            return finish(StopReason::Diverged, d.message + "; the finished rounds are kept");
        } catch (const EnvironmentLost& lost) {
            return finish(StopReason::Failed, lost.message + "; the finished rounds are kept");
        } catch (const std::exception& e) {
            return finish(StopReason::Failed, e.what());
        }
    }

private:
    int envs() const {
        return c_.split.envs;
    }

    void setup() {
        threads_ = resolve_threads(c_.threads);
        // A continued run starts every environment from the last round's
        // copied-back model, as the uninterrupted run would.
        const WeightSet shared = resume_ ? resume_->model : shared_start(c_);
        std::vector<WeightSet> starts;
        for (int k = 0; k < envs(); ++k)
            starts.push_back(resume_ ? shared : environment_start(c_, shared, k));
        // The model every environment starts round 1 from; with independent
        // initialisations there is none, and environment 1's stands in.
        base_ = starts.front();
        const WeightSet central_start = resume_ ? resume_->central : shared;
        result_.envs = envs_->start(c_, result_.lane, int(result_.rounds.size()) + 1, starts,
                                    c_.baseline ? &central_start : nullptr, observer_, control_);
        for (const auto& e : result_.envs)
            env_sizes_.push_back(e.train_size);
        for (const auto& method : evaluated_methods(c_)) {
            const Strategy s = parse_strategy(method);
            mergers_[method] = find_merge_method(s.method.name)->make(s.method.params);
            if (s.calibrated())
                plans_[method] = calibration_plan(s.calibration);
        }
        const Strategy primary = parse_strategy(c_.method);
        const Choice rule = primary.rule_given ? primary.rule : parse_rule_choice(c_.rule);
        rule_ = make_rule_server(rule, shared);
        if (rule_needs_class_images(rule))
            share_class_images();
        RunStarted started{result_.lane, result_.envs, 0};
        int64_t all = 0;
        for (const auto& e : result_.envs) {
            started.batches_per_round += (e.train_size + c_.batch_size - 1) / c_.batch_size * c_.local_epochs;
            all += e.train_size;
        }
        if (c_.baseline)
            started.batches_per_round += (all + c_.batch_size - 1) / c_.batch_size * c_.local_epochs;
        // The baseline takes as many images per round as all environments.
        if (c_.local_steps > 0)
            started.batches_per_round = int64_t(c_.local_steps) * int64_t(envs()) * (c_.baseline ? 2 : 1);
        if (x_.folder)
            x_.folder->make_folder(prefix_ + "models");
        // Every round can then be recomputed from the files (--save-all).
        if (x_.folder && c_.save_all && !resume_)
            save_model_file(*x_.folder, prefix_, model_file_name(0, "init"), base_);
        if (observer_)
            observer_->run_started(started);
    }

    void phase(int round, Phase p, int env = -1, const std::string& method = {}) {
        if (observer_)
            observer_->phase_changed({result_.lane, round, p, env, method});
    }

    void run_tasks(const std::vector<PoolTask>& tasks) {
        std::vector<int64_t> cost;
        for (const auto& t : tasks)
            cost.push_back(t.cost);
        run_parallel(
            threads_, cost, [&](size_t i) { tasks[i].run(); }, abort_);
    }

    RoundResult run_round(int round) {
        const auto start = Clock::now();
        waited_ = 0;
        RoundResult r;
        r.round = round;
        r.primary = c_.method;
        EnvRoundMetrics absent;
        absent.test_confusion = empty_confusion(c_.classes); // an environment that did not report
        r.envs.assign(size_t(envs()), absent);

        // 1. Local training, wherever the environments are; statistics of
        // the local models only when a calibration on them runs this round.
        bool statistics = false;
        for (const auto& [method, plan] : plans_)
            statistics = statistics || (plan.local && plan.runs_in(round, c_.rounds));
        std::vector<std::optional<LocalReport>> reports(static_cast<size_t>(envs()));
        WeightSet central;
        const WeightSet rule_shared = rule_ ? rule_->shared() : WeightSet{};
        envs_->train(round, rule_shared, statistics, reports, c_.baseline ? &central : nullptr);
        std::vector<int> in; // the environments that reported, 0-based
        for (int k = 0; k < envs(); ++k)
            if (reports[k])
                in.push_back(k);
        const int needed = std::max(2, c_.min_envs > 0 ? c_.min_envs : envs());
        if (int(in.size()) < needed)
            throw EnvironmentLost{-1, std::to_string(in.size()) + " of " + std::to_string(envs()) +
                                          " environments reported in round " + std::to_string(round) +
                                          ", fewer than the " + std::to_string(needed) + " needed"};
        if (rule_) {
            std::vector<const WeightSet*> changes;
            for (int k : in)
                if (!reports[k]->rule_change.empty())
                    changes.push_back(&reports[k]->rule_change);
            rule_->absorb(changes, envs());
        }
        std::vector<WeightSet> locals;
        std::vector<int64_t> sizes;
        std::vector<FeatureStatistics> features;
        const int64_t shared_bytes = rule_shared.empty() ? 0 : remote::payload_bytes(rule_shared);
        for (int k : in) {
            r.envs[k] = reports[k]->metrics;
            r.envs[k].sent_weight_bytes = remote::payload_bytes(reports[k]->weights);
            if (!reports[k]->rule_change.empty())
                r.envs[k].sent_weight_bytes += remote::payload_bytes(reports[k]->rule_change);
            r.envs[k].received_weight_bytes = shared_bytes;
            if (reports[k]->statistics) {
                r.envs[k].sent_statistics_bytes = remote::payload_bytes(*reports[k]->statistics);
                features.push_back(std::move(*reports[k]->statistics));
            }
            if (size_t(k) < pending_sent_statistics_.size()) {
                r.envs[k].sent_statistics_bytes += pending_sent_statistics_[size_t(k)];
                r.envs[k].received_statistics_bytes += pending_received_statistics_[size_t(k)];
            }
            locals.push_back(std::move(reports[k]->weights));
            sizes.push_back(env_sizes_[k]);
            r.merged_envs.push_back(k);
        }
        pending_sent_statistics_.clear(), pending_received_statistics_.clear();
        r.training_seconds = seconds_since(start);
        step_done(r, Phase::Training);

        // 2. Merging (after aligning, with --align).
        const auto methods = evaluated_methods(c_);
        phase(round, Phase::Merging, -1, c_.method);
        MergeInputs inputs{{}, &base_, sizes};
        const std::vector<WeightSet> aligned = aligned_to_first(locals);
        for (const auto& w : c_.align ? aligned : locals)
            inputs.models.push_back(&w);
        std::map<std::string, WeightSet> merged;
        for (const auto& method : methods)
            merged[method] = mergers_.at(method)->merge(inputs);
        r.provenance = picking_provenance(methods, inputs.models, merged);
        // The plain merge of the primary, before any calibration.
        WeightSet copied = merged.at(c_.method);
        calibrate(round, r, merged, features, in);
        if (!plans_.count(c_.method) || plans_.at(c_.method).copy)
            copied = merged.at(c_.method);
        step_done(r, Phase::Merging);

        // 3. Evaluation as tasks: every local model and the baseline on the
        // test images (for their confusion matrices), every distinct merged
        // model on the test images and on each environment's validation data,
        // and env 1 -> env 2 on the test subset.
        evaluate(round, r, methods, merged, locals, in, central);
        r.histograms = make_histograms(locals, merged, c_.histogram_bins);
        step_done(r, Phase::Evaluating);

        // 4. Copy back: the primary's merge, calibrated when its plan says so.
        phase(round, Phase::CopyingBack);
        envs_->copy_back(round, copied);
        const int64_t copied_bytes = remote::payload_bytes(copied);
        for (int k : in)
            r.envs[k].received_weight_bytes += copied_bytes;
        base_ = std::move(copied);
        step_done(r, Phase::CopyingBack);
        locals_ = std::move(locals);
        merged_ = std::move(merged);
        central_ = std::move(central);
        // A lesson's pauses are the teacher's time, not the round's.
        r.seconds = seconds_since(start) - waited_;
        return r;
    }

    void evaluate(int round, RoundResult& r, const std::vector<std::string>& methods,
                  const std::map<std::string, WeightSet>& merged, const std::vector<WeightSet>& locals,
                  const std::vector<int>& in, const WeightSet& central) {
        r.merged.resize(methods.size());
        const std::vector<int> same_as = first_identical(methods, merged);
        std::vector<size_t> distinct; // indices into methods
        std::vector<const WeightSet*> to_validate;
        for (size_t m = 0; m < methods.size(); ++m)
            if (same_as[m] < 0)
                distinct.push_back(m), to_validate.push_back(&merged.at(methods[m]));
        const int64_t test_size = test_images_.size(0);
        std::vector<PoolTask> tasks;
        envs_->begin_validation(round, to_validate, in, tasks);
        for (size_t i = 0; i < in.size(); ++i)
            tasks.push_back({test_size, [&, i] {
                                 auto net = make_net_for(c_.model, locals[i]);
                                 assign_weights(*net, locals[i]);
                                 const EvalResult test =
                                     evaluate_net(*net, test_images_, test_labels_, false);
                                 r.envs[in[i]].test_acc = test.accuracy;
                                 r.envs[in[i]].test_confusion = test.confusion;
                             }});
        if (c_.baseline)
            tasks.push_back({test_size, [&] {
                                 auto net = make_net_for(c_.model, central);
                                 assign_weights(*net, central);
                                 r.central_test_acc =
                                     evaluate_net(*net, test_images_, test_labels_, false).accuracy;
                             }});
        for (size_t m : distinct)
            tasks.push_back({test_size, [&, m] {
                                 phase(round, Phase::Evaluating, -1, methods[m]);
                                 auto net = make_net_for(c_.model, merged.at(methods[m]));
                                 assign_weights(*net, merged.at(methods[m]));
                                 const EvalResult test = evaluate_net(*net, test_images_, test_labels_, true);
                                 r.merged[m] =
                                     MethodMetrics{methods[m], test.accuracy,   test.loss, test.confusion,
                                                   {},         test.predictions};
                             }});
        if (locals.size() >= 2 && subset_images_.size(0) > 0)
            tasks.push_back({subset_images_.size(0) * kDefaultInterpolationPoints, [&] {
                                 r.env_path =
                                     interpolation_path(c_.model, locals[0], locals[1], subset_images_,
                                                        subset_labels_, kDefaultInterpolationPoints);
                             }});
        run_tasks(tasks);
        const auto accuracies = envs_->finish_validation(); // [i][distinct model]
        for (size_t d = 0; d < distinct.size(); ++d) {
            auto& accs = r.merged[distinct[d]].env_val_acc;
            accs.assign(size_t(envs()), 0.0);
            for (size_t i = 0; i < in.size(); ++i)
                accs[size_t(in[i])] = accuracies.at(i).at(d);
        }
        for (size_t m = 0; m < methods.size(); ++m)
            if (same_as[m] >= 0) {
                r.merged[m] = r.merged[size_t(same_as[m])];
                r.merged[m].method = methods[m];
            }
        if (observer_) {
            for (int k : in)
                observer_->environment_finished({result_.lane, round, k, r.envs[k]});
            for (const auto& mm : r.merged)
                observer_->merge_finished({result_.lane, round, mm});
        }
    }

    // Tells the observer what this step did, then waits there in lesson
    // mode; a cancel while waiting ends the run.
    void step_done(const RoundResult& r, Phase step) {
        if (observer_) {
            StepFinished e{result_.lane, r.round, step, {}, {}, c_.method};
            for (const auto& env : r.envs)
                e.env_val_acc.push_back(env.val_acc);
            if (step == Phase::Evaluating || step == Phase::CopyingBack)
                for (const auto& m : r.merged)
                    e.merged_test_acc.emplace_back(m.method, m.test_acc);
            observer_->step_finished(e);
        }
        const auto waiting = Clock::now();
        if (control_ && !control_->step_done())
            throw Cancelled{};
        waited_ += seconds_since(waiting);
    }

    // CCVR after the merge: the environments' feature statistics pooled,
    // virtual features drawn (seeded by the run's seed and the round) and
    // Once per lane (and again when a saved run continues): every
    // environment's class moments of its images up, the pooled Gaussians of
    // the classes it lacks down. Their bytes count in the first round run.
    void share_class_images() {
        std::vector<int> all;
        for (int k = 0; k < envs(); ++k)
            all.push_back(k);
        auto described = envs_->describe_images(all);
        std::vector<const FeatureStatistics*> from;
        std::vector<int> in;
        for (size_t i = 0; i < described.size(); ++i)
            if (described[i])
                from.push_back(&*described[i]), in.push_back(all[i]);
        if (from.empty())
            throw EnvironmentLost{-1, "no environment described its images"};
        const FeatureStatistics pooled = pool_feature_statistics(from);
        std::vector<FeatureStatistics> missing;
        pending_sent_statistics_.assign(size_t(envs()), 0);
        pending_received_statistics_.assign(size_t(envs()), 0);
        for (size_t i = 0; i < from.size(); ++i) {
            FeatureStatistics lacks = pooled;
            for (size_t c = 0; c < lacks.classes.size(); ++c)
                if (from[i]->classes[c].count > 0)
                    lacks.classes[c] = ClassFeatures{};
            pending_sent_statistics_[size_t(in[i])] = remote::payload_bytes(*from[i]);
            pending_received_statistics_[size_t(in[i])] = remote::payload_bytes(lacks);
            missing.push_back(std::move(lacks));
        }
        envs_->share_class_images(in, missing);
    }

    // fc2 retrained, for each calibrated method whose plan runs this round.
    // The statistics are of the merged model, whose fc1 the retrained fc2
    // will read (each environment `in` measures them on its own data), or
    // with local=1 of the local models, sent with the weights.
    void calibrate(int round, RoundResult& r, std::map<std::string, WeightSet>& merged,
                   const std::vector<FeatureStatistics>& local_features, const std::vector<int>& in) {
        for (const auto& [method, plan] : plans_) {
            if (!plan.runs_in(round, c_.rounds))
                continue;
            std::vector<const FeatureStatistics*> from;
            std::vector<std::optional<FeatureStatistics>> described;
            if (plan.local) {
                for (const auto& f : local_features)
                    from.push_back(&f);
            } else {
                described = envs_->describe(round, merged.at(method), in);
                const int64_t model_bytes = remote::payload_bytes(merged.at(method));
                for (size_t i = 0; i < in.size(); ++i) {
                    if (!described[i])
                        continue;
                    r.envs[size_t(in[i])].received_weight_bytes += model_bytes;
                    r.envs[size_t(in[i])].sent_statistics_bytes += remote::payload_bytes(*described[i]);
                    from.push_back(&*described[i]);
                }
            }
            if (from.size() < 2)
                throw Error("the calibration of round " + std::to_string(round) + " has the statistics of " +
                            std::to_string(from.size()) + " environment(s)");
            CalibrationOptions options;
            options.per_class = plan.per_class;
            options.seed = calibration_seed(c_.seed, round);
            options.layers = plan.layers;
            merged[method] = calibrate_classifier(merged.at(method), from, options);
        }
    }

    // The first environment and every other one permuted to match it.
    std::vector<WeightSet> aligned_to_first(const std::vector<WeightSet>& locals) {
        if (!c_.align)
            return {};
        std::vector<WeightSet> out(locals.size());
        out[0] = locals[0];
        std::vector<PoolTask> tasks;
        for (size_t k = 1; k < locals.size(); ++k)
            tasks.push_back({1, [&, k] { out[k] = align_to(locals[k], locals[0]).weights; }});
        run_tasks(tasks);
        return out;
    }

    bool target_reached(const RoundResult& r) const {
        if (c_.target <= 0)
            return false;
        for (double acc : r.method(c_.method)->env_val_acc)
            if (acc < c_.target)
                return false;
        return true;
    }

    void save_round(const RoundResult& r) {
        if (!x_.folder)
            return;
        phase(r.round, Phase::Saving);
        save_round_files(*x_.folder, prefix_, r.round,
                         {&locals_, &merged_, c_.baseline ? &central_ : nullptr}, c_.save_all, result_);
    }

    // The strategy's list of every seed's run, when a seed's run ends: after
    // every round it was every earlier seed's rounds serialised again, by
    // the third seed of an H run about 7 MB a round. The seed's own run.json
    // still follows every round.
    void write_repeats() {
        if (c_.repeats > 1)
            write_repeat_files(*x_.folder, strategy_prefix_, earlier_);
    }

    RunResult finish(StopReason stopped, const std::string& message) {
        result_.stopped = stopped;
        result_.message = message;
        const std::string who = result_.lane.empty() ? "" : "lane " + result_.lane + ": ";
        if (stopped == StopReason::Failed || stopped == StopReason::Diverged)
            logger()->error("{}{}", who, message);
        else
            logger()->info("{}{}", who, message);
        envs_->lane_finished(stopped, message);
        if (x_.folder) {
            try {
                write_run_files(*x_.folder, prefix_, result_);
                write_repeats();
            } catch (const std::exception& e) {
                logger()->error("could not write the run files: {}", e.what());
                if (stopped != StopReason::Failed) {
                    result_.stopped = StopReason::Failed;
                    result_.message = e.what();
                }
            }
        }
        if (observer_)
            observer_->run_finished(result_);
        return result_;
    }

    const ExperimentConfig& c_;
    const PipelineContext& x_;
    SerialObserver serial_;
    ExperimentObserver* observer_;
    RunControl* control_;
    Environments* envs_;
    std::string strategy_prefix_; // "" or "lanes/METHOD/"
    std::string prefix_;          // that, or with repeats its "seed-N/" below it
    const ResumePoint* resume_;
    std::vector<const RunResult*> earlier_; // this strategy's seeds so far, this one last
    int threads_ = 1;
    std::atomic<bool> abort_{false};
    double waited_ = 0; // this round's seconds at lesson stops
    RunResult result_;
    torch::Tensor test_images_, test_labels_;
    torch::Tensor subset_images_, subset_labels_;            // stratified_subset, for the env 1 -> env 2 path
    std::vector<int64_t> env_sizes_;                         // training images per environment
    std::map<std::string, std::unique_ptr<Merger>> mergers_; // one per evaluated method, for the whole run
    std::map<std::string, CalibrationPlan> plans_;           // the calibrated methods' steps
    std::unique_ptr<RuleServer> rule_;                       // nullptr: the rule shares nothing
    // The class images' statistics each environment sent and got before
    // the first round this run trains (vimages); empty otherwise.
    std::vector<int64_t> pending_sent_statistics_, pending_received_statistics_;
    WeightSet base_; // what every environment started the current round from
    std::vector<WeightSet> locals_;
    std::map<std::string, WeightSet> merged_;
    WeightSet central_;
};

} // namespace

std::unique_ptr<RunFolder> prepare_run(const ExperimentConfig& config, bool resuming) {
    std::unique_ptr<RunFolder> folder;
    if (!config.out_dir.empty())
        folder = resuming ? claim_run_folder_to_continue(config.out_dir)
                          : claim_run_folder(config.out_dir, config.replace_out);
    keep_freed_memory();
    torch::set_num_threads(resolve_threads(config.threads));
    return folder;
}

std::vector<RunResult> run_pipeline(const ExperimentConfig& config, const PipelineContext& context,
                                    const std::vector<ResumePoint>* resume) {
    if (resume && config.repeats > 1)
        throw UsageError("a run with repeats cannot be continued; start it again");
    const auto resume_of = [&](size_t lane) -> const ResumePoint* {
        return resume && lane < resume->size() ? &(*resume)[lane] : nullptr;
    };
    // The seed loop is outside the strategies: after each seed every
    // strategy has a comparable run, so a cancelled run still pairs up.
    std::vector<RunResult> results;
    for (int repeat = 0; repeat < std::max(1, config.repeats); ++repeat) {
        ExperimentConfig seeded = config;
        seeded.seed = config.seed + uint64_t(repeat);
        const auto earlier = [&](const std::string& lane) {
            std::vector<const RunResult*> runs;
            for (const auto& r : results)
                if (r.lane == lane)
                    runs.push_back(&r);
            return runs;
        };
        if (seeded.mode != Mode::Lanes) {
            results.push_back(Pipeline(seeded, context, "", resume_of(0), earlier("")).run());
            if (results.back().stopped == StopReason::Cancelled)
                break;
            continue;
        }
        for (size_t i = 0; i < seeded.lanes.size(); ++i) {
            // A lane is a compare-mode run of its one strategy; its rule is
            // the strategy's, or the run's when it names none.
            const std::string& strategy = seeded.lanes[i];
            const Strategy s = parse_strategy(strategy);
            ExperimentConfig lane = seeded;
            lane.mode = Mode::Compare;
            lane.method = strategy;
            lane.compare = {strategy};
            if (s.rule_given)
                lane.rule = format_choice(s.rule);
            results.push_back(Pipeline(lane, context, strategy, resume_of(i), earlier(strategy)).run());
            if (context.folder)
                write_lanes_summary(*context.folder, results);
            if (results.back().stopped == StopReason::Cancelled)
                return results;
        }
    }
    return results;
}

} // namespace mergelab
