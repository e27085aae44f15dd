// The coordinator of a distributed run: the round pipeline over environments
// that are processes reached through the gRPC server. Everything an
// environment sends is checked (checks.h) before the pipeline sees it.
#include <algorithm>
#include <map>
#include <set>

#include "../round_pipeline.h"
#include "checks.h"
#include "client.h"
#include "mergelab/distributed.h"
#include "mergelab/log.h"
#include "mergelab/model.h"
#include "mergelab/run_files.h"
#include "mergelab/run_folder.h"
#include "mergelab/settings.h"
#include "mergelab/strategy.h"
#include "mergelab/text.h"
#include "server.h"
#include "tls.h"

namespace mergelab {

void validate_distributed(const ExperimentConfig& c) {
    validate(c);
    if (c.min_envs > c.split.envs)
        throw setting_error("min_envs", "is " + std::to_string(c.min_envs) + " but the run has only " +
                                            std::to_string(c.split.envs) + " environments");
    if (c.min_envs == 1)
        throw setting_error("min_envs", "must be 0 (all) or at least 2: a merge needs two models");
}

namespace {

using namespace remote;
using Millis = std::chrono::milliseconds;

const char* kind_of(const wire::EnvMessage& m) {
    switch (m.body_case()) {
    case wire::EnvMessage::kHello:
        return "a hello";
    case wire::EnvMessage::kSummary:
        return "a split summary";
    case wire::EnvMessage::kProgress:
        return "progress";
    case wire::EnvMessage::kTrained:
        return "trained weights";
    case wire::EnvMessage::kValidated:
        return "validation results";
    case wire::EnvMessage::kDescribed:
        return "feature statistics";
    case wire::EnvMessage::kLeaving:
        return "a goodbye";
    default:
        return "an empty message";
    }
}

class RemoteEnvironments : public Environments {
public:
    // Seconds spent turning weights into messages, sending them and
    // checking what came back: what the wire adds to a round.
    double wire_seconds() const { return wire_seconds_; }

    RemoteEnvironments(Server& server, const ExperimentConfig& config, const CoordinatorOptions& options,
                       CoordinatorObserver* watcher, RunControl* control)
        : server_(server)
        , n_(config.split.envs)
        , central_(config.baseline)
        , min_envs_(config.min_envs)
        , timeout_(options.timeout_seconds)
        , watcher_(watcher)
        , control_(control) {
        host_.assign(size_t(n_) + 1, "");
        joined_.assign(size_t(n_) + 1, false);
        for (int k = 0; k < n_; ++k)
            state(k, EnvState::Waiting);
    }

    // Waits until every environment (and the baseline participant) joined.
    void admit() {
        while (!everyone_joined()) {
            cancel_point();
            ServerEvent e;
            if (!server_.next(e, Millis(200))) {
                log_refusals();
                continue;
            }
            if (e.kind == ServerEvent::Joined)
                welcome(e.slot, e.detail);
            else if (e.kind == ServerEvent::Gone)
                left(e.slot, e.detail);
        }
        log_refusals();
    }

    // ---- Environments ----

    std::vector<EnvironmentSummary> start(const ExperimentConfig& lane, const std::string& lane_name,
                                          int first_round, const std::vector<WeightSet>& starts,
                                          const WeightSet* central_start, ExperimentObserver* observer,
                                          RunControl*) override {
        lane_config_ = lane;
        observer_ = observer;
        lane_name_ = lane_name;
        layout_ = starts.front();
        ++lane_;
        summaries_.assign(size_t(n_), {});
        starts_ = starts;
        current_.clear();
        std::vector<int> asked;
        for (int k = 0; k < n_; ++k)
            if (send_settings(k, first_round, starts[size_t(k)]))
                asked.push_back(k);
            else
                lost(k, "is not connected");
        if (central_start) {
            if (!send_settings(kCentralSlot, first_round, *central_start))
                lost(kCentralSlot, "is not connected");
            asked.push_back(kCentralSlot);
        }
        await(asked, "its split summary", [&](int k, const wire::EnvMessage& m) {
            if (!m.has_summary())
                throw Refused(std::string("sent ") + kind_of(m) + " before its split summary");
            const EnvironmentSummary summary = summary_from(m.summary());
            if (k != kCentralSlot)
                summaries_[size_t(k)] = summary;
            return true;
        });
        return summaries_;
    }

