#pragma once
// Owns the run's worker thread. Runs the engine there and relays its
// observer events as queued signals carrying the engine's plain structs;
// the run model takes them and views draw from it. (Views that read saved
// models from disk do that work off the GUI thread through insight_kit.h.)
#include <QElapsedTimer>
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
    // At a lesson stop too: the engine wakes and ends the run.
    void stop();

    // Lesson mode, for the next start: the engine halts after every step
    // of the algorithm (stepFinished with atLessonStop() true) until next().
    void setLessonMode(bool on);
    bool lessonMode() const { return lesson_; }
    bool isAtLessonStop() const { return isRunning() && atStop_; }
    // Past the lesson stop the run waits at (also what Resume and Step do
    // there); a paused run resumes. The run goes on either way.
    void next();
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
    // The same for the end of each step of the algorithm.
    void onStepFinished(const mergelab::StepFinished& step);

signals:
    void dataLoaded(mergelab::ui::DataPtr data);
    // An image folder being decoded: files done of all.
    void dataProgress(qint64 done, qint64 total);
    void runStarted(const mergelab::RunStarted& started);
    void phaseChanged(const mergelab::PhaseChanged& phase);
    void batchProgress(const mergelab::BatchProgress& progress);
    void environmentFinished(const mergelab::EnvironmentFinished& env);
    void mergeFinished(const mergelab::MergeFinished& merge);
    void roundFinished(const QString& lane, const mergelab::RoundResult& round);
    // A step of the algorithm ended; in lesson mode the run now waits there.
    void stepFinished(const mergelab::StepFinished& step);
    // The run went on from a lesson stop (next(), or it was stopped).
    void lessonContinued();
    // Once per lane, with its final status.
    void runFinished(const mergelab::RunResult& run);
    // The data could not be loaded or the setup was refused; `field` is the
    // setting's key the refusal is about ("data" for the data), or empty.
    void failed(const QString& message, const QString& field);
    void pausedChanged(bool paused);
    // Distributed runs: where environments join, and each one's state.
    void coordinatorListening(const QString& address, const QString& token, const QString& fingerprint);
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
    bool lesson_ = false;
    bool atStop_ = false; // in lesson mode, the engine waits (or is about to) after a step
};

} // namespace mergelab::ui
