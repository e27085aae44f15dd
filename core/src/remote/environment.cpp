// One environment of a distributed run, in its own process: it holds only
// the training set, takes its part by the shared split and trains with the
// same EnvironmentSide as a thread of an in-process run. What the
// coordinator sends is checked like what it receives.
#include <unistd.h>

#include "../local_training.h"
#include "checks.h"
#include "client.h"
#include "mergelab/distributed.h"
#include "mergelab/image_folder.h"
#include "mergelab/log.h"
#include "mergelab/model.h"
#include "mergelab/run_files.h"
#include "mergelab/split.h"
#include "mergelab/text.h"
#include "nets.h"

namespace mergelab {
namespace {

using namespace remote;
using Millis = std::chrono::milliseconds;

// The coordinator ended the run; its message says how.
struct Stopped {
    StopReason outcome;
    std::string message;
};

// Batch losses go to the coordinator a few times a second, which also
// tells it this environment is alive.
class ProgressSender : public ExperimentObserver {
public:
    ProgressSender(Client& client, ExperimentObserver* next)
        : client_(client)
        , next_(next) {}

    void batch_progress(const BatchProgress& p) override {
        if (next_)
            next_->batch_progress(p);
        if (open_.losses_size() > 0 && (open_.round() != p.round || open_.epoch() != p.epoch))
            flush();
        if (open_.losses_size() == 0) {
            open_.set_round(p.round);
            open_.set_epoch(p.epoch);
            open_.set_first_batch(p.batch);
            open_.set_batches(p.batches);
        }
        open_.add_losses(p.loss);
        open_.set_images_per_second(p.images_per_second);
        if (Clock::now() - last_ > Millis(250))
            flush();
    }

    void flush() {
        if (open_.losses_size() == 0)
            return;
        wire::EnvMessage m;
        *m.mutable_progress() = open_;
        client_.send(m);
        open_.Clear();
        last_ = Clock::now();
    }

private:
    Client& client_;
    ExperimentObserver* next_;
    wire::Progress open_;
    Clock::time_point last_ = Clock::now();
};

class EnvironmentProcess {
public:
    EnvironmentProcess(const EnvironmentOptions& options, ExperimentObserver* observer, RunControl* control)
        : o_(options)
        , k_(options.rank - 1)
        , observer_(observer)
        , control_(control ? control : &own_control_) {}

    EnvironmentOutcome run() {
        load(DataLoadOptions{}.test_fraction, false);
        keep_freed_memory();
        torch::set_num_threads(resolve_threads(o_.threads));
        if (o_.fingerprint.empty() && !is_loopback(o_.coordinator.host) && !o_.insecure)
            throw UsageError(
                "--connect " + o_.coordinator.text() +
                " is not this computer: give the --fingerprint the coordinator printed (or --insecure "
                "for plain text on a trusted network)");
        ClientOptions co{o_.coordinator, o_.token, o_.fingerprint, o_.timeout_seconds};
        client_ = std::make_unique<Client>(co);
        client_->on_stop([this] { control_->cancel(); });
        progress_ = std::make_unique<ProgressSender>(*client_, observer_);
        try {
            join();
            serve();
        } catch (const Stopped& s) {
            return {true, s.outcome, s.message};
        } catch (const Cancelled&) {
            if (auto stop = pending_stop())
                return {true, stop->outcome, stop->message};
            leave("interrupted");
            return {false, StopReason::Cancelled, "interrupted; the coordinator was told"};
        } catch (const Refused& r) {
            leave(std::string("refused the coordinator's message: ") + r.what());
            throw Error(std::string("the coordinator sent a message that failed a check: ") + r.what());
        }
        return {true, StopReason::Running, ""};
    }

private:
    std::string who() const {
        return o_.central ? "the baseline participant" : "environment " + std::to_string(o_.rank);
    }

    void leave(const std::string& why) {
        wire::EnvMessage m;
        m.mutable_leaving()->set_reason(why);
        client_->send(m);
    }

    // The next message from the coordinator; a Stop ends the process's run.
    wire::CoordinatorMessage next() {
        for (;;) {
            // Throws once the coordinator is gone, whatever else happened.
            auto m = client_->next(Millis(200));
            if (m && m->has_stop())
                throw stopped(m->stop());
            if (m)
                return *m;
            if (control_->cancelled())
                throw Cancelled{};
        }
    }