    void train(int round, const WeightSet& rule_shared, bool statistics,
               std::vector<std::optional<LocalReport>>& reports, WeightSet* central) override {
        round_ = round;
        wire::CoordinatorMessage m;
        auto* start = m.mutable_round_start();
        start->set_round(round);
        start->set_statistics(statistics);
        if (!rule_shared.empty())
            *start->mutable_rule_shared() = encode_timed(rule_shared);
        std::vector<int> asked;
        for (int k = 0; k < n_; ++k) {
            if (!joined_[index(k)])
                continue;
            auto own = m;
            // An environment that rejoined goes on from the current model.
            if (resync_.count(k) && !current_.empty())
                *own.mutable_round_start()->mutable_model() = encode_timed(current_);
            resync_.erase(k);
            if (send(k, own)) {
                asked.push_back(k);
                state(k, EnvState::Training);
                phase(round, Phase::Training, k);
            } else {
                lost(k, "could not be sent the round's start");
            }
        }
        if (central) {
            if (!send(kCentralSlot, m))
                lost(kCentralSlot, "could not be sent the round's start");
            asked.push_back(kCentralSlot);
            phase(round, Phase::Baseline, -1);
        }
        await(asked, "its trained weights", [&](int k, const wire::EnvMessage& msg) {
            if (msg.has_progress()) {
                relay(k, msg.progress());
                return false;
            }
            if (!msg.has_trained())
                throw Refused(std::string("sent ") + kind_of(msg) + " while training");
            const wire::Trained& t = msg.trained();
            if (t.round() != round)
                throw Refused("sent weights of round " + std::to_string(t.round()) + " in round " +
                              std::to_string(round));
            if (!t.diverged().empty())
                throw Diverged{who(k) + ": " + printable(t.diverged().substr(0, 400))};
            if (t.has_statistics() && (k == kCentralSlot || !statistics))
                throw Refused("sent feature statistics that were not asked for");
            if (k == kCentralSlot) {
                *central = decode_timed(t.weights(), "its weights");
                return true;
            }
            if (statistics && !t.has_statistics())
                throw Refused("sent no feature statistics in round " + std::to_string(round) +
                              ", which asked for them");
            LocalReport r;
            r.metrics = decode_metrics(t, lane_config_);
            r.weights = decode_timed(t.weights(), "its weights");
            if (t.has_rule_change() && t.rule_change().tensors_size() > 0)
                r.rule_change = decode_timed(t.rule_change(), "its rule change");
            if (statistics) {
                const auto begun = Clock::now();
                const StatisticsShape shape = statistics_shape(layout_, statistics_kind(lane_config_));
                r.statistics = decode(t.statistics(), shape.dim, shape.classes,
                                      summaries_[size_t(k)].train_size, shape.rank);
                wire_seconds_ += seconds_since(begun);
            }
            reports[size_t(k)] = std::move(r);
            state(k, EnvState::Idle);
            return true;
        });
    }

    void begin_validation(int round, const std::vector<const WeightSet*>& models,
                          const std::vector<int>& envs, std::vector<PoolTask>&) override {
        validating_ = envs;
        models_ = models.size();
        wire::CoordinatorMessage m;
        m.mutable_validate()->set_round(round);
        for (const WeightSet* w : models)
            *m.mutable_validate()->add_models() = encode_timed(*w);
        for (int k : envs) {
            if (send(k, m))
                state(k, EnvState::Validating);
            else
                lost(k, "could not be sent the merged models");
        }
    }

    std::vector<std::vector<double>> finish_validation() override {
        std::map<int, std::vector<double>> got;
        await(validating_, "its validation results", [&](int k, const wire::EnvMessage& msg) {
            if (msg.has_progress())
                return false;
            if (!msg.has_validated())
                throw Refused(std::string("sent ") + kind_of(msg) + " while validating");
            const wire::Validated& v = msg.validated();
            if (v.round() != round_)
                throw Refused("sent validation results of round " + std::to_string(v.round()) + " in round " +
                              std::to_string(round_));
            if (size_t(v.accuracy_size()) != models_)
                throw Refused("sent " + std::to_string(v.accuracy_size()) + " accuracies for " +
                              std::to_string(models_) + " models");
            for (double a : v.accuracy())
                if (!(a >= 0 && a <= 1))
                    throw Refused("sent an accuracy of " + std::to_string(a));
            got[k] = std::vector<double>(v.accuracy().begin(), v.accuracy().end());
            state(k, EnvState::Idle);
            return true;
        });
        std::vector<std::vector<double>> out;
        for (int k : validating_)
            out.push_back(got.count(k) ? got[k] : std::vector<double>(models_, 0.0));
        return out;
    }

