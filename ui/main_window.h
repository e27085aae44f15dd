#pragma once
// The MergeLab window: setup and log docks, the live views in tabs, a round
// scrubber shared by every round-based view, run controls, files.
#include <QElapsedTimer>
#include <QMainWindow>
#include <QVector>

#include "run_data.h"

class QAction;
class QComboBox;
class QLabel;
class QProgressBar;
class QSlider;
class QTabWidget;

namespace mergelab::ui {

class AccuracyChart;
class ConfusionView;
class ExperimentRunner;
class FlowView;
class HistogramView;
class LogPanel;
class LossChart;
class SamplesView;
class SetupPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Automation (demos, tests, screenshots).
    void applyPreset(const QString& name);
    void setQuitWhenDone(bool quit, const QString& screenshot_path);
    bool openRun(const QString& path); // shows a message on failure
    void showTab(const QString& name);  // accuracy, weights, confusion, flow, samples

    // For tests.
    SetupPanel* setupPanel() const { return setup_; }
    ExperimentRunner* runner() const { return runner_; }
    AccuracyChart* accuracyChart() const { return accuracy_; }
    HistogramView* histogramView() const { return histograms_; }
    ConfusionView* confusionView() const { return confusion_; }
    SamplesView* samplesView() const { return samples_; }
    FlowView* flowView() const { return flow_; }
    QAction* startAction() const { return start_; }
    RunPtr shownRun() const { return shown_; }
    int shownRound() const;

public slots:
    void startRun();
    void stepRun();
    void togglePause();
    void stopRun();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    void buildViews();
    void connectRunner();
    void updateActions();
    void refreshViews();
    void setRound(int round);
    void saveRunAs();
    void openRunDialog();
    void exportMetrics(bool json);
    void exportChart();
    void showAbout();
    void finishAutomation(int exit_code);
    const RunResult* laneRun() const;
    RunResult combinedRun() const;
    void restoreSettings();
    void saveSettings();
    QString newRunDirectory() const;

    ExperimentRunner* runner_;
    SetupPanel* setup_;
    LogPanel* log_;
    QTabWidget* tabs_;
    AccuracyChart* accuracy_;
    LossChart* loss_;
    HistogramView* histograms_;
    ConfusionView* confusion_;
    FlowView* flow_;
    SamplesView* samples_;
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
    QAction* overlay_;

    ExperimentConfig running_;
    QVector<RunResult> lanes_; // one run in compare mode, one per lane in lanes mode
    RunPtr shown_;
    DataPtr data_;
    QString runDir_;
    bool followLatest_ = true;
    int lossRound_ = 0;
    QElapsedTimer elapsed_;
    QElapsedTimer progressClock_; // when the progress texts last changed
    int64_t batchesDone_ = 0;
    int64_t batchesTotal_ = 0;
    bool quitWhenDone_ = false;
    QString screenshotPath_;
    bool runFailed_ = false;
};

} // namespace mergelab::ui