    static Stopped stopped(const wire::Stop& s) {
        Stopped out{StopReason::Running, printable(s.message().substr(0, 2000))};
        parse_name(s.outcome(), out.outcome);
        return out;
    }

    std::optional<Stopped> pending_stop() {
        try {
            while (auto m = client_->next(Millis(50)))
                if (m->has_stop())
                    return stopped(m->stop());
        } catch (const Error&) {
        }
        return std::nullopt;
    }

    void load(double test_fraction, bool colour) {
        DataLoadOptions options;
        options.test_fraction = test_fraction;
        options.colour = colour;
        data_ = load_fashion_mnist(resolve_data_dir(o_.data_dir), DataPart::Train, options);
        loaded_test_fraction_ = test_fraction;
        loaded_colour_ = colour;
        logger()->info("loaded {} training images from {}", data_.train.size(), data_.directory);
        train_ = {images_view(data_.train), labels_tensor(data_.train)};
    }

    void join() {
        char host[256] = {};
        gethostname(host, sizeof host - 1);
        wire::EnvMessage m;
        m.mutable_hello()->set_protocol(kProtocolVersion);
        m.mutable_hello()->set_rank(o_.central ? 0 : o_.rank);
        m.mutable_hello()->set_central(o_.central);
        // Read inside the coordinator's own parentheses: "environment 1
        // (process 903 on vm at 127.0.0.1:50000)".
        m.mutable_hello()->set_host("process " + std::to_string(getpid()) + " on " + std::string(host));
        for (const std::string& name : data_.class_names)
            m.mutable_hello()->add_class_names(name);
        client_->send(m);
        wire::CoordinatorMessage welcome;
        try {
            welcome = next();
        } catch (const Error& e) {
            throw Error("the coordinator at " + o_.coordinator.text() + " did not take " + who() + ": " +
                        std::string(e.what()).substr(std::string(e.what()).find(": ") + 2));
        }
        if (!welcome.has_welcome() || welcome.welcome().protocol() != uint32_t(kProtocolVersion))
            throw Error("the coordinator at " + o_.coordinator.text() +
                        " speaks another protocol version; use the same MergeLab version on every machine");
        logger()->info("joined the coordinator at {} as {} of {}", o_.coordinator.text(), who(),
                       welcome.welcome().envs());
    }

    void serve() {
        for (;;) {
            const wire::CoordinatorMessage m = next();
            if (m.has_settings())
                set_up(m.settings());
            else if (!side_ && !central_)
                throw Refused("a round message came before the settings");
            else if (m.has_round_start())
                train(m.round_start());
            else if (m.has_validate())
                validate(m.validate());
            else if (m.has_copy_back())
                copy_back(m.copy_back());
            else if (m.has_describe() && m.describe().images())
                describe_images();
            else if (m.has_describe())
                describe(m.describe());
            else if (m.has_class_images())
                take_class_images(m.class_images());
            else
                throw Refused("an unexpected message");
        }
    }

    void set_up(const wire::Settings& s) {
        side_.reset();
        central_.reset();
        config_ = std::make_unique<ExperimentConfig>(
            config_from_json(s.config_json(), "the coordinator's settings"));
        lane_ = s.lane_name();
        // An image folder of class folders only holds out the share the run
        // asks for, which arrives only now; the same seed picks the same images
        // as the coordinator's test set, so none of them is trained on. The
        // model, also known only now, says whether its images are colour.
        const bool colour = colour_for_model(config_->model);
        if ((config_->test_fraction != loaded_test_fraction_ || colour != loaded_colour_) &&
            is_image_folder(data_.directory))
            load(config_->test_fraction, colour);
        // The class names agreed when this environment joined; the count
        // and the image format come from its own data.
        *config_ = fitted_to_data(*config_, data_);
        layout_ = initial_weights(config_->model, 1, config_->classes);
        const WeightSet start = decode(s.start(), layout_, "the start model");
        splits_ = make_environments(config_->split, data_.train.labels, config_->seed, config_->classes);
        wire::EnvMessage m;
        auto* summary = m.mutable_summary();
        summary->set_lane(s.lane());
        if (o_.central) {
            central_ = std::make_unique<CentralSide>(*config_, train_, splits_, start);
            for (int c = 0; c < config_->classes; ++c)
                summary->add_classes(c);
            summary->set_train_size(central_->training_size());
        } else {
            if (k_ < 0 || k_ >= int(splits_.size()))
                throw Refused("this run has " + std::to_string(splits_.size()) + " environments, not " +
                              std::to_string(o_.rank));
            side_ = std::make_unique<EnvironmentSide>(*config_, train_, splits_[size_t(k_)], k_, start);
            const EnvironmentSummary e = side_->summary();
            for (int c : e.classes)
                summary->add_classes(c);
            summary->set_train_size(e.train_size);
            summary->set_val_size(e.val_size);
        }
        client_->send(m);
    }