    std::vector<std::optional<FeatureStatistics>> describe_images(const std::vector<int>& envs) override {
        wire::CoordinatorMessage m;
        m.mutable_describe()->set_images(true);
        return collect_statistics(m, envs, 0, {image_values(lane_config_), lane_config_.classes, 0},
                                  "could not be asked for its images' statistics", "its images' statistics");
    }

    void share_class_images(const std::vector<int>& envs,
                            const std::vector<FeatureStatistics>& missing) override {
        for (size_t i = 0; i < envs.size(); ++i) {
            wire::CoordinatorMessage m;
            *m.mutable_class_images()->mutable_missing() = encode(missing[i]);
            if (!send(envs[i], m))
                lost(envs[i], "could not be sent the Gaussians of the classes it lacks");
        }
    }

    std::vector<std::optional<FeatureStatistics>> describe(int round, const WeightSet& model,
                                                           const std::vector<int>& envs) override {
        wire::CoordinatorMessage m;
        m.mutable_describe()->set_round(round);
        *m.mutable_describe()->mutable_model() = encode_timed(model);
        const StatisticsShape shape = statistics_shape(layout_, statistics_kind(lane_config_));
        return collect_statistics(m, envs, round, shape, "could not be sent the model to describe",
                                  "its feature statistics");
    }

    // Sends a Describe to `envs` and waits for each one's Described of
    // `round` (0 for the images' statistics), checked to be of `shape`.
    // A run that may go on without a lost environment has no statistics of
    // it: out[i] stays empty, and the calibration refuses fewer than two.
    std::vector<std::optional<FeatureStatistics>> collect_statistics(const wire::CoordinatorMessage& m,
                                                                     const std::vector<int>& envs, int round,
                                                                     const StatisticsShape& shape,
                                                                     const char* unsent, const char* waited) {
        std::vector<int> asked;
        for (int k : envs) {
            if (send(k, m))
                asked.push_back(k);
            else
                lost(k, unsent);
        }
        std::map<int, FeatureStatistics> got;
        await(asked, waited, [&](int k, const wire::EnvMessage& msg) {
            if (msg.has_progress())
                return false;
            if (!msg.has_described())
                throw Refused(std::string("sent ") + kind_of(msg) + " while it was asked for " + waited);
            const wire::Described& d = msg.described();
            if (d.round() != round)
                throw Refused("sent statistics of round " + std::to_string(d.round()) + " in round " +
                              std::to_string(round));
            const auto begun = Clock::now();
            got[k] = decode(d.statistics(), shape.dim, shape.classes, summaries_[size_t(k)].train_size,
                            shape.rank);
            wire_seconds_ += seconds_since(begun);
            return true;
        });
        std::vector<std::optional<FeatureStatistics>> out(envs.size());
        for (size_t i = 0; i < envs.size(); ++i)
            if (got.count(envs[i]))
                out[i] = std::move(got[envs[i]]);
        return out;
    }

    void copy_back(int round, const WeightSet& model) override {
        current_ = model;
        wire::CoordinatorMessage m;
        m.mutable_copy_back()->set_round(round);
        *m.mutable_copy_back()->mutable_model() = encode_timed(model);
        for (int k = 0; k < n_; ++k)
            if (joined_[index(k)] && !resync_.count(k) && !send(k, m))
                lost(k, "could not be sent the merged model");
    }

