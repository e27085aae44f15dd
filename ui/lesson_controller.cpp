#include "lesson_controller.h"

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QStyle>
#include <QTabWidget>
#include <QToolBar>

#include "experiment_runner.h"
#include "flow_view.h"
#include "lesson.h"
#include "run_model.h"

namespace mergelab::ui {

LessonController::LessonController(const Window& window, QMenu* runMenu, QToolBar* runBar, QAction* after)
    : QObject(window.window)
    , w_(window)
    , guide_(new LessonGuide(this))
    , nextStep_(new QAction(qApp->style()->standardIcon(QStyle::SP_MediaSkipForward), tr("&Next step"), this))
    , replay_(new QAction(tr("Replay as a &lesson"), this)) {
    nextStep_->setObjectName("nextStep");
    // Space as on a presentation remote, Right as in a slide show. Window
    // wide: whichever widget has the focus, except one that types text.
    nextStep_->setShortcuts({QKeySequence(Qt::Key_Space), QKeySequence(Qt::Key_Right)});
    nextStep_->setToolTip(tr("Lesson: go on to the next step of the algorithm (Space or Right arrow)"));
    connect(nextStep_, &QAction::triggered, guide_, &LessonGuide::next);
    replay_->setObjectName("replayLesson");
    replay_->setToolTip(
        tr("Walk the opened run through every step of every round, with its numbers; Next goes on"));
    connect(replay_, &QAction::triggered, this, &LessonController::replay);
    runMenu->addAction(nextStep_); // after Stop
    runMenu->addSeparator();
    runMenu->addAction(replay_);
    w_.window->addAction(nextStep_); // shortcuts live even with the menu bar hidden
    const QList<QAction*> actions = runBar->actions();
    const int at = static_cast<int>(actions.indexOf(after));
    runBar->insertAction(at >= 0 && at + 1 < actions.size() ? actions[at + 1] : nullptr, nextStep_);
    nextStep_->setVisible(false);

    connect(w_.runner, &ExperimentRunner::stepFinished, this, &LessonController::stepFinished);
    connect(w_.runner, &ExperimentRunner::lessonContinued, this, [this] {
        guide_->liveContinued();
        emit holdChanged();
        emit continued();
        emit actionsChanged();
    });
    connect(guide_, &LessonGuide::continueRequested, w_.runner, &ExperimentRunner::next);
    connect(guide_, &LessonGuide::shown, this, &LessonController::show);
    connect(guide_, &LessonGuide::modeChanged, this, [this](LessonGuide::Mode mode) {
        nextStep_->setVisible(mode != LessonGuide::Mode::Off);
        emit actionsChanged();
    });
    if (FlowView* flow = w_.flow) {
        connect(guide_, &LessonGuide::cleared, flow, [flow] { flow->clearLesson(); });
        connect(flow, &FlowView::nextRequested, nextStep_, &QAction::trigger);
    }
    connect(guide_, &LessonGuide::replayFinished, this, [this] {
        const QString done =
            tr("End of the lesson: every round of this run was shown. Replay it from the Run menu.");
        if (w_.flow)
            w_.flow->setIdle(done);
        emit statusText(done);
        emit actionsChanged();
    });
    // Another run on screen: the replay was of the old one.
    connect(w_.model, &RunModel::runReset, this, [this] {
        if (guide_->mode() == LessonGuide::Mode::Replay)
            guide_->end();
        emit actionsChanged();
    });
}

void LessonController::runStarting(bool lesson) {
    if (!lesson) {
        guide_->end();
        return;
    }
    guide_->beginLive();
    if (w_.flow)
        w_.tabs->setCurrentWidget(w_.flow); // where the lesson is told
}

void LessonController::stepFinished(const StepFinished& step) {
    if (!w_.runner->isAtLessonStop())
        return;
    // The lane the step belongs to, for its environments' classes.
    RunPtr run = w_.model->run();
    for (int i = 0; i < w_.model->laneCount(); ++i)
        if (w_.model->lane(i)->lane == step.lane)
            run = w_.model->lane(i);
    if (!run)
        return;
    RunResult context = *run;
    context.config = w_.running(); // the round limit says which round is the last
    if (!step.lane.empty())
        context.config.method = step.primary;
    guide_->liveStopped(step, context);
    emit holdChanged();
    emit actionsChanged();
}

void LessonController::show(const LessonStep& step) {
    if (w_.flow) {
        w_.flow->showLessonStep(step);
        w_.tabs->setCurrentWidget(w_.flow);
    }
    if (guide_->mode() == LessonGuide::Mode::Replay)
        w_.model->selectRound(step.step.round); // the charts show the same round
    emit statusText(w_.lanePrefix() + tr("Lesson · %1 · Next (Space or →) goes on").arg(step.title));
    emit actionsChanged();
}

bool LessonController::replay() {
    if (w_.runner->isRunning() || w_.model->isLive())
        return false;
    if (!guide_->beginReplay(w_.model->run()))
        return false;
    emit actionsChanged();
    return true;
}

void LessonController::updateActions(bool running) {
    nextStep_->setEnabled(guide_->isAtStop());
    replay_->setEnabled(!running && !w_.model->isLive() && w_.model->run() && w_.model->roundCount() > 0);
}

} // namespace mergelab::ui
