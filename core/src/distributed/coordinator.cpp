// The coordinator of a distributed run: admits the environments, then runs
// the rounds as the in-process engine does (experiment.cpp), with local
// training happening in the environments' processes.
#include <chrono>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "local_training.h"
#include "mergelab/align.h"
#include "mergelab/distributed.h"
#include "mergelab/error.h"
#include "mergelab/histogram.h"
#include "mergelab/log.h"
#include "mergelab/merge.h"
#include "mergelab/run_files.h"
#include "mergelab/run_folder.h"
#include "mergelab/settings.h"
#include "mergelab/strategy.h"
#include "nets.h"
#include "round_files.h"
#include "trainer.h"
#include "wire.h"

namespace mergelab {

using Json = nlohmann::json;

void validate_distributed(const ExperimentConfig& c) {
    validate(c);
    if (c.baseline)
        throw setting_error("baseline",
                            "needs every environment's data in one place, which a distributed run never has");
    if (c.mode == Mode::Lanes)
        throw setting_error("lanes", "runs one experiment per method in one process; use run");
    // A local rule adjusts every environment's training from what all of
    // them did (SCAFFOLD's control variates): not carried over the wire yet.
    const Strategy primary = parse_strategy(c.method);
    if ((primary.rule_given ? primary.rule.name : parse_rule_choice(c.rule).name) != "plain")
        throw setting_error("rule", "must be plain in a distributed run; local rules run in-process only");
}

namespace {

using namespace dist;

// An environment that died, hung, left or broke its pair; `env` is 0-based.
struct EnvFailure {
    int env;
    std::string message;
};

constexpr auto kPoll = std::chrono::milliseconds(20);
constexpr auto kWatchEvery = std::chrono::milliseconds(250);

class Coordinator {
public:
    Coordinator(const ExperimentConfig& config, const CoordinatorOptions& options, const FashionMnist& data,
                ExperimentObserver* observer, CoordinatorObserver* watcher, RunControl* control,
                const ResumePoint* resume)
        : c_(config)
        , o_(options)
        , data_(data)
        , observer_(observer)
        , watcher_(watcher)
        , control_(control)
        , resume_(resume && !resume->done.rounds.empty() ? resume : nullptr)
        , n_(config.split.envs) {
        result_.config = config;
        if (resume_)
            result_.rounds = resume_->done.rounds;
        if (o_.token.empty())
            o_.token = make_join_token();
        test_images_ = images_view(data.test);
        test_labels_ = labels_tensor(data.test);
        seen_.assign(n_, {0, Clock::now()});
        claims_.assign(n_, 0);
    }

