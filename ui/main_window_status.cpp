// The status bar: what the engine does now, how fast, how long; pauses are
// shown as such and left out of the clock.
#include "main_window.h"

#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QStatusBar>

#include "experiment_runner.h"
#include "flow_view.h"
#include "mergelab/progress.h"
#include "mergelab/run_files.h"
#include "messages.h"
#include "run_model.h"
#include "setup_panel.h"

namespace mergelab::ui {

void MainWindow::buildStatusBar() {
    phaseLabel_ = new QLabel(tr("Ready"));
    phaseLabel_->setObjectName("phaseLabel");
    phaseLabel_->setMinimumWidth(200);
    phaseProgress_ = new QProgressBar;
    phaseProgress_->setMaximumWidth(180);
    phaseProgress_->setFormat(tr("%p% of epoch"));
    phaseProgress_->setToolTip(tr("Progress of the current epoch"));
    runProgress_ = new QProgressBar;
    runProgress_->setObjectName("runProgress");
    runProgress_->setMaximumWidth(180);
    runProgress_->setFormat(tr("run %p%"));
    runProgress_->setToolTip(tr("Progress of the whole run (the round limit)"));
    speedLabel_ = new QLabel;
    speedLabel_->setObjectName("speedLabel");
    timeLabel_ = new QLabel;
    timeLabel_->setObjectName("timeLabel");
    statusBar()->addWidget(phaseLabel_, 1);
    statusBar()->addPermanentWidget(speedLabel_);
    statusBar()->addPermanentWidget(phaseProgress_);
    statusBar()->addPermanentWidget(runProgress_);
    statusBar()->addPermanentWidget(timeLabel_);
}

void MainWindow::onRunStarted(const RunStarted& e) {
    model_->addLane(e);
    // Every strategy runs for every seed, each run as long as this one.
    batchesTotal_ = e.batches_per_round * model_->config().rounds * model_->plannedLanes();
}

void MainWindow::onPhaseChanged(const PhaseChanged& p) {
    model_->relayPhase(p);
    liveRound_ = p.round;
    // The Flow view holds each phase long enough to read; the status bar
    // says what it shows, so the two never name different steps.
    if (!view<FlowView>())
        showPhase(p);
}

void MainWindow::showPhase(const PhaseChanged& p) {
    if (!model_->isLive())
        return; // a replay of an opened run, or phases still playing after the end
    lastPhaseText_ = lanePrefix() + phase_caption(p);
    if (!runner_->isPaused())
        phaseLabel_->setText(lastPhaseText_);
}

void MainWindow::onBatchProgress(const BatchProgress& b) {
    ++batchesDone_;
    model_->relayBatch(b);
    // Texts and bars at most ten times a second: each change repaints,
    // and batches come faster than anyone reads.
    if (b.batch != b.batches && progressClock_.isValid() && progressClock_.elapsed() < 100)
        return;
    progressClock_.start();
    // Batches of a model the Flow view does not show training yet (it is
    // still showing the steps before) wait for it.
    const FlowView* flow = view<FlowView>();
    if (!flow || flow->showsTraining(b.lane, b.round, b.env)) {
        phaseProgress_->setRange(0, static_cast<int>(b.batches));
        phaseProgress_->setValue(static_cast<int>(b.batch));
        const QString who = b.env < 0 ? tr("central baseline") : tr("Env %1").arg(b.env + 1);
        lastPhaseText_ = lanePrefix() + tr("Round %1: %2 training, epoch %3, batch %4 of %5")
                                            .arg(b.round)
                                            .arg(who)
                                            .arg(b.epoch)
                                            .arg(b.batch)
                                            .arg(b.batches);
        if (!runner_->isPaused())
            phaseLabel_->setText(lastPhaseText_);
    }
    speedLabel_->setText(tr("%1 images/s").arg(b.images_per_second, 0, 'f', 0));
    if (batchesTotal_ > 0) {
        runProgress_->setRange(0, 1000);
        lastFraction_ = std::min(1.0, double(batchesDone_) / batchesTotal_);
        runProgress_->setValue(static_cast<int>(lastFraction_ * 1000));
        updateTimes(lastFraction_);
    }
}

void MainWindow::onDataProgress(qint64 done, qint64 total) {
    if (!decodingClock_.isValid())
        decodingClock_.start();
    const double fraction = total > 0 ? double(done) / double(total) : 1.0;
    phaseProgress_->setRange(0, 1000);
    phaseProgress_->setValue(static_cast<int>(fraction * 1000));
    phaseProgress_->setFormat(done >= total ? tr("%p% of epoch") : tr("%p% decoded"));
    phaseLabel_->setText(tr("Decoding the image folder: %1 of %2 images (once; later runs read the cache)")
                             .arg(QLocale().toString(done), QLocale().toString(total)));
    const double seconds = static_cast<double>(decodingClock_.elapsed()) / 1000.0;
    timeLabel_->setText(
        tr("decoding · ETA %1").arg(QString::fromStdString(clock_text(eta_seconds(seconds, fraction)))));
    if (done >= total) {
        decodingClock_.invalidate();
        phaseProgress_->setValue(0);
    }
}

double MainWindow::runSeconds() const {
    if (!elapsed_.isValid())
        return 0;
    qint64 paused = pausedMs_;
    if (pausedSince_.isValid())
        paused += pausedSince_.elapsed();
    return static_cast<double>(elapsed_.elapsed() - paused) / 1000.0;
}

void MainWindow::updateTimes(double fraction) {
    const double seconds = runSeconds();
    if (!runner_->isRunning()) {
        timeLabel_->setText(tr("took %1").arg(QString::fromStdString(clock_text(seconds))));
        return;
    }
    timeLabel_->setText(tr("elapsed %1 · ETA %2")
                            .arg(QString::fromStdString(clock_text(seconds)),
                                 QString::fromStdString(clock_text(eta_seconds(seconds, fraction)))));
}

void MainWindow::onPausedChanged(bool paused) {
    // The clock stops while paused, so the ETA does not jump on resume.
    syncClock();
    model_->setPaused(paused);
    if (paused && runner_->isAtLessonStop()) {
        // The lesson's caption stays: it says what Next does.
    } else if (paused) {
        const int rounds = model_->roundCount();
        // A Pause lands mid-round (after the current batch), a Step between rounds.
        phaseLabel_->setText(
            lanePrefix() +
            (liveRound_ > rounds
                 ? tr("Paused in round %1: Resume (Ctrl+P) continues, Step (F10) ends the round "
                      "and pauses again")
                       .arg(liveRound_)
                 : tr("Paused after %n finished round(s): Resume (Ctrl+P) continues, Step "
                      "(F10) runs one more round",
                      nullptr, rounds)));
        speedLabel_->clear();
    } else if (!lastPhaseText_.isEmpty() && !runner_->isAtLessonStop()) {
        phaseLabel_->setText(lastPhaseText_);
    }
    updateTimes(lastFraction_);
    syncLanes();
    updateActions();
}

void MainWindow::onLaneFinished(const RunResult& finished) {
    model_->finishLane(finished);
    // The engine's own message is English (as the CLI's); the window says
    // how the run ended in its language, and keeps the engine's detail
    // only where it names what went wrong.
    const QString summary = stop_summary(finished);
    // Briefly: in lanes mode the next lane's progress is already under way.
    statusBar()->showMessage(finished.lane.empty()
                                 ? summary
                                 : tr("Lane %1: %2").arg(QString::fromStdString(finished.lane), summary),
                             finished.lane.empty() ? 15000 : 4000);
    if (finished.stopped == StopReason::Failed || finished.stopped == StopReason::Diverged) {
        runFailed_ = true;
        if (!quitWhenDone_)
            show_warning(this, tr("Run stopped"),
                         finished.stopped == StopReason::Diverged
                             ? summary + QStringLiteral(": ") + QString::fromStdString(finished.message)
                             : summary);
    }
}

void MainWindow::onFinished() {
    if (pausedSince_.isValid()) {
        pausedMs_ += pausedSince_.elapsed();
        pausedSince_.invalidate();
    }
    setup_->setLocked(false);
    phaseProgress_->setValue(phaseProgress_->maximum());
    const RunPtr run = model_->run();
    phaseLabel_->setText(run && run->stopped != StopReason::Running
                             ? tr("Run ended: %1").arg(stop_summary(*run))
                             : tr("Ready"));
    speedLabel_->clear();
    model_->finishLive();
    removeEmptyRunFolder();
    updateActions();
    updateTimes(lastFraction_);
    if (quitWhenDone_)
        finishAutomation(runFailed_ ? 1 : 0);
}

void MainWindow::removeEmptyRunFolder() {
    // A run stopped before its first round has nothing to keep: its folder
    // (made by this window, in the runs folder) goes, so the runs folder
    // holds only runs that open.
    if (!runDirIsOurs_ || runDir_.isEmpty())
        return;
    for (int i = 0; i < model_->laneCount(); ++i)
        if (!model_->lane(i)->rounds.empty())
            return;
    const QString base = QDir(runsFolder()).canonicalPath();
    const QFileInfo dir(runDir_);
    if (!dir.isDir() || base.isEmpty() || dir.canonicalPath() == base ||
        !dir.canonicalFilePath().startsWith(base + "/"))
        return;
    QDir(runDir_).removeRecursively();
    runDir_.clear();
    runDirIsOurs_ = false;
}

void MainWindow::syncClock() {
    const bool held = runner_->isPaused() || runner_->isAtLessonStop();
    if (held && !pausedSince_.isValid()) {
        pausedSince_.start();
    } else if (!held && pausedSince_.isValid()) {
        pausedMs_ += pausedSince_.elapsed();
        pausedSince_.invalidate();
    }
}

QString MainWindow::statusText() const {
    return phaseLabel_->text();
}

} // namespace mergelab::ui
