// One environment of a distributed run, in its own process: it holds only
// the training set, takes its part by the shared split, trains with the
// same code as the in-process engine (local_training.cpp) and sends its
// weights and metrics to the coordinator.
#include <unistd.h>

#include <deque>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "local_training.h"
#include "mergelab/distributed.h"
#include "mergelab/error.h"
#include "mergelab/log.h"
#include "mergelab/run_files.h"
#include "mergelab/split.h"
#include "nets.h"
#include "trainer.h"
#include "wire.h"

namespace mergelab {

namespace {

using namespace dist;
using Json = nlohmann::json;

// The coordinator ended the run (its message says how).
struct Stopped {
    std::string message;
};

constexpr auto kPoll = std::chrono::milliseconds(20);
constexpr auto kBeat = std::chrono::milliseconds(250);

// Collects batch losses for the heartbeat to send, and passes every event
// on to the process's own observer.
class ProgressQueue : public ExperimentObserver {
public:
    explicit ProgressQueue(ExperimentObserver* next)
        : next_(next) {}

    void batch_progress(const BatchProgress& p) override {
        if (next_)
            next_->batch_progress(p);
        std::lock_guard<std::mutex> lock(mutex_);
        if (open_.is_null() || open_["round"] != p.round || open_["epoch"] != p.epoch) {
            if (!open_.is_null())
                ready_.push_back(open_.dump());
            open_ = Json{{"round", p.round},
                         {"epoch", p.epoch},
                         {"batch", p.batch},
                         {"batches", p.batches},
                         {"losses", Json::array()}};
        }
        open_["losses"].push_back(p.loss);
        open_["ips"] = p.images_per_second;
    }

    // What has collected since the last call, oldest first.
    std::vector<std::string> take() {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!open_.is_null())
            ready_.push_back(open_.dump()), open_ = Json();
        std::vector<std::string> out(ready_.begin(), ready_.end());
        ready_.clear();
        return out;
    }

private:
    ExperimentObserver* next_;
    std::mutex mutex_;
    Json open_;
    std::deque<std::string> ready_;
};

class EnvWorker {
public:
    EnvWorker(const EnvironmentOptions& options, ExperimentObserver* observer, RunControl* control)
        : o_(options)
        , rank_(options.rank)
        , k_(options.rank - 1)
        , queue_(observer)
        , control_(control ? control : &own_control_) {}

    ~EnvWorker() {
        beating_ = false;
        if (beat_.joinable())
            beat_.join();
    }

    EnvironmentOutcome run() {
        data_ = load_fashion_mnist(resolve_data_dir(o_.data_dir), DataPart::Train);
        logger()->info("loaded {} training images from {}", data_.train.size(), data_.directory);
        try {
            join();
            return outcome(train_rounds());
        } catch (const Stopped& s) {
            return outcome(s.message);
        } catch (const Cancelled&) {
            if (stop_seen_)
                return outcome(stop_message());
            if (lost_)
                throw Error(lost_why());
            say_left("interrupted");
            return {false, StopReason::Cancelled, "interrupted; the coordinator was told"};
        } catch (const Error&) {
            throw;
        } catch (const std::exception& e) {
            if (lost_ || !store_)
                throw Error(lost_why() + (lost_ ? "" : std::string(": ") + e.what()));
            say_left(std::string("failed: ") + e.what());
            throw Error(e.what());
        }
    }

private:
    std::string lost_why() const { return "lost the coordinator at " + o_.coordinator.text(); }

    std::string stop_message() { return get(*store_, key::stop); }

    EnvironmentOutcome outcome(const std::string& message) {
        say_left("finished");
        EnvironmentOutcome out{true, StopReason::Running, message};
        const auto colon = message.find(':');
        parse_name(message.substr(0, colon), out.stopped);
        if (colon != std::string::npos)
            out.message = message.substr(colon + 2);
        return out;
    }

    void say_left(const std::string& why) {
        try {
            if (store_)
                put(*store_, key::left(rank_), why);
        } catch (const std::exception&) {
            // The coordinator is gone already: nobody to tell.
        }
    }

    void join() {
        store_ = connect_store(o_.coordinator, o_.timeout_seconds);
        const Json protocol = Json::parse(get(*store_, key::protocol), nullptr, false);
        const int version = protocol.is_object() ? protocol.value("version", -1) : -1;
        if (version != kProtocolVersion)
            throw Error("the coordinator at " + o_.coordinator.text() + " speaks protocol version " +
                        std::to_string(version) + ", this environment " + std::to_string(kProtocolVersion) +
                        "; use the same MergeLab version on every machine");
        const int envs = protocol.value("envs", 0);
        if (rank_ < 1 || rank_ > envs)
            throw Error("--rank " + std::to_string(rank_) + " is out of range: this run has " +
                        std::to_string(envs) + " environments (ranks 1.." + std::to_string(envs) + ")");
        reached_ = numeric_address(o_.coordinator.host);
        const int64_t n = store_->add(key::claims(rank_), 1);
        char host[256] = {};
        gethostname(host, sizeof host - 1);
        put(*store_, key::hello(rank_, n),
            Json{{"token", o_.token},
                 {"version", kProtocolVersion},
                 {"reached", reached_},
                 {"host", std::string(host) + " (process " + std::to_string(getpid()) + ")"}}
                .dump());
        const std::string verdict = get(*store_, key::verdict(rank_, n));
        if (verdict != "ok")
            throw Error("the coordinator at " + o_.coordinator.text() + " refused environment " +
                        std::to_string(rank_) + ": " + verdict.substr(verdict.find(':') + 2));
        logger()->info("joined the coordinator at {} as environment {} of {}", o_.coordinator.text(), rank_,
                       envs);
        beat_store_ = connect_store(o_.coordinator, o_.timeout_seconds);
        beating_ = true;
        beat_ = std::thread([this] { heartbeat(); });
    }