    RunResult run() {
        try {
            open();
            admit();
            start();
            for (int round = int(result_.rounds.size()) + 1; round <= c_.rounds; ++round) {
                cancel_point();
                result_.rounds.push_back(run_round(round));
                save_round(result_.rounds.back());
                if (control_)
                    control_->round_done(); // before it is reported, as the in-process engine
                if (observer_)
                    observer_->round_finished("", result_.rounds.back());
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
        } catch (const EnvFailure& f) {
            state(f.env, EnvState::Failed, f.message);
            return finish(StopReason::Failed, f.message + "; the finished rounds are kept", f.env);
        } catch (const std::exception& e) {
            return finish(StopReason::Failed, e.what());
        }
    }

private:
    void cancel_point() {
        if (control_ && !control_->checkpoint())
            throw Cancelled{};
    }
    void state(int k, EnvState s, const std::string& detail = {}) {
        if (watcher_)
            watcher_->environment_status({k, s, detail});
    }
    void phase(int round, Phase p, int env = -1, const std::string& method = {}) {
        if (observer_)
            observer_->phase_changed({"", round, p, env, method});
    }
    std::string who(int k) const { return "environment " + std::to_string(k + 1); }

    // The folder first: a folder that is not ours is refused before anyone joins.
    void open() {
        if (!c_.out_dir.empty())
            folder_ = resume_ ? claim_run_folder_to_continue(c_.out_dir)
                              : claim_run_folder(c_.out_dir, c_.replace_out);
        store_ = serve_store(o_.listen, o_.timeout_seconds);
        put(*store_, key::protocol, Json{{"version", kProtocolVersion}, {"envs", n_}}.dump());
        if (watcher_)
            watcher_->listening(o_.listen.text(), o_.token);
        logger()->info("listening on {}; waiting for {} environments (join token {})", o_.listen.text(), n_,
                       o_.token);
        for (int k = 0; k < n_; ++k)
            state(k, EnvState::Waiting);
    }

    // Answers every claim on every rank made since the last look.
    void judge_claims() {
        for (int k = 0; k < n_; ++k) {
            const int64_t claims = store_->add(key::claims(k + 1), 0);
            while (claims_[k] < claims && has(*store_, key::hello(k + 1, claims_[k] + 1))) {
                const int64_t n = ++claims_[k];
                const Json hello = Json::parse(get(*store_, key::hello(k + 1, n)), nullptr, false);
                store_->deleteKey(key::hello(k + 1, n)); // the token does not stay in the store
                const std::string from = hello.is_object() ? hello.value("host", "?") : "?";
                std::string refusal;
                if (!hello.is_object() || hello.value("version", -1) != kProtocolVersion)
                    refusal = "protocol version " +
                              (hello.is_object() ? std::to_string(hello.value("version", -1)) : "?") +
                              ", this coordinator speaks " + std::to_string(kProtocolVersion);
                else if (hello.value("token", "") != o_.token)
                    refusal = "wrong join token";
                else if (!host_[k].empty())
                    refusal = "rank " + std::to_string(k + 1) + " has already joined (from " + host_[k] + ")";
                if (!refusal.empty()) {
                    put(*store_, key::verdict(k + 1, n), "refused: " + refusal);
                    logger()->warn("refused an environment claiming rank {} from {}: {}", k + 1, from,
                                   refusal);
                    continue;
                }
                host_[k] = from;
                reached_[k] = hello.value("reached", o_.listen.host);
                seen_[k] = {store_->add(key::alive(k + 1), 0), Clock::now()};
                put(*store_, key::verdict(k + 1, n), "ok");
                logger()->info("{} joined from {}", who(k), from);
                state(k, EnvState::Joined, from);
            }
        }
    }

    void admit() {
        host_.assign(n_, "");
        reached_.assign(n_, "");
        for (;;) {
            cancel_point();
            judge_claims();
            for (int k = 0; k < n_; ++k) {
                // One that joined and left before the start may join again.
                if (!host_[k].empty() && has(*store_, key::left(k + 1))) {
                    logger()->warn("{} left before the run started: {}", who(k),
                                   get(*store_, key::left(k + 1)));
                    store_->deleteKey(key::left(k + 1));
                    host_[k].clear();
                    state(k, EnvState::Waiting);
                }
            }
            int joined = 0;
            for (const auto& h : host_)
                joined += !h.empty();
            if (joined == n_)
                return;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }

    // Relays queued progress, refuses late claims, and throws EnvFailure for
    // an environment that left or went silent.
    void watch(int k, bool progress) {
        if (progress)
            relay_progress(k);
        if (has(*store_, key::left(k + 1)))
            throw EnvFailure{k, who(k) + " left: " + get(*store_, key::left(k + 1))};
        const int64_t alive = store_->add(key::alive(k + 1), 0);
        if (alive != seen_[k].first) {
            seen_[k] = {alive, Clock::now()};
        } else if (seconds_since(seen_[k].second) > o_.timeout_seconds) {
            throw EnvFailure{k, who(k) + " (from " + host_[k] + ") sent no sign of life for " +
                                    std::to_string(int(o_.timeout_seconds)) + " s"};
        }
    }

    void relay_progress(int k) {
        while (has(*store_, key::status(k + 1, relayed_[k] + 1))) {
            const std::string text = get(*store_, key::status(k + 1, ++relayed_[k]));
            store_->deleteKey(key::status(k + 1, relayed_[k]));
            const Json s = Json::parse(text, nullptr, false);
            if (!observer_ || !s.is_object())
                continue;
            BatchProgress p{"",
                            s.value("round", 0),
                            k,
                            s.value("epoch", 0),
                            s.value("batch", int64_t(0)),
                            s.value("batches", int64_t(0)),
                            0,
                            s.value("ips", 0.0)};
            for (const auto& loss : s.value("losses", Json::array())) {
                p.loss = loss.get<double>();
                observer_->batch_progress(p);
                ++p.batch;
            }
        }
    }

    // Waits until every environment has written key_of(k); returns the values.
    std::vector<std::string> await(const std::function<std::string(int)>& key_of, bool progress) {
        std::vector<std::string> values(n_);
        std::vector<bool> got(n_, false);
        auto last_watch = Clock::now() - kWatchEvery;
        for (int remaining = n_; remaining > 0;) {
            cancel_point();
            for (int k = 0; k < n_; ++k)
                if (!got[k] && has(*store_, key_of(k)))
                    values[k] = get(*store_, key_of(k)), got[k] = true, --remaining;
            if (Clock::now() - last_watch >= kWatchEvery) {
                last_watch = Clock::now();
                judge_claims();
                for (int k = 0; k < n_; ++k)
                    watch(k, progress);
            }
            if (remaining > 0)
                std::this_thread::sleep_for(kPoll);
        }
        return values;
    }

    // Settings out, split summaries back, a process group per pair, and the
    // model every environment starts from.
    void start() {
        relayed_.assign(n_, 0);
        put(*store_, key::config,
            Json{{"config", Json::parse(config_to_json(c_))}, {"first_round", result_.rounds.size() + 1}}
                .dump());
        const auto summaries = await([](int k) { return key::summary(k + 1); }, false);
        int64_t batches = 0;
        for (const auto& text : summaries) {
            const Json s = Json::parse(text);
            result_.envs.push_back({s.at("classes").get<std::vector<int>>(),
                                    s.at("train_size").get<int64_t>(), s.at("val_size").get<int64_t>()});
            batches += (result_.envs.back().train_size + c_.batch_size - 1) / c_.batch_size * c_.local_epochs;
        }
        for (int k = 0; k < n_; ++k) {
            try {
                groups_.push_back(open_pair(store_, k + 1, 0, reached_[k], o_.timeout_seconds));
            } catch (const std::exception& e) {
                throw EnvFailure{k, who(k) + " did not connect its process group: " + e.what()};
            }
        }
        const WeightSet shared = resume_ ? resume_->model : shared_start(c_);
        base_ = resume_ ? shared : environment_start(c_, shared, 0);
        torch::Tensor flat = flatten(shared);
        exchange([&](int) { return flat; }, 0);
        for (const auto& e : result_.envs)
            sizes_.push_back(e.train_size);
        for (const auto& method : evaluated_methods(c_)) {
            const Choice m = parse_strategy(method).method;
            mergers_[method] = find_merge_method(m.name)->make(m.params);
        }
        if (folder_)
            folder_->make_folder("models");
        if (observer_)
            observer_->run_started({"", result_.envs, batches});
    }

    // One broadcast per pair at once, rooted at `root`; a broken pair names
    // its environment. Returns the tensors (received ones for root 1).
    std::vector<torch::Tensor> exchange(const std::function<torch::Tensor(int)>& tensor_of, int root) {
        std::vector<std::vector<torch::Tensor>> tensors(n_);
        std::vector<c10::intrusive_ptr<c10d::Work>> work(n_);
        c10d::BroadcastOptions o;
        o.rootRank = root;
        for (int k = 0; k < n_; ++k) {
            tensors[k] = {tensor_of(k)};
            work[k] = groups_[k]->broadcast(tensors[k], o);
        }
        std::vector<torch::Tensor> out;
        for (int k = 0; k < n_; ++k) {
            try {
                work[k]->wait();
            } catch (const std::exception& e) {
                throw EnvFailure{k, who(k) + " broke off the weight exchange: " + std::string(e.what())};
            }
            out.push_back(tensors[k][0]);
        }
        return out;
    }

    RoundResult run_round(int round);
    void evaluate(int round, RoundResult& r, const std::vector<WeightSet>& locals,
                  const std::map<std::string, WeightSet>& merged);

    bool target_reached(const RoundResult& r) const {
        if (c_.target <= 0)
            return false;
        for (double acc : r.method(c_.method)->env_val_acc)
            if (acc < c_.target)
                return false;
        return true;
    }

    void save_round(const RoundResult& r) {
        if (!folder_)
            return;
        phase(r.round, Phase::Saving);
        save_round_files(*folder_, "", r.round, {&locals_, &merged_, nullptr}, c_.save_all, result_);
    }

    void stop_everyone(const std::string& message, int failed);
    // `failed`: the environment that caused it, which is not waited for.
    RunResult finish(StopReason stopped, const std::string& message, int failed = -1);

    ExperimentConfig c_;
    CoordinatorOptions o_;
    const FashionMnist& data_;
    ExperimentObserver* observer_;
    CoordinatorObserver* watcher_;
    RunControl* control_;
    const ResumePoint* resume_;
    int n_;
    RunResult result_;
    std::unique_ptr<RunFolder> folder_;
    Store store_;
    std::vector<Group> groups_;
    std::vector<std::string> host_, reached_;                 // per environment once joined
    std::vector<std::pair<int64_t, Clock::time_point>> seen_; // last heartbeat value and when it changed
    std::vector<int64_t> claims_, relayed_;
    torch::Tensor test_images_, test_labels_;
    WeightSet base_;
    std::vector<int64_t> sizes_;
    std::map<std::string, std::unique_ptr<Merger>> mergers_;
    std::vector<WeightSet> locals_;
    std::map<std::string, WeightSet> merged_;
};

EnvRoundMetrics metrics_from(const Json& j) {
    EnvRoundMetrics m;
    m.val_acc = j.at("val_acc").get<double>();
    m.val_loss = j.at("val_loss").get<double>();
    m.train_loss = j.at("train_loss").get<double>();
    m.train_seconds = j.at("train_seconds").get<double>();
    m.epochs = j.at("epochs").get<int>();
    return m;
}

RoundResult Coordinator::run_round(int round) {
    const auto start = Clock::now();
    RoundResult r;
    r.round = round;
    r.primary = c_.method;
    put(*store_, key::go(round), "go");
    for (int k = 0; k < n_; ++k)
        state(k, EnvState::Training), phase(round, Phase::Training, k);
    const auto reports = await([round](int k) { return key::done(round, k + 1); }, true);
    r.training_seconds = seconds_since(start);
    for (int k = 0; k < n_; ++k) {
        const Json j = Json::parse(reports[k]);
        if (j.contains("diverged"))
            throw Diverged{j.at("diverged").get<std::string>()};
        if (j.contains("failed"))
            throw EnvFailure{k, who(k) + " failed: " + j.at("failed").get<std::string>()};
        r.envs.push_back(metrics_from(j));
    }
    cancel_point();

    put(*store_, key::collect(round), "1");
    for (int k = 0; k < n_; ++k)
        state(k, EnvState::Sending);
    const int64_t size = parameter_count(c_.model);
    const auto received = exchange([&](int) { return torch::empty({size}, torch::kFloat32); }, 1);
    std::vector<WeightSet> locals;
    for (const auto& flat : received)
        locals.push_back(unflatten(flat, c_.model, 1).front());

    const auto methods = evaluated_methods(c_);
    phase(round, Phase::Merging, -1, c_.method);
    MergeInputs inputs{{}, &base_, sizes_};
    // As in-process: every environment's hidden units permuted to match
    // environment 1's before merging (--align).
    std::vector<WeightSet> aligned;
    if (c_.align) {
        aligned.push_back(locals[0]);
        for (int k = 1; k < n_; ++k)
            aligned.push_back(align_to(locals[k], locals[0]).weights);
    }
    for (const auto& w : c_.align ? aligned : locals)
        inputs.models.push_back(&w);
    std::map<std::string, WeightSet> merged;
    for (const auto& method : methods)
        merged[method] = mergers_.at(method)->merge(inputs);

    // The merged models go out before the test evaluation here, so the
    // environments measure them on their validation data meanwhile.
    std::vector<WeightSet> in_order;
    for (const auto& method : methods)
        in_order.push_back(merged.at(method));
    torch::Tensor all = flatten([&] {
        WeightSet joined;
        for (const auto& w : in_order)
            joined.insert(joined.end(), w.begin(), w.end());
        return joined;
    }());
    put(*store_, key::merged(round), "1");
    exchange([&](int) { return all; }, 0);
    for (int k = 0; k < n_; ++k)
        state(k, EnvState::Validating);
    evaluate(round, r, locals, merged);
    r.histograms = make_histograms(locals, merged, c_.histogram_bins);

    phase(round, Phase::CopyingBack);
    base_ = merged.at(c_.method);
    locals_ = std::move(locals);
    merged_ = std::move(merged);
    r.seconds = seconds_since(start);
    return r;
}

// As the in-process engine: the same evaluation tasks on the same number of
// threads, with each merged model's validation accuracies from the
// environments, which alone hold that data.
void Coordinator::evaluate(int round, RoundResult& r, const std::vector<WeightSet>& locals,
                           const std::map<std::string, WeightSet>& merged) {
    const auto methods = evaluated_methods(c_);
    r.merged.resize(methods.size());
    std::vector<int> jobs;
    std::vector<int64_t> cost;
    int64_t val_total = 0;
    for (const auto& e : result_.envs)
        val_total += e.val_size;
    for (int k = 0; k < n_; ++k)
        jobs.push_back(k), cost.push_back(data_.test.size());
    for (size_t m = 0; m < methods.size(); ++m)
        jobs.push_back(-2 - int(m)), cost.push_back(data_.test.size() + val_total);
    std::atomic<bool> abort{false};
    run_parallel(
        resolve_threads(c_.threads), cost,
        [&](size_t i) {
            const int job = jobs[i];
            auto net = make_net(c_.model);
            if (job >= 0) {
                assign_weights(*net, locals[job]);
                const EvalResult test = evaluate_net(*net, test_images_, test_labels_, false);
                r.envs[job].test_acc = test.accuracy;
                r.envs[job].test_confusion = test.confusion;
            } else {
                const std::string& method = methods[-2 - job];
                assign_weights(*net, merged.at(method));
                const EvalResult test = evaluate_net(*net, test_images_, test_labels_, true);
                r.merged[-2 - job] =
                    MethodMetrics{method, test.accuracy, test.loss, test.confusion, {}, test.predictions};
            }
        },
        abort);
    const auto vals = await([round](int k) { return key::val(round, k + 1); }, false);
    for (int k = 0; k < n_; ++k) {
        const auto accs = Json::parse(vals[k]).get<std::vector<double>>();
        if (accs.size() != methods.size())
            throw EnvFailure{k, who(k) + " sent " + std::to_string(accs.size()) +
                                    " validation accuracies for " + std::to_string(methods.size()) +
                                    " merged models"};
        for (size_t m = 0; m < methods.size(); ++m)
            r.merged[m].env_val_acc.push_back(accs[m]);
        state(k, EnvState::Idle);
        if (observer_)
            observer_->environment_finished({"", round, k, r.envs[k]});
    }
    for (int m = 0; m < int(methods.size()); ++m) {
        phase(round, Phase::Evaluating, -1, methods[m]);
        if (observer_)
            observer_->merge_finished({"", round, r.merged[m]});
    }
}

// Tells every environment the run is over and gives them a moment to say
// they left, so none is left waiting when the store goes away with us.
void Coordinator::stop_everyone(const std::string& message, int failed) {
    if (!store_)
        return;
    try {
        put(*store_, key::stop, message);
        const auto until =
            Clock::now() + std::chrono::duration<double>(std::min(o_.timeout_seconds / 2, 5.0));
        for (int k = 0; k < n_ && Clock::now() < until; ++k) {
            if (host_.empty() || host_[k].empty() || k == failed)
                continue;
            while (!has(*store_, key::left(k + 1)) && Clock::now() < until)
                std::this_thread::sleep_for(kPoll);
        }
    } catch (const std::exception& e) {
        logger()->warn("could not tell every environment to stop: {}", e.what());
    }
}

RunResult Coordinator::finish(StopReason stopped, const std::string& message, int failed) {
    result_.stopped = stopped;
    result_.message = message;
    stop_everyone(std::string(name_of(stopped)) + ": " + message, failed);
    if (stopped == StopReason::Failed || stopped == StopReason::Diverged)
        logger()->error("{}", message);
    else
        logger()->info("{}", message);
    for (int k = 0; k < n_ && stopped != StopReason::Failed; ++k)
        state(k, EnvState::Finished);
    if (folder_) {
        try {
            write_run_files(*folder_, "", result_);
        } catch (const std::exception& e) {
            logger()->error("could not write the run files: {}", e.what());
            result_.stopped = StopReason::Failed;
            result_.message = e.what();
        }
    }
    if (observer_)
        observer_->run_finished(result_);
    return result_;
}

} // namespace

RunResult coordinate_experiment(const ExperimentConfig& config, const CoordinatorOptions& options,
                                const FashionMnist& data, ExperimentObserver* observer,
                                CoordinatorObserver* coordinator_observer, RunControl* control,
                                const ResumePoint* resume) {
    validate_distributed(config);
    keep_freed_memory();
    torch::set_num_threads(resolve_threads(config.threads));
    return Coordinator(config, options, data, observer, coordinator_observer, control, resume).run();
}

} // namespace mergelab