    void train(const wire::RoundStart& s) {
        const int round = s.round();
        wire::EnvMessage m;
        auto* t = m.mutable_trained();
        t->set_round(round);
        try {
            if (central_) {
                *t->mutable_weights() =
                    encode(central_->train(round, lane_, progress_.get(), control_, nullptr));
            } else {
                if (s.has_model() && s.model().tensors_size() > 0)
                    side_->set_model(decode(s.model(), layout_, "the round's model"));
                const WeightSet shared = s.has_rule_shared() && s.rule_shared().tensors_size() > 0
                                             ? decode(s.rule_shared(), layout_, "the rule's shared state")
                                             : WeightSet{};
                LocalReport r =
                    side_->train(round, shared, s.statistics(), lane_, progress_.get(), control_, nullptr);
                t->set_val_acc(r.metrics.val_acc);
                t->set_val_loss(r.metrics.val_loss);
                t->set_train_loss(r.metrics.train_loss);
                t->set_train_seconds(r.metrics.train_seconds);
                t->set_epochs(r.metrics.epochs);
                *t->mutable_weights() = encode(r.weights);
                if (!r.rule_change.empty())
                    *t->mutable_rule_change() = encode(r.rule_change);
                if (r.statistics)
                    *t->mutable_statistics() = encode(*r.statistics);
                logger()->info("round {}: {} epoch(s), local accuracy {:.2f} %", round, r.metrics.epochs,
                               100 * r.metrics.val_acc);
            }
        } catch (const Diverged& d) {
            m.Clear();
            m.mutable_trained()->set_round(round);
            m.mutable_trained()->set_diverged(d.message);
        }
        progress_->flush();
        client_->send(m);
    }

    void validate(const wire::Validate& v) {
        wire::EnvMessage m;
        m.mutable_validated()->set_round(v.round());
        for (const auto& model : v.models())
            m.mutable_validated()->add_accuracy(
                side_ ? side_->validate(decode(model, layout_, "a merged model")) : 0);
        client_->send(m);
    }

    // The model is only measured: this environment goes on from its own.
    void describe(const wire::Describe& d) {
        if (!side_)
            throw Refused("a merged model to describe came to the baseline participant");
        wire::EnvMessage m;
        m.mutable_described()->set_round(d.round());
        *m.mutable_described()->mutable_statistics() =
            encode(side_->describe(decode(d.model(), layout_, "the model to describe")));
        client_->send(m);
    }

    void describe_images() {
        if (!side_)
            throw Refused("a request to describe images came to the baseline participant");
        wire::EnvMessage m;
        *m.mutable_described()->mutable_statistics() = encode(side_->describe_images());
        client_->send(m);
    }

    void take_class_images(const wire::ClassImages& c) {
        if (!side_)
            throw Refused("class images came to the baseline participant");
        if (!side_->needs_class_images())
            throw Refused("class images came, but this run's rule does not use them");
        side_->take_class_images(
            decode(c.missing(), image_values(*config_), config_->classes, side_->all_training_images()));
    }

    void copy_back(const wire::CopyBack& c) {
        if (side_)
            side_->set_model(decode(c.model(), layout_, "the merged model"));
    }

    EnvironmentOptions o_;
    int k_;
    ExperimentObserver* observer_;
    RunControl own_control_;
    RunControl* control_;
    FashionMnist data_;
    double loaded_test_fraction_ = 0;
    bool loaded_colour_ = false;
    TrainingTensors train_;
    std::unique_ptr<Client> client_;
    std::unique_ptr<ProgressSender> progress_;
    std::unique_ptr<ExperimentConfig> config_;
    std::string lane_;
    WeightSet layout_;
    std::vector<EnvironmentData> splits_;
    std::unique_ptr<EnvironmentSide> side_;
    std::unique_ptr<CentralSide> central_;
};

} // namespace

EnvironmentOutcome run_environment(const EnvironmentOptions& options, ExperimentObserver* observer,
                                   RunControl* control) {
    return EnvironmentProcess(options, observer, control).run();
}

} // namespace mergelab
