#include "experiment_runner.h"

#include <QMetaType>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <mutex>

#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

#include "env_processes.h"
#include "mergelab/error.h"
#include "mergelab/log.h"
#include "mergelab/settings.h"

namespace mergelab::ui {

// State shared with the worker; it outlives the runner if a worker is still
// finishing during shutdown.
struct ExperimentRunner::Shared {
    RunControl control;
    ExperimentConfig config; // as started
    std::mutex mutex;
    std::string data_dir; // what `data` was loaded from, with which held-out share
    double test_fraction = 0;
    bool colour = false;
    DataPtr data;
};

namespace {

void register_types() {
    static const bool once = [] {
        qRegisterMetaType<mergelab::ui::DataPtr>("mergelab::ui::DataPtr");
        qRegisterMetaType<mergelab::RunStarted>("mergelab::RunStarted");
        qRegisterMetaType<mergelab::PhaseChanged>("mergelab::PhaseChanged");
        qRegisterMetaType<mergelab::BatchProgress>("mergelab::BatchProgress");
        qRegisterMetaType<mergelab::EnvironmentFinished>("mergelab::EnvironmentFinished");
        qRegisterMetaType<mergelab::MergeFinished>("mergelab::MergeFinished");
        qRegisterMetaType<mergelab::StepFinished>("mergelab::StepFinished");
        qRegisterMetaType<mergelab::RoundResult>("mergelab::RoundResult");
        qRegisterMetaType<mergelab::RunResult>("mergelab::RunResult");
        qRegisterMetaType<mergelab::EnvironmentStatus>("mergelab::EnvironmentStatus");
        return true;
    }();
    (void)once;
}

// Emits one of the runner's signals in the runner's own (GUI) thread. From
// the worker thread a signal would still reach queued receivers safely, but
// direct ones (QSignalSpy in the tests) would run on the worker: posting
// keeps every signal of the runner on one thread (ThreadSanitizer found it).
template <class Emit> void post(ExperimentRunner* runner, Emit emit_signal) {
    QMetaObject::invokeMethod(runner, std::move(emit_signal), Qt::QueuedConnection);
}

// Runs on the worker thread: each event becomes a signal of the runner.
class Relay : public ExperimentObserver {
public:
    explicit Relay(ExperimentRunner* runner)
        : runner_(runner) {}
    void run_started(const RunStarted& e) override {
        post(runner_, [r = runner_, e] { emit r->runStarted(e); });
    }
    void phase_changed(const PhaseChanged& e) override {
        post(runner_, [r = runner_, e] { emit r->phaseChanged(e); });
    }
    void batch_progress(const BatchProgress& e) override {
        post(runner_, [r = runner_, e] { emit r->batchProgress(e); });
    }
    void environment_finished(const EnvironmentFinished& e) override {
        post(runner_, [r = runner_, e] { emit r->environmentFinished(e); });
    }
    void merge_finished(const MergeFinished& e) override {
        post(runner_, [r = runner_, e] { emit r->mergeFinished(e); });
    }
    void step_finished(const StepFinished& e) override {
        post(runner_, [r = runner_, e] { r->onStepFinished(e); });
    }
    void round_finished(const std::string& lane, const RoundResult& result) override {
        post(runner_, [r = runner_, lane = QString::fromStdString(lane), result] {
            r->onRoundFinished(lane, result);
        });
    }
    void run_finished(const RunResult& result) override {
        post(runner_, [r = runner_, result] { emit r->runFinished(result); });
    }

private:
    ExperimentRunner* runner_;
};

class CoordinatorRelay : public CoordinatorObserver {
public:
    explicit CoordinatorRelay(ExperimentRunner* runner)
        : runner_(runner) {}
    void listening(const std::string& address, const std::string& token,
                   const std::string& fingerprint) override {
        post(runner_, [r = runner_, a = QString::fromStdString(address), t = QString::fromStdString(token),
                       f = QString::fromStdString(fingerprint)] { emit r->coordinatorListening(a, t, f); });
    }
    void environment_status(const EnvironmentStatus& s) override {
        post(runner_, [r = runner_, s] { emit r->environmentStatus(s); });
    }

private:
    ExperimentRunner* runner_;
};

// The app as a distributed run's coordinator. Environment processes on this
// computer join on 127.0.0.1 only; for other computers it listens on the
// address they most likely reach it at, and nowhere else.
void coordinate(const ExperimentConfig& config, const FashionMnist& data, EnvironmentsMode mode,
                ExperimentRunner* runner, RunControl& control) {
    const ExperimentConfig& c = config;
    CoordinatorOptions options;
    options.listen = mode == EnvironmentsMode::LocalProcesses ? Endpoint{"127.0.0.1", free_local_port()}
                                                              : Endpoint{lan_address(), kDefaultPort};
    Relay relay(runner);
    CoordinatorRelay status(runner);
    coordinate_experiment(c, options, data, &relay, &status, &control);
}

} // namespace

ExperimentRunner::ExperimentRunner(QObject* parent)
    : QObject(parent)
    , shared_(std::make_shared<Shared>())
    , processes_(new EnvProcesses(this)) {
    register_types();
    // Every arrival at and departure from a lesson stop is announced by one of these.
    connect(this, &ExperimentRunner::coordinatorListening, this,
            [this](const QString& address, const QString& token, const QString&) {
                if (mode_ != EnvironmentsMode::LocalProcesses)
                    return;
                const int envs = int(shared_->config.split.envs);
                const int threads = std::max(1, QThread::idealThreadCount() / envs);
                processes_->start(envs, shared_->config.baseline, address, token,
                                  QString::fromStdString(shared_->config.data_dir), threads);
            });
    // A process that cannot start would leave the coordinator waiting for
    // it, and one that dies mid-run is named at once rather than when the
    // network notices.
    connect(processes_, &EnvProcesses::processFailed, this,
            [this](const QString& who, const QString& message) {
                if (!isRunning())
                    return;
                const QString text = tr("%1 failed: %2").arg(who, message);
                logger()->error("{}", text.toStdString());
                emit failed(text, QString());
                // A process that died mid-run is failed by the coordinator itself,
                // naming it, as soon as its connection drops; one that never joined
                // would leave the coordinator waiting, so the run is stopped then.
                QTimer::singleShot(1500, this, [this, control = shared_] {
                    if (isRunning() && shared_ == control && shared_->config.min_envs == 0)
                        shared_->control.cancel();
                });
            });
    // The environments end with the run; any that do not are killed.
    connect(this, &ExperimentRunner::finished, this, [this] { processes_->finish(3000); });
}

void ExperimentRunner::setEnvironmentsMode(EnvironmentsMode mode) {
    mode_ = mode;
}

ExperimentRunner::~ExperimentRunner() {
    if (thread_) {
        shared_->control.cancel();
        thread_->wait();
        delete thread_; // created by QThread::create without a parent
    }
}

bool ExperimentRunner::isRunning() const {
    return thread_ && thread_->isRunning();
}
bool ExperimentRunner::isPaused() const {
    return isRunning() && paused_;
}

DataPtr ExperimentRunner::data() const {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    return shared_->data;
}

void ExperimentRunner::start(const ExperimentConfig& config) {
    launch(config, false);
}

void ExperimentRunner::step(const ExperimentConfig& config) {
    if (!isRunning()) {
        launch(config, true);
        roundsUntilPause_ = 1;
        return;
    }
    shared_->control.pause_after_rounds(1);
    roundsUntilPause_ = 1;
    if (paused_) {
        paused_ = false;
        emit pausedChanged(false);
    }
}

void ExperimentRunner::pause() {
    if (!isRunning() || paused_)
        return;
    shared_->control.pause();
    paused_ = true;
    roundsUntilPause_ = -1;
    emit pausedChanged(true);
}

void ExperimentRunner::resume() {
    if (!isRunning())
        return;
    shared_->control.resume();
    roundsUntilPause_ = -1;
    if (paused_) {
        paused_ = false;
        emit pausedChanged(false);
    }
}

void ExperimentRunner::onRoundFinished(const QString& lane, const RoundResult& round) {
    // The engine pauses itself after this round (RunControl::round_done):
    // paused already for whoever handles the round, then announced.
    const bool pauses = roundsUntilPause_ > 0 && --roundsUntilPause_ == 0 && !paused_;
    if (pauses)
        paused_ = true;
    // The round's seconds leave out its lesson stops: the engine counts them apart.
    emit roundFinished(lane, round);
    if (pauses)
        emit pausedChanged(true);
}

void ExperimentRunner::stop() {
    if (isRunning())
        shared_->control.cancel();
}

void ExperimentRunner::setLessonMode(bool on) {
    lesson_ = on;
}

void ExperimentRunner::onStepFinished(const StepFinished& step) {
    // Set before the signal: whoever handles it sees the run waiting.
    if (shared_->control.pauses_after_steps())
        atStop_ = true;
    emit stepFinished(step);
}

void ExperimentRunner::next() {
    if (!isRunning())
        return;
    if (!atStop_) {
        resume();
        return;
    }
    // One release per stop heard of (the engine may not be waiting yet);
    // a pause is lifted by the same call, so the stop is not released twice.
    atStop_ = false;
    shared_->control.next_step();
    roundsUntilPause_ = -1;
    if (paused_) {
        paused_ = false;
        emit pausedChanged(false);
    }
    emit lessonContinued();
}

bool ExperimentRunner::wait(int timeout_ms) {
    return !thread_ || thread_->wait(QDeadlineTimer(timeout_ms));
}

void ExperimentRunner::launch(const ExperimentConfig& config, bool pause_after_first_round) {
    if (isRunning())
        return;
    if (thread_) {
        thread_->wait();
        delete thread_;
        thread_ = nullptr;
    }
    // A fresh control per run; the old one may still be referenced by
    // nothing but is simply replaced.
    auto shared = std::make_shared<Shared>();
    {
        std::lock_guard<std::mutex> lock(shared_->mutex);
        shared->data_dir = shared_->data_dir;
        shared->data = shared_->data;
    }
    shared_ = shared;
    shared->config = config;
    if (pause_after_first_round)
        shared->control.pause_after_rounds(1);
    shared->control.set_pause_after_steps(lesson_);
    paused_ = false;
    atStop_ = false;
    roundsUntilPause_ = -1;

    thread_ = QThread::create([this, shared, config, mode = mode_] {
#ifdef __linux__
        // Below the GUI thread, so the window keeps repainting while every
        // core trains; threads the engine starts inherit this.
        setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
#endif
        try {
            const std::string dir = resolve_data_dir(config.data_dir);
            DataPtr data;
            {
                std::lock_guard<std::mutex> lock(shared->mutex);
                if (shared->data && shared->data_dir == dir &&
                    shared->test_fraction == config.test_fraction &&
                    shared->colour == colour_for_model(config.model))
                    data = shared->data;
            }
            if (!data) {
                try {
                    DataLoadOptions load;
                    load.test_fraction = config.test_fraction;
                    load.colour = colour_for_model(config.model);
                    load.progress = [this](int64_t done, int64_t total) {
                        post(this, [this, done, total] { emit dataProgress(done, total); });
                    };
                    data =
                        std::make_shared<const FashionMnist>(load_fashion_mnist(dir, DataPart::Both, load));
                } catch (const std::exception& e) {
                    // Said beside the data folder, the field that can mend it.
                    logger()->error("{}", e.what());
                    post(this, [this, message = QString::fromStdString(e.what())] {
                        emit failed(message, QStringLiteral("data"));
                    });
                    return;
                }
                std::lock_guard<std::mutex> lock(shared->mutex);
                shared->data = data;
                shared->data_dir = dir;
                shared->test_fraction = config.test_fraction;
                shared->colour = colour_for_model(config.model);
            }
            post(this, [this, data] { emit dataLoaded(data); });
            if (mode != EnvironmentsMode::Threads) {
                coordinate(config, *data, mode, this, shared->control);
                return;
            }
            Relay relay(this);
            run_experiment(config, *data, &relay, &shared->control);
        } catch (const UsageError& e) {
            // Spoken with the setting's label, as the setup panel does, not
            // with the command line's option.
            const SettingDescriptor* d = find_setting(e.field());
            const std::string said = d ? d->label + " " + e.problem() : e.what();
            logger()->error("{}", e.what());
            post(this, [this, message = QString::fromStdString(said),
                        field = QString::fromStdString(e.field())] { emit failed(message, field); });
        } catch (const std::exception& e) {
            logger()->error("{}", e.what());
            post(this,
                 [this, message = QString::fromStdString(e.what())] { emit failed(message, QString()); });
        }
    });
    thread_->setObjectName("mergelab-engine");
    connect(thread_, &QThread::finished, this, [this] {
        paused_ = false;
        roundsUntilPause_ = -1;
        if (atStop_) {
            atStop_ = false;
            emit lessonContinued();
        }
        emit finished();
    });
    thread_->start();
}

} // namespace mergelab::ui
