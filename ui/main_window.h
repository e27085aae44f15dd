#pragma once
// The MergeLab window: setup and log docks, the views in tabs, a round
// scrubber shared by every round-based view, run controls, files. It wires
// the runner to the run model; the views draw from the model.
#include <QElapsedTimer>
#include <QMainWindow>

#include <vector>

#include "run_view.h"

class QAction;
class QComboBox;
class QLabel;
class QProgressBar;
class QSlider;
class QTabWidget;

namespace mergelab::ui {

class ExperimentRunner;
class LogPanel;
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
    void showTab(const QString& name); // a view's name(): accuracy, weights, confusion, flow, samples

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
    RunPtr shownRun() const;
    int shownRound() const;

public slots:
    void startRun();
    void stepRun();
    void togglePause();
    void stopRun();

protected:
    void closeEvent(QCloseEvent* event) override;

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
    void onLaneFinished(const RunResult& finished);
    void onFinished();
    void updateActions();
    void syncScrubber();
    void saveRunAs();
    void openRunDialog();
    void exportMetrics(bool json);
    void exportChart();
    void showAbout();
    void finishAutomation(int exit_code);
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
    QLabel* phaseLabel_;
    QLabel* speedLabel_;
    QLabel* timeLabel_;
    QProgressBar* runProgress_;
    QProgressBar* phaseProgress_;
    QAction* start_;
    QAction* pause_;
    QAction* stop_;
    QAction* step_;
    QAction* save_;
    QAction* open_;

    ExperimentConfig running_;
    QString runDir_;
    QElapsedTimer elapsed_;
    QElapsedTimer progressClock_; // when the progress texts last changed
    int64_t batchesDone_ = 0;
    int64_t batchesTotal_ = 0;
    bool quitWhenDone_ = false;
    QString screenshotPath_;
    bool runFailed_ = false;
};

} // namespace mergelab::ui
