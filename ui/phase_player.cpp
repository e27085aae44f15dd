#include "phase_player.h"

#include <algorithm>
#include <cstdlib>

namespace mergelab::ui {
namespace {

bool trains(const PhaseChanged& p) {
    return p.phase == Phase::Training || p.phase == Phase::Baseline;
}

} // namespace

// Both started a round's training within moments of each other: the engine
// trains them side by side. One that starts later followed another.
bool PhasePlayer::together(const Queued& a, const Queued& b) {
    return trains(a.phase) && trains(b.phase) && a.phase.lane == b.phase.lane &&
           a.phase.round == b.phase.round && std::abs(a.at - b.at) <= kTogetherMs;
}

namespace {} // namespace

PhasePlayer::PhasePlayer(QObject* parent)
    : QObject(parent) {
    timer_.setSingleShot(true);
    timer_.setInterval(kPhaseMs);
    timer_.setTimerType(Qt::PreciseTimer); // a coarse timer may end 5 % early
    connect(&timer_, &QTimer::timeout, this, &PhasePlayer::next);
    clock_.start();
}

void PhasePlayer::push(const PhaseChanged& phase) {
    const Queued arrived{phase, clock_.elapsed()};
    if (queue_.empty() && timer_.isActive() && shown_ && together(*shown_, arrived)) {
        shown_ = arrived;
        emit joined(phase); // on screen at once, without a turn of its own
        return;
    }
    queue_.push_back(arrived);
    while (queue_.size() > kMaxQueued) {
        auto training = std::find_if(queue_.begin(), queue_.end(),
                                     [](const Queued& q) { return q.phase.phase == Phase::Training; });
        queue_.erase(training != queue_.end() ? training : queue_.begin());
    }
    if (!timer_.isActive())
        next();
}

void PhasePlayer::replay(const RunResult& run, int round) {
    clear();
    for (const PhaseChanged& p : phases_of(run, round))
        queue_.push_back({p, clock_.elapsed()});
    next();
}

void PhasePlayer::clear() {
    queue_.clear();
    timer_.stop();
    shown_.reset();
}

bool PhasePlayer::isPlaying() const {
    return timer_.isActive() || !queue_.empty();
}

void PhasePlayer::next() {
    if (queue_.empty()) {
        shown_.reset();
        emit drained();
        return;
    }
    shown_ = queue_.front();
    queue_.pop_front();
    timer_.start();
    emit show(shown_->phase);
    while (!queue_.empty() && together(*shown_, queue_.front())) {
        shown_ = queue_.front();
        queue_.pop_front();
        emit joined(shown_->phase);
    }
}

std::vector<PhaseChanged> PhasePlayer::phases_of(const RunResult& run, int round) {
    std::vector<PhaseChanged> out;
    const RoundResult* r = find_round(&run, round);
    if (!r)
        return out;
    auto add = [&](Phase phase, int env = -1, const std::string& method = {}) {
        PhaseChanged p;
        p.lane = run.lane;
        p.round = r->round;
        p.phase = phase;
        p.env = env;
        p.method = method;
        out.push_back(p);
    };
    for (int k = 0; k < static_cast<int>(run.envs.size()); ++k)
        add(Phase::Training, k);
    if (r->central_test_acc)
        add(Phase::Baseline);
    const std::string primary = r->primary.empty() ? run.config.method : r->primary;
    add(Phase::Merging, -1, primary);
    for (const MethodMetrics& m : r->merged)
        add(Phase::Evaluating, -1, m.method);
    add(Phase::CopyingBack, -1, primary);
    add(Phase::Saving);
    return out;
}

} // namespace mergelab::ui
