// Lesson mode in the window: the Next key, the captions in Flow and the
// status bar, and the replay of an opened run step by step.
#include "main_window.h"

#include <QAction>
#include <QLabel>
#include <QMenuBar>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QToolBar>

#include "experiment_runner.h"
#include "flow_view.h"
#include "lesson.h"
#include "run_model.h"

namespace mergelab::ui {

void MainWindow::buildLesson() {
    guide_ = new LessonGuide(this);
    QMenu* run = nullptr;
    for (QAction* a : menuBar()->actions())
        if (a->menu() && a->menu()->actions().contains(start_))
            run = a->menu();
    nextStep_ = new QAction(style()->standardIcon(QStyle::SP_MediaSkipForward), tr("&Next step"), this);
    nextStep_->setObjectName("nextStep");
    // Space as on a presentation remote, Right as in a slide show. Window
    // wide: whichever widget has the focus, except one that types text.
    nextStep_->setShortcuts({QKeySequence(Qt::Key_Space), QKeySequence(Qt::Key_Right)});
    nextStep_->setToolTip(tr("Lesson: go on to the next step of the algorithm (Space or Right arrow)"));
    connect(nextStep_, &QAction::triggered, guide_, &LessonGuide::next);
    replayLesson_ = new QAction(tr("Replay as a &lesson"), this);
    replayLesson_->setObjectName("replayLesson");
    replayLesson_->setToolTip(
        tr("Walk the opened run through every step of every round, with its numbers; Next goes on"));
    connect(replayLesson_, &QAction::triggered, this, &MainWindow::replayLesson);
    if (run) {
        run->addAction(nextStep_); // after Stop
        run->addSeparator();
        run->addAction(replayLesson_);
    }
    addAction(nextStep_); // shortcuts live even with the menu bar hidden
    if (auto* bar = findChild<QToolBar*>("runBar")) {
        const QList<QAction*> actions = bar->actions();
        const int after = static_cast<int>(actions.indexOf(stop_));
        bar->insertAction(after >= 0 && after + 1 < actions.size() ? actions[after + 1] : nullptr, nextStep_);
    }
    nextStep_->setVisible(false);

    connect(runner_, &ExperimentRunner::stepFinished, this, &MainWindow::onStepFinished);
    connect(runner_, &ExperimentRunner::lessonContinued, this, [this] {
        guide_->liveContinued();
        syncClock();
        if (!lastPhaseText_.isEmpty() && runner_->isRunning())
            phaseLabel_->setText(lastPhaseText_);
        updateActions();
    });
    connect(guide_, &LessonGuide::continueRequested, runner_, &ExperimentRunner::next);
    connect(guide_, &LessonGuide::shown, this, &MainWindow::showLessonStep);
    connect(guide_, &LessonGuide::modeChanged, this, [this](LessonGuide::Mode mode) {
        nextStep_->setVisible(mode != LessonGuide::Mode::Off);
        updateActions();
    });
    FlowView* flow = view<FlowView>();
    if (flow) {
        connect(guide_, &LessonGuide::cleared, flow, [flow] { flow->clearLesson(); });
        connect(flow, &FlowView::nextRequested, nextStep_, &QAction::trigger);
    }
    connect(guide_, &LessonGuide::replayFinished, this, [this, flow] {
        const QString done =
            tr("End of the lesson: every round of this run was shown. Replay it from the Run menu.");
        if (flow)
            flow->setIdle(done);
        phaseLabel_->setText(done);
        updateActions();
    });
    // Another run on screen: the replay was of the old one.
    connect(model_, &RunModel::runReset, this, [this] {
        if (guide_->mode() == LessonGuide::Mode::Replay)
            guide_->end();
        updateActions();
    });
}

void MainWindow::onStepFinished(const StepFinished& step) {
    if (!runner_->isAtLessonStop())
        return;
    // The lane the step belongs to, for its environments' classes.
    RunPtr run = model_->run();
    for (int i = 0; i < model_->laneCount(); ++i)
        if (model_->lane(i)->lane == step.lane)
            run = model_->lane(i);
    if (!run)
        return;
    RunResult context = *run;
    context.config = running_; // the round limit says which round is the last
    if (!step.lane.empty())
        context.config.method = step.primary;
    guide_->liveStopped(step, context);
    syncClock();
    updateActions();
}

void MainWindow::showLessonStep(const LessonStep& step) {
    if (FlowView* flow = view<FlowView>()) {
        flow->showLessonStep(step);
        tabs_->setCurrentWidget(flow);
    }
    if (guide_->mode() == LessonGuide::Mode::Replay)
        model_->selectRound(step.step.round); // the charts show the same round
    phaseLabel_->setText(lanePrefix() + tr("Lesson · %1 · Next (Space or →) goes on").arg(step.title));
    updateActions();
}

bool MainWindow::replayLesson() {
    if (runner_->isRunning() || model_->isLive())
        return false;
    if (!guide_->beginReplay(model_->run()))
        return false;
    updateActions();
    return true;
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
