#include "phase_player.h"

#include <algorithm>

namespace mergelab::ui {

PhasePlayer::PhasePlayer(QObject* parent)
    : QObject(parent) {
    timer_.setSingleShot(true);
    timer_.setInterval(kPhaseMs);
    connect(&timer_, &QTimer::timeout, this, &PhasePlayer::next);
}

void PhasePlayer::push(const PhaseChanged& phase) {
    queue_.push_back(phase);
    while (queue_.size() > kMaxQueued) {
        auto training = std::find_if(queue_.begin(), queue_.end(),
                                     [](const PhaseChanged& p) { return p.phase == Phase::Training; });
        queue_.erase(training != queue_.end() ? training : queue_.begin());
    }
    if (!timer_.isActive())
        next();
}

void PhasePlayer::replay(const RunResult& run, int round) {
    clear();
    for (const PhaseChanged& p : phases_of(run, round))
        queue_.push_back(p);
    next();
}

void PhasePlayer::clear() {
    queue_.clear();
    timer_.stop();
}

bool PhasePlayer::isPlaying() const {
    return timer_.isActive() || !queue_.empty();
}

void PhasePlayer::next() {
    if (queue_.empty()) {
        emit drained();
        return;
    }
    const PhaseChanged phase = queue_.front();
    queue_.pop_front();
    timer_.start();
    emit show(phase);
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
