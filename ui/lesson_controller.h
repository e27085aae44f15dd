#pragma once
// Lesson mode in the window: the Next step action (Space, Right), Replay as
// a lesson, the lesson's captions in Flow, and the live run held at each
// step. LessonGuide decides what comes next; this class connects it to the
// runner, the run model, the Flow tab and the Run menu, and tells
// MainWindow what its status bar and actions must show.
#include <QObject>
#include <QString>

#include <functional>

#include "mergelab/experiment.h"

class QAction;
class QMenu;
class QTabWidget;
class QWidget;
class QToolBar;

namespace mergelab::ui {

class ExperimentRunner;
class FlowView;
class LessonGuide;
struct LessonStep;
class RunModel;

class LessonController : public QObject {
    Q_OBJECT
public:
    // What the controller reads from the window it serves.
    struct Window {
        QWidget* window = nullptr; // the actions' shortcuts live there
        ExperimentRunner* runner = nullptr;
        RunModel* model = nullptr;
        QTabWidget* tabs = nullptr;
        FlowView* flow = nullptr;                  // where the lesson is told; may be null
        std::function<ExperimentConfig()> running; // the settings of the run going on
        std::function<QString()> lanePrefix;       // "Lane 2 of 3 · " in a lanes run, else empty
    };
    // Adds Next step and Replay as a lesson to `runMenu`, and Next step to
    // `runBar` after `after`.
    LessonController(const Window& window, QMenu* runMenu, QToolBar* runBar, QAction* after);

    LessonGuide* guide() const { return guide_; }
    QAction* nextStepAction() const { return nextStep_; }
    QAction* replayAction() const { return replay_; }

    // A run starts: a lesson when `lesson`, told in Flow; else none.
    void runStarting(bool lesson);
    // The opened run, step by step; false when there is none to replay.
    bool replay();
    // Enables the actions for what the window is doing.
    void updateActions(bool running);

signals:
    // The status bar's phase text.
    void statusText(const QString& text);
    // The live run stopped at a step, or went on from one: the clock holds
    // while it waits.
    void holdChanged();
    // The live run went on from a step.
    void continued();
    // Something the window's actions depend on changed.
    void actionsChanged();

private:
    void stepFinished(const StepFinished& step);
    void show(const LessonStep& step);

    Window w_;
    LessonGuide* guide_;
    QAction* nextStep_;
    QAction* replay_;
};

} // namespace mergelab::ui