    // Proof of life, progress, and the coordinator's stop, on its own
    // connection so a long batch never silences it.
    void heartbeat() {
        int64_t sent = 0;
        while (beating_) {
            try {
                beat_store_->add(key::alive(rank_), 1);
                for (const auto& status : queue_.take())
                    put(*beat_store_, key::status(rank_, ++sent), status);
                if (has(*beat_store_, key::stop))
                    stop_seen_ = true, control_->cancel();
            } catch (const std::exception&) {
                lost_ = true;
                control_->cancel();
                return;
            }
            std::this_thread::sleep_for(kBeat);
        }
    }

    // Blocks until `k` is set; throws Stopped, Cancelled or Error meanwhile.
    void await(const std::string& k) {
        for (;;) {
            if (lost_)
                throw Error(lost_why());
            if (has(*store_, k))
                return;
            if (has(*store_, key::stop))
                throw Stopped{stop_message()};
            if (control_->cancelled())
                throw Cancelled{};
            std::this_thread::sleep_for(kPoll);
        }
    }

    std::string train_rounds();
    void validate_merged(int round, const torch::Tensor& flat);

    EnvironmentOptions o_;
    int rank_, k_;
    ProgressQueue queue_;
    RunControl own_control_;
    RunControl* control_;
    FashionMnist data_;
    Store store_, beat_store_;
    std::string reached_;
    std::thread beat_;
    std::atomic<bool> beating_{false}, stop_seen_{false}, lost_{false};
    ExperimentConfig c_;
    std::unique_ptr<Trainer> trainer_;
    LocalData local_;
    Group group_;
};

std::string EnvWorker::train_rounds() {
    await(key::config);
    const Json setup = Json::parse(get(*store_, key::config));
    c_ = config_from_json(setup.at("config").dump(), "the coordinator's settings");
    const int first_round = setup.at("first_round").get<int>();
    keep_freed_memory();
    torch::set_num_threads(resolve_threads(o_.threads));

    // The split is computed here from the shared settings and seed, over
    // this machine's own training data; only its sizes go back.
    const auto envs = make_environments(c_.split, data_.train.labels, c_.seed);
    const EnvironmentData& mine = envs.at(k_);
    const TrainingTensors train{images_view(data_.train), labels_tensor(data_.train)};
    const auto val = index_tensor(mine.val);
    // With local_steps the environment walks its shuffled epochs across
    // rounds, seeded as in-process.
    std::unique_ptr<BatchCursor> cursor;
    if (c_.local_steps > 0)
        cursor = std::make_unique<BatchCursor>(
            mine.train, [seed = c_.seed, k = k_](int epoch) { return order_seed(seed, 0, k, epoch); });
    local_ = {&train, &mine.train, train.images.index_select(0, val), train.labels.index_select(0, val),
              cursor.get()};
    put(*store_, key::summary(rank_),
        Json{{"classes", mine.classes}, {"train_size", mine.train.size()}, {"val_size", mine.val.size()}}
            .dump());

    group_ = open_pair(store_, rank_, 1, local_address_towards(reached_), o_.timeout_seconds);
    torch::Tensor start = torch::empty({parameter_count(c_.model)}, torch::kFloat32);
    transfer(*group_, start, 0);
    const WeightSet shared = unflatten(start, c_.model, 1).front();
    trainer_ = std::make_unique<Trainer>(c_, first_round > 1 ? shared : environment_start(c_, shared, k_));

    for (int round = first_round;; ++round) {
        await(key::go(round));
        EnvRoundMetrics m;
        try {
            m = train_locally(*trainer_, c_, local_, "", round, k_, &queue_, control_, nullptr);
        } catch (const Diverged& d) {
            put(*store_, key::done(round, rank_), Json{{"diverged", d.message}}.dump());
            await(key::stop);
            throw Stopped{stop_message()};
        }
        logger()->info("round {}: {} epoch(s), local accuracy {:.2f} %", round, m.epochs, 100 * m.val_acc);
        put(*store_, key::done(round, rank_),
            Json{{"val_acc", m.val_acc},
                 {"val_loss", m.val_loss},
                 {"train_loss", m.train_loss},
                 {"train_seconds", m.train_seconds},
                 {"epochs", m.epochs}}
                .dump());
        await(key::collect(round));
        torch::Tensor mine_flat = flatten(weights_of(trainer_->net()));
        transfer(*group_, mine_flat, 1);
        await(key::merged(round));
        const int methods = int(evaluated_methods(c_).size());
        torch::Tensor merged = torch::empty({parameter_count(c_.model) * methods}, torch::kFloat32);
        transfer(*group_, merged, 0);
        validate_merged(round, merged);
    }
}

// Each merged model on this environment's validation data, as the
// in-process engine measures them; then the primary one is copied back.
void EnvWorker::validate_merged(int round, const torch::Tensor& flat) {
    const auto methods = evaluated_methods(c_);
    const auto models = unflatten(flat, c_.model, int(methods.size()));
    std::vector<double> accs;
    for (const auto& weights : models) {
        auto net = make_net(c_.model);
        assign_weights(*net, weights);
        accs.push_back(evaluate_net(*net, local_.val_images, local_.val_labels, false).accuracy);
    }
    put(*store_, key::val(round, rank_), Json(accs).dump());
    // evaluated_methods() puts the primary first.
    assign_weights(trainer_->net(), models.front());
}

} // namespace

EnvironmentOutcome run_environment(const EnvironmentOptions& options, ExperimentObserver* observer,
                                   RunControl* control) {
    return EnvWorker(options, observer, control).run();
}

} // namespace mergelab
