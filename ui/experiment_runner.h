#pragma once
// The only place that knows about threads. Runs the engine on a worker
// thread and relays its observer events as queued signals carrying the
// engine's plain structs; views connect to these and only draw.
#include <QObject>
#include <QString>

#include <memory>

#include "environments_mode.h"
#include "mergelab/distributed.h"
#include "run_data.h"

class QThread;

namespace mergelab::ui {

class ExperimentRunner : public QObject {
    Q_OBJECT
public:
    explicit ExperimentRunner(QObject* parent = nullptr);
    // Cancels a running experiment and waits for the worker to end.
    ~ExperimentRunner() override;

    bool isRunning() const;
    bool isPaused() const;

    // Loads the data (cached per directory) on the worker thread, then runs
    // `config`. Ignored while a run is going on.
    void start(const ExperimentConfig& config);
    // Start paused after the first round, or, while paused, run one more
    // round and pause again.
    void step(const ExperimentConfig& config);
    void pause();
    void resume();
    // Cancel between batches; returns at once, finished() follows promptly.
    void stop();
    // For shutdown and tests: blocks until the worker has ended.
    bool wait(int timeout_ms);

    DataPtr data() const; // the last data set loaded

    // For the next start: threads, or a distributed run whose coordinator
    // is this app (LocalProcesses: the runner starts and stops the
    // `mergelab-cli env` processes itself).
    void setEnvironmentsMode(EnvironmentsMode mode);
    // The worker's relay hands each finished round in here, on the GUI
    // thread; emits roundFinished and, after a Step, pausedChanged(true).
    void onRoundFinished(const QString& lane, const mergelab::RoundResult& round);

signals:
    void dataLoaded(mergelab::ui::DataPtr data);
    void runStarted(const mergelab::RunStarted& started);
    void phaseChanged(const mergelab::PhaseChanged& phase);
    void batchProgress(const mergelab::BatchProgress& progress);
    void environmentFinished(const mergelab::EnvironmentFinished& env);
    void mergeFinished(const mergelab::MergeFinished& merge);
    void roundFinished(const QString& lane, const mergelab::RoundResult& round);
    // Once per lane, with its final status.
    void runFinished(const mergelab::RunResult& run);
    // The data could not be loaded or the setup was refused.
    void failed(const QString& message);
    void pausedChanged(bool paused);
    // Distributed runs: where environments join, and each one's state.
    void coordinatorListening(const QString& address, const QString& token);
    void environmentStatus(const mergelab::EnvironmentStatus& status);
    // The worker thread has ended (after runFinished or failed).
    void finished();

private:
    void launch(const ExperimentConfig& config, bool pause_after_first_round);

    struct Shared;
    std::shared_ptr<Shared> shared_;
    QThread* thread_ = nullptr;
    EnvironmentsMode mode_ = EnvironmentsMode::Threads;
    class EnvProcesses* processes_ = nullptr;
    // Kept on the GUI thread: the engine sets its own pause flag a moment
    // after it reports the round, so reading it here would race and the
    // window would show Pause for a run that is already paused.
    bool paused_ = false;
    int roundsUntilPause_ = -1;
};

} // namespace mergelab::ui
