#pragma once
// Plays the engine's phases at a pace people can read. Merging, testing
// and copying back take milliseconds, far too short to see, yet they are
// what the Flow view is there to teach: each phase stays on screen at
// least kPhaseMs, later ones wait in a queue. The engine is never slowed;
// only the picture lags a few seconds behind it. The same queue replays a
// finished round of an opened run. Environments (and the central baseline)
// that start training together are shown together: the engine trains them
// side by side, and one at a time named one while another trained.
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <deque>
#include <optional>

#include "run_data.h"

namespace mergelab::ui {

class PhasePlayer : public QObject {
    Q_OBJECT
public:
    static constexpr int kPhaseMs = 1200;
    // Beyond this many waiting phases the oldest training ones are dropped,
    // so the picture never falls far behind a fast run.
    static constexpr size_t kMaxQueued = 10;

    explicit PhasePlayer(QObject* parent = nullptr);

    void push(const PhaseChanged& phase);
    // The phases of one finished round, in the engine's order.
    void replay(const RunResult& run, int round);
    void clear();
    bool isPlaying() const; // a phase is within its minimum time, or queued
    int queued() const { return static_cast<int>(queue_.size()); }

    static std::vector<PhaseChanged> phases_of(const RunResult& run, int round);

signals:
    void show(const mergelab::PhaseChanged& phase);
    // Starts training beside the phase shown (which stays lit): no turn of its own.
    void joined(const mergelab::PhaseChanged& phase);
    // The last phase has had its time and nothing waits.
    void drained();

private:
    // Training phases that arrive this close together started together.
    static constexpr qint64 kTogetherMs = 250;
    struct Queued {
        PhaseChanged phase;
        qint64 at = 0; // ms on clock_
    };
    static bool together(const Queued& a, const Queued& b);
    void next();

    std::deque<Queued> queue_;
    QTimer timer_;
    QElapsedTimer clock_;
    std::optional<Queued> shown_; // within its minimum time
};

} // namespace mergelab::ui
