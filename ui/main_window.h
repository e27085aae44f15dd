#pragma once
// The MergeLab window: setup and log docks, the views in tabs, a round
// scrubber and lane selector shared by every view, run controls, files. It
// wires the runner to the run model; the views draw from the model.
//
// Split over three files: main_window.cpp (building, run control),
// main_window_status.cpp (status bar, progress, pause) and
// main_window_open.cpp (an opened run). The File menu is FilesController's,
// lesson mode LessonController's, presentation mode and the zoom
// PresentationController's.
#include <QElapsedTimer>
#include <QMainWindow>

#include <memory>
#include <vector>

#include "run_view.h"

class QAction;
class QComboBox;
class QLabel;
class QMenu;
class QProgressBar;
class QSlider;
class QTabWidget;
class QToolBar;

namespace mergelab::ui {

class ExperimentRunner;
class FilesController;
class LessonController;
class LessonGuide;
class LogPanel;
class PresentationController;
class RunModel;
class SetupPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr); // the standard views
    explicit MainWindow(const std::vector<ViewFactory>& views, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Automation (demos, tests, screenshots).
    void applyPreset(const QString& name);
    void setQuitWhenDone(bool quit, const QString& screenshot_path);
    bool openRun(const QString& path); // shows a message on failure
    // Whether an opened run's test images are still being read (on Qt's
    // pool; testImagesLoaded follows).
    bool loadingTestImages() const { return loadingTestImages_; }
    void
    showTab(const QString& name); // a view's name(): accuracy, weights, confusion, flow, samples, summary
    // Copies the shown run into `folder` under the run-folder rule: a new
    // or empty folder takes the run; for any other folder a new sub-folder
    // named after the run is offered (asked in a dialog); system folders
    // are refused. Returns the folder written, or empty.
    QString saveRunTo(const QString& folder);
    // Writes the shown tab's view (PNG at `scale` times its size, PDF, or
    // SVG by the suffix) without the widgets around it.
    bool exportView(const QString& path, double scale = 3.0);
    // Presentation mode (F11, View → Presentation; Esc leaves): full
    // screen, setup and log hidden, the views at the presentation zoom.
    // Leaving restores the window's geometry, docks and tool bars.
    void setPresentation(bool on);
    bool isPresenting() const;
    // The zoom in effect: the window's or the presentation's (View → Zoom).
    double zoomFactor() const;
    void zoomBy(int steps); // +1 in, -1 out, 0 back to the mode's default

    // For tests.
    SetupPanel* setupPanel() const { return setup_; }
    ExperimentRunner* runner() const { return runner_; }
    RunModel* runModel() const { return model_; }
    const std::vector<RunView*>& views() const { return views_; }
    template <class View> View* view() const {
        for (RunView* v : views_)
            if (auto* found = dynamic_cast<View*>(v))
                return found;
        return nullptr;
    }
    QAction* startAction() const { return start_; }
    QAction* pauseAction() const { return pause_; }
    QAction* stepAction() const { return step_; }
    QAction* stopAction() const { return stop_; }
    QAction* nextStepAction() const;
    QAction* replayLessonAction() const;
    LessonGuide* lesson() const;
    QString statusText() const; // the status bar's phase text
    QComboBox* laneSelector() const { return lane_; }
    QAction* laneSelectorAction() const { return laneAction_; }
    QMenu* recentMenu() const;
    QAction* presentationAction() const;
    RunPtr shownRun() const;
    int shownRound() const;
    // Seconds the run has been training, pauses left out.
    double runSeconds() const;
    // Where the next file dialog opens: the last folder used, else the runs folder.
    QString dialogFolder() const;
    static QString runsFolder();

public slots:
    void startRun();
    void stepRun();
    void togglePause();
    void stopRun();
    // Walks the shown (opened) run through its steps, round by round, with
    // the live lesson's captions; Next goes on. False when it has no rounds.
    bool replayLesson();

signals:
    void testImagesLoaded(); // read or not: loadingTestImages() is false again

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void buildViews(const std::vector<ViewFactory>& views);
    void buildDocks();
    void buildRoundBar();
    void buildStatusBar();
    void buildActions();
    void buildViewMenu();
    void connectRunner();
    void connectModel();
    void onRunStarted(const RunStarted& started);
    void onPhaseChanged(const PhaseChanged& phase);
    void onBatchProgress(const BatchProgress& batch);
    void onDataProgress(qint64 done, qint64 total);
    void showPhase(const PhaseChanged& phase); // as the Flow view shows it
    void onPausedChanged(bool paused);
    void onLaneFinished(const RunResult& finished);
    void onFinished();
    void buildLesson(QMenu* runMenu, QToolBar* runBar); // Next step after Stop
    void syncClock();                                   // stopped while paused or at a lesson stop
    void updateActions();
    void updateTimes(double fraction);
    void syncScrubber();
    void syncLanes();
    QString lanePrefix() const;
    void loadTestImages(); // for an opened run, off the GUI thread
    std::shared_ptr<int> testImagesLoad_ = std::make_shared<int>(0);
    bool loadingTestImages_ = false;
    void removeEmptyRunFolder();
    void showAbout();
    void finishAutomation(int exit_code);
    void fitToScreen();
    void restoreSettings();
    void saveSettings();
    QString newRunDirectory() const;

    ExperimentRunner* runner_;
    RunModel* model_;
    std::vector<RunView*> views_; // tab order
    SetupPanel* setup_;
    LogPanel* log_;
    QTabWidget* tabs_;
    QSlider* scrubber_;
    QLabel* roundLabel_;
    QComboBox* lane_;
    // A widget in a tool bar is shown and hidden through its action:
    // QWidget::setVisible on the widget itself is ignored there.
    QAction* laneAction_ = nullptr;
    QLabel* phaseLabel_;
    QLabel* speedLabel_;
    QLabel* timeLabel_;
    QProgressBar* runProgress_;
    QProgressBar* phaseProgress_;
    QAction* start_;
    QAction* pause_;
    QAction* stop_;
    QAction* step_;
    FilesController* files_ = nullptr;
    LessonController* lesson_ = nullptr;
    PresentationController* presentation_ = nullptr;

    ExperimentConfig running_;
    QString runDir_;
    bool runDirIsOurs_ = false; // created by this window for a live run
    QElapsedTimer elapsed_;
    QElapsedTimer pausedSince_;
    qint64 pausedMs_ = 0; // pauses before the current one
    double lastFraction_ = 0;
    QString lastPhaseText_;       // shown again on resume
    int liveRound_ = 0;           // the round the engine is in
    QElapsedTimer progressClock_; // when the progress texts last changed
    QElapsedTimer decodingClock_; // since an image folder's decoding began
    int64_t batchesDone_ = 0;
    int64_t batchesTotal_ = 0;
    bool quitWhenDone_ = false;
    bool quitConfirmed_ = false;
    bool fitted_ = false; // to the screen it first shows on
    QString screenshotPath_;
    bool runFailed_ = false;
};

} // namespace mergelab::ui