    // Tells everyone the run is over and gives them a moment to leave.
    void stop_everyone(StopReason stopped, const std::string& message) {
        wire::CoordinatorMessage m;
        m.mutable_stop()->set_outcome(name_of(stopped));
        m.mutable_stop()->set_message(message);
        std::vector<int> slots;
        for (int k = central_ ? kCentralSlot : 0; k < n_; ++k)
            if (send(k, m))
                slots.push_back(k);
        const auto until = Clock::now() + std::chrono::seconds(3);
        while (!slots.empty() && Clock::now() < until) {
            ServerEvent e;
            if (server_.next(e, Millis(100)) && e.kind == ServerEvent::Gone)
                slots.erase(std::remove(slots.begin(), slots.end(), e.slot), slots.end());
        }
        for (int k = 0; k < n_; ++k)
            if (stopped != StopReason::Failed || joined_[index(k)])
                state(k, joined_[index(k)] ? EnvState::Finished : EnvState::Failed);
    }

private:
    size_t index(int slot) const { return slot == kCentralSlot ? size_t(n_) : size_t(slot); }
    std::string who(int slot) const {
        const std::string name =
            slot == kCentralSlot ? "the baseline participant" : "environment " + std::to_string(slot + 1);
        const std::string& host = host_[index(slot)];
        return host.empty() ? name : name + " (" + host + ")";
    }
    void state(int k, EnvState s, const std::string& detail = {}) {
        if (watcher_ && k != kCentralSlot)
            watcher_->environment_status({k, s, detail});
    }
    void phase(int round, Phase p, int env) {
        if (observer_)
            observer_->phase_changed({lane_name_, round, p, env, {}});
    }
    void cancel_point() {
        if (control_ && !control_->checkpoint())
            throw Cancelled{};
    }
    bool everyone_joined() const {
        for (int k = 0; k < n_; ++k)
            if (!joined_[size_t(k)])
                return false;
        return !central_ || joined_[size_t(n_)];
    }
    void log_refusals() {
        const std::string refusals = server_.take_refusals();
        size_t at = 0;
        for (size_t end; (end = refusals.find('\n', at)) != std::string::npos; at = end + 1)
            logger()->warn("{}", printable(refusals.substr(at, end - at)));
    }

    void welcome(int slot, const std::string& host) {
        host_[index(slot)] = printable(host.substr(0, 200));
        wire::CoordinatorMessage m;
        m.mutable_welcome()->set_protocol(kProtocolVersion);
        m.mutable_welcome()->set_envs(n_);
        if (!send(slot, m))
            return;
        joined_[index(slot)] = true;
        logger()->info("{} joined", who(slot));
        state(slot, EnvState::Joined, host_[index(slot)]);
    }

    bool send_settings(int slot, int first_round, const WeightSet& start) {
        wire::CoordinatorMessage m;
        auto* s = m.mutable_settings();
        s->set_lane(lane_);
        s->set_config_json(config_to_json(lane_config_));
        s->set_first_round(first_round);
        s->set_lane_name(lane_name_);
        *s->mutable_start() = encode_timed(start);
        return joined_[index(slot)] && send(slot, m);
    }

    EnvironmentSummary summary_from(const wire::Summary& s) const {
        if (s.lane() != lane_)
            throw Refused("sent the split of lane " + std::to_string(s.lane()) + " for lane " +
                          std::to_string(lane_));
        EnvironmentSummary e;
        for (int c : s.classes()) {
            if (c < 0 || c >= lane_config_.classes || (!e.classes.empty() && c <= e.classes.back()))
                throw Refused("sent a class list that is not ascending classes 0.." +
                              std::to_string(lane_config_.classes - 1));
            e.classes.push_back(c);
        }
        if (s.train_size() < 1 || s.train_size() > 100000000 || s.val_size() < 0 || s.val_size() > 100000000)
            throw Refused("sent split sizes out of range");
        e.train_size = s.train_size();
        e.val_size = s.val_size();
        return e;
    }

    void relay(int k, const wire::Progress& p) {
        check_progress(p, lane_config_);
        if (p.round() != round_)
            throw Refused("sent progress of round " + std::to_string(p.round()) + " in round " +
                          std::to_string(round_));
        if (!observer_)
            return;
        BatchProgress b{lane_name_,  p.round(), k == kCentralSlot ? -1 : k, p.epoch(), p.first_batch(),
                        p.batches(), 0,         p.images_per_second()};
        for (double loss : p.losses()) {
            b.loss = loss;
            observer_->batch_progress(b);
            ++b.batch;
        }
    }

    // An environment is gone or failed a check: fatal, unless min_envs lets
    // the run go on without it (never for the baseline).
    void lost(int slot, const std::string& why) {
        const std::string message = who(slot) + " " + why;
        server_.drop(slot, why);
        if (joined_[index(slot)]) {
            joined_[index(slot)] = false;
            state(slot, EnvState::Failed, why);
        }
        if (min_envs_ == 0 || slot == kCentralSlot)
            throw EnvironmentLost{slot, message};
        logger()->warn("{}; the run goes on without it (--min-envs {})", message, min_envs_);
        int alive = 0;
        for (int k = 0; k < n_; ++k)
            alive += joined_[size_t(k)];
        if (alive < min_envs_)
            throw EnvironmentLost{slot, message + "; " + std::to_string(alive) +
                                            " environments left, fewer than " + std::to_string(min_envs_)};
    }

