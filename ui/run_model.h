#pragma once
// The run the window shows, live or opened from disk: one RunResult in
// compare mode, one per lane in lanes mode, and the test images. The window
// feeds it from the runner; views read it and redraw on its signals.
//
// Rounds are appended in place, so a view's RunPtr stays the run it was
// given and never copies it. A new run gets new RunResults: whoever still
// holds the old one keeps it whole.
#include <QObject>
#include <QString>

#include <memory>
#include <string>
#include <vector>

#include "mergelab/distributed.h"
#include "run_data.h"

namespace mergelab::ui {

class RunModel : public QObject {
    Q_OBJECT
public:
    explicit RunModel(QObject* parent = nullptr);

    // Fed by the window.
    void startLive(const ExperimentConfig& config); // lanes follow as the engine starts them
    void addLane(const RunStarted& started);
    void appendRound(const std::string& lane, const RoundResult& round);
    void finishLane(const RunResult& finished); // its final status
    void finishLive();                          // the worker has stopped, every lane done
    void load(std::vector<RunResult> runs, const QString& origin);
    void setData(DataPtr data);
    // Live events that belong to no round yet, passed on to the views.
    void relayPhase(const PhaseChanged& phase);
    void relayBatch(const BatchProgress& batch);
    void relayEnvironmentStatus(const EnvironmentStatus& status); // distributed runs

    // What the user picked.
    void selectRound(int round); // from 1; at or past the last: follow new rounds
    // While live, the views follow the lane that is running until the user
    // picks another one.
    void selectLane(int lane);
    // The engine was paused or resumed; passed on to the views.
    void setPaused(bool paused);

    const ExperimentConfig& config() const { return config_; } // as started, or the first lane's when opened
    bool isLive() const { return live_; }
    QString origin() const { return origin_; } // the folder of an opened run
    int laneCount() const { return static_cast<int>(lanes_.size()); }
    RunPtr lane(int index) const;
    int selectedLane() const;
    // The lane the engine is training while live (the last one started); -1
    // when nothing runs.
    int runningLane() const;
    // How many lanes the run makes: one per strategy and seed in lanes mode
    // (or as many as it has, if more), else one per seed.
    int plannedLanes() const;
    bool isPaused() const { return paused_; }
    RunPtr run() const; // the selected lane; null before the first lane starts
    // Lanes mode: the selected lane with every lane's merged model side by
    // side in each round, for comparing the lanes. Otherwise run().
    RunPtr comparison() const;
    // Repeats: every seed's run of every strategy (a "lane" here is one
    // seed's run of one strategy); whether there is more than one seed.
    std::vector<const RunResult*> runs() const;
    bool hasRepeats() const { return config_.repeats > 1; }
    int roundCount() const;                      // of the selected lane
    int selectedRound() const { return round_; } // 0 without rounds
    const RoundResult* round(int n) const;       // of the selected lane, see find_round
    const RoundResult* shownRound() const { return round(round_); }
    DataPtr data() const { return data_; }

signals:
    void runReset(); // another run: everything may have changed
    void laneAdded(int lane);
    void laneSelected(int lane);              // the run() views show changed
    void roundAdded(int round);               // to the selected lane
    void laneRoundAdded(int lane, int round); // to any lane, before roundAdded
    void roundSelected(int round);
    void dataChanged();
    void phaseChanged(const mergelab::PhaseChanged& phase);
    void batchProgress(const mergelab::BatchProgress& batch);
    void environmentStatus(const mergelab::EnvironmentStatus& status);
    void liveFinished();
    void pausedChanged(bool paused);

private:
    int index() const; // selected lane, clamped
    void clampRound();

    ExperimentConfig config_;
    std::vector<std::shared_ptr<RunResult>> lanes_;
    mutable RunPtr comparison_; // built on demand, dropped when a lane changes
    DataPtr data_;
    QString origin_;
    bool live_ = false;
    bool paused_ = false;
    bool followLane_ = true; // live: show each lane as it starts
    int lane_ = 0;
    int round_ = 0;
    bool following_ = true;
};

} // namespace mergelab::ui