    void left(int slot, const std::string& why) {
        if (joined_[index(slot)])
            lost(slot, why);
    }

    // Waits for one accepted message from each slot of `slots`; `take`
    // returns true for the awaited message and throws Refused for a bad one.
    // Other environments' joins, departures and stray messages are handled
    // meanwhile. A slot silent for the time-out has failed.
    template <typename Take> void await(std::vector<int> slots, const char* what, Take&& take) {
        std::map<int, Clock::time_point> seen;
        for (int k : slots)
            seen[k] = Clock::now();
        while (!slots.empty()) {
            cancel_point();
            ServerEvent e;
            if (server_.next(e, Millis(100))) {
                const bool awaited = std::find(slots.begin(), slots.end(), e.slot) != slots.end();
                if (e.kind == ServerEvent::Joined) {
                    rejoin(e.slot, e.detail);
                } else if (e.kind == ServerEvent::Gone) {
                    if (awaited)
                        slots.erase(std::find(slots.begin(), slots.end(), e.slot));
                    left(e.slot, e.detail.empty() ? "left" : e.detail);
                } else if (awaited) {
                    seen[e.slot] = Clock::now();
                    bool done = false;
                    try {
                        if (e.message.has_leaving())
                            throw Refused("left: " + printable(e.message.leaving().reason().substr(0, 200)));
                        done = take(e.slot, e.message);
                    } catch (const Refused& r) {
                        slots.erase(std::find(slots.begin(), slots.end(), e.slot));
                        lost(e.slot, r.what());
                        continue;
                    }
                    if (done)
                        slots.erase(std::find(slots.begin(), slots.end(), e.slot));
                } else if (e.message.has_summary() && resync_.count(e.slot)) {
                    // A rejoined environment's split: the same as before.
                } else if (!e.message.has_progress() && joined_[index(e.slot)]) {
                    lost(e.slot, std::string("sent ") + kind_of(e.message) + " when none was due");
                }
            }
            for (size_t i = 0; i < slots.size();) {
                const int k = slots[i];
                if (seconds_since(seen[k]) > timeout_) {
                    slots.erase(slots.begin() + long(i));
                    lost(k, "sent nothing for " + std::to_string(int(timeout_)) + " s while " + what +
                                " was due");
                } else {
                    ++i;
                }
            }
        }
        log_refusals();
    }

    // A dropped environment back during a run with min_envs: it gets this
    // lane's settings and trains again from the next round.
    void rejoin(int slot, const std::string& host) {
        if (min_envs_ == 0 || slot == kCentralSlot) {
            server_.drop(slot, "the run does not take environments back");
            return;
        }
        welcome(slot, host);
        if (!send_settings(slot, round_ + 1, current_.empty() ? starts_[size_t(slot)] : current_)) {
            joined_[index(slot)] = false;
            return;
        }
        // Its split summary arrives as a stray message; it is the same split.
        resync_.insert(slot);
        logger()->info("{} rejoined; it trains again from round {}", who(slot), round_ + 1);
    }

    // Each call of these is counted in wire_seconds_.
    bool send(int slot, const wire::CoordinatorMessage& m) {
        const auto start = Clock::now();
        const bool ok = server_.send(slot, m);
        wire_seconds_ += seconds_since(start);
        return ok;
    }
    WeightSet decode_timed(const wire::Weights& w, const char* what) {
        const auto start = Clock::now();
        WeightSet out = decode(w, layout_, what);
        wire_seconds_ += seconds_since(start);
        return out;
    }
    wire::Weights encode_timed(const WeightSet& w) {
        const auto start = Clock::now();
        wire::Weights out = encode(w);
        wire_seconds_ += seconds_since(start);
        return out;
    }

    double wire_seconds_ = 0;
    Server& server_;
    int n_;
    bool central_;
    int min_envs_;
    double timeout_;
    CoordinatorObserver* watcher_;
    RunControl* control_;
    ExperimentObserver* observer_ = nullptr;
    ExperimentConfig lane_config_;
    std::string lane_name_;
    int lane_ = 0;
    int round_ = 0;
    WeightSet layout_, current_;
    std::vector<WeightSet> starts_;
    std::vector<EnvironmentSummary> summaries_;
    std::vector<std::string> host_; // per slot index, the central last
    std::vector<bool> joined_;
    std::set<int> resync_;
    std::vector<int> validating_;
    size_t models_ = 0;
};

} // namespace

std::vector<RunResult> coordinate_experiment(const ExperimentConfig& given, const CoordinatorOptions& options,
                                             const FashionMnist& data, ExperimentObserver* observer,
                                             CoordinatorObserver* watcher, RunControl* control,
                                             const std::vector<ResumePoint>* resume) {
    validate_distributed(given);
    const ExperimentConfig config = fitted_to_data(given, data);
    const auto folder = prepare_run(config, resume != nullptr);

    ServerOptions so;
    so.listen = options.listen;
    so.token = options.token.empty() ? make_join_token() : options.token;
    so.envs = config.split.envs;
    so.central = config.baseline;
    so.class_names = data.class_names;
    so.tls =
        options.tls || !options.cert_pem.empty() || (!is_loopback(options.listen.host) && !options.insecure);
    if (!so.tls && !is_loopback(options.listen.host))
        logger()->warn(
            "listening on {} without TLS (--insecure): weights and the join token cross the network "
            "in plain text",
            options.listen.text());
    std::string fingerprint;
    if (so.tls) {
        Certificate cert{options.cert_pem, options.key_pem};
        if (cert.cert_pem.empty())
            cert = make_self_signed_certificate();
        so.cert_pem = cert.cert_pem;
        so.key_pem = cert.key_pem;
        fingerprint = fingerprint_of(cert.cert_pem);
    }
    const WeightSet layout = initial_weights(config.model, 1, config.classes);
    // Calibrations send feature statistics every round; vimages sends each
    // environment's images' moments once, and the Gaussians of what it lacks
    // go down within the environment's limit.
    std::vector<std::string> strategies = evaluated_methods(config);
    if (config.mode == Mode::Lanes)
        strategies.insert(strategies.end(), config.lanes.begin(), config.lanes.end());
    bool class_images = false;
    so.max_message_bytes = message_bound(layout);
    for (const auto& m : strategies) {
        const Strategy s = parse_strategy(m);
        if (s.calibrated())
            so.max_message_bytes =
                std::max(so.max_message_bytes, message_bound(layout, true, statistics_kind(m)));
        class_images =
            class_images || rule_needs_class_images(s.rule_given ? s.rule : parse_rule_choice(config.rule));
    }
    if (class_images) {
        const int64_t images = statistics_bound(image_values(config), config.classes);
        if (images > ClientOptions{}.max_message_bytes)
            throw UsageError("the vimages rule over processes takes images of at most " +
                             std::to_string(kImagePixels) + " values; the " + config.model +
                             " model's have " + std::to_string(image_values(config)));
        so.max_message_bytes += images;
    }
    so.hello_seconds = std::min(10.0, options.timeout_seconds);
    so.write_seconds = options.timeout_seconds;
    Server server(so);
    if (watcher)
        watcher->listening(server.address(), so.token, fingerprint);
    logger()->info("listening on {}{}; waiting for {} environment(s){}", server.address(),
                   so.tls ? " (TLS)" : "", config.split.envs,
                   config.baseline ? " and the baseline participant" : "");

    RemoteEnvironments environments(server, config, options, watcher, control);
    std::vector<RunResult> results;
    try {
        environments.admit();
    } catch (const Cancelled&) {
        RunResult r;
        r.config = config;
        r.stopped = StopReason::Cancelled;
        r.message = "cancelled before every environment joined";
        if (folder)
            write_run_files(*folder, "", r);
        environments.stop_everyone(r.stopped, r.message);
        if (observer)
            observer->run_finished(r);
        return {r};
    }
    PipelineContext context;
    context.test = &data.test;
    context.class_names = data.class_names.empty() ? fashion_mnist_class_names() : data.class_names;
    context.environments = &environments;
    context.observer = observer;
    context.control = control;
    context.folder = folder.get();
    results = run_pipeline(config, context, resume);
    double round_seconds = 0;
    for (const auto& r : results)
        for (const auto& round : r.rounds)
            round_seconds += round.seconds;
    if (round_seconds > 0)
        logger()->info(
            "weights and messages took {:.3f} s of {:.1f} s of rounds on the coordinator's side ({:.2f} %)",
            environments.wire_seconds(), round_seconds, 100 * environments.wire_seconds() / round_seconds);
    environments.stop_everyone(results.back().stopped, results.back().message);
    return results;
}

} // namespace mergelab
