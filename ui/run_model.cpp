#include "run_model.h"

#include <algorithm>

namespace mergelab::ui {

namespace {

// What a chart of accuracies needs from a merged model: the per-image
// predictions stay behind, they are most of its size.
MethodMetrics scores_of(const MethodMetrics& m) {
    MethodMetrics scores;
    scores.method = m.method;
    scores.test_acc = m.test_acc;
    scores.test_loss = m.test_loss;
    scores.confusion = m.confusion;
    scores.env_val_acc = m.env_val_acc;
    return scores;
}

} // namespace

RunModel::RunModel(QObject* parent)
    : QObject(parent) {}

void RunModel::startLive(const ExperimentConfig& config) {
    config_ = config;
    lanes_.clear();
    comparison_.reset();
    origin_.clear();
    live_ = true;
    paused_ = false;
    followLane_ = true;
    lane_ = 0;
    round_ = 0;
    following_ = true;
    emit runReset();
}

void RunModel::addLane(const RunStarted& started) {
    auto run = std::make_shared<RunResult>();
    run->config = config_;
    // The engine runs every strategy of one seed, then the next seed.
    const size_t perSeed = config_.mode == Mode::Lanes ? std::max<size_t>(1, config_.lanes.size()) : 1;
    run->config.seed = config_.seed + lanes_.size() / perSeed;
    run->lane = started.lane;
    run->envs = started.envs;
    if (!started.lane.empty()) {
        // A lane is a compare-mode run of its one method, as the engine saves it.
        run->config.mode = Mode::Compare;
        run->config.method = started.lane;
        run->config.compare = {started.lane};
    }
    lanes_.push_back(std::move(run));
    comparison_.reset();
    const int added = laneCount() - 1;
    // The lane that starts is the one whose curves move: show it, unless
    // the user chose to look at another.
    const bool show = added == index() || (live_ && followLane_);
    if (show) {
        lane_ = added;
        following_ = true;
        clampRound();
    }
    emit laneAdded(added);
    if (show)
        emit laneSelected(added);
}

void RunModel::appendRound(const std::string& lane, const RoundResult& round) {
    // From the newest: with repeats a lane's name comes once per seed, and
    // rounds go to the seed that runs now.
    for (int i = laneCount() - 1; i >= 0; --i) {
        auto& rounds = lanes_[static_cast<size_t>(i)]->rounds;
        if (lanes_[static_cast<size_t>(i)]->lane != lane)
            continue;
        // A round delivered twice would draw every point twice.
        if (!rounds.empty() && round.round <= rounds.back().round)
            return;
        rounds.push_back(round);
        comparison_.reset();
        emit laneRoundAdded(i, round.round);
        if (i == index()) {
            const int before = round_;
            clampRound();
            emit roundAdded(round.round);
            if (round_ != before)
                emit roundSelected(round_);
        }
        return;
    }
}

void RunModel::finishLane(const RunResult& finished) {
    for (auto& run : lanes_)
        if (run->lane == finished.lane && run->config.seed == finished.config.seed) {
            run->stopped = finished.stopped;
            run->message = finished.message;
        }
}

void RunModel::finishLive() {
    live_ = false;
    paused_ = false;
    emit liveFinished();
}

void RunModel::load(std::vector<RunResult> runs, const QString& origin) {
    config_ = runs.empty() ? ExperimentConfig{} : runs.front().config;
    lanes_.clear();
    for (RunResult& run : runs)
        lanes_.push_back(std::make_shared<RunResult>(std::move(run)));
    comparison_.reset();
    origin_ = origin;
    live_ = false;
    paused_ = false;
    lane_ = 0;
    following_ = true;
    clampRound();
    emit runReset();
}

void RunModel::setData(DataPtr data) {
    data_ = std::move(data);
    emit dataChanged();
}

void RunModel::relayPhase(const PhaseChanged& phase) {
    emit phaseChanged(phase);
}

void RunModel::relayBatch(const BatchProgress& batch) {
    emit batchProgress(batch);
}

void RunModel::relayEnvironmentStatus(const EnvironmentStatus& status) {
    emit environmentStatus(status);
}

void RunModel::selectRound(int round) {
    const int count = roundCount();
    following_ = round >= count;
    const int clamped = std::clamp(round, count > 0 ? 1 : 0, count);
    if (clamped == round_)
        return;
    round_ = clamped;
    emit roundSelected(round_);
}

void RunModel::setPaused(bool paused) {
    if (paused == paused_)
        return;
    paused_ = paused;
    emit pausedChanged(paused);
}

void RunModel::selectLane(int lane) {
    if (lane < 0 || lane >= laneCount() || lane == lane_)
        return;
    // Picking the running lane again resumes following new lanes.
    followLane_ = lane == runningLane();
    lane_ = lane;
    following_ = true;
    comparison_.reset();
    clampRound();
    emit laneSelected(lane_);
}

RunPtr RunModel::lane(int index) const {
    return index >= 0 && index < laneCount() ? lanes_[static_cast<size_t>(index)] : nullptr;
}

int RunModel::selectedLane() const {
    return lanes_.empty() ? -1 : index();
}

int RunModel::runningLane() const {
    return live_ ? laneCount() - 1 : -1;
}

int RunModel::plannedLanes() const {
    const int strategies = config_.mode == Mode::Lanes ? static_cast<int>(config_.lanes.size()) : 1;
    return std::max(strategies * std::max(1, config_.repeats), laneCount());
}

RunPtr RunModel::run() const {
    return lanes_.empty() ? nullptr : lanes_[static_cast<size_t>(index())];
}

std::vector<const RunResult*> RunModel::runs() const {
    std::vector<const RunResult*> out;
    for (const auto& lane : lanes_)
        out.push_back(lane.get());
    return out;
}

RunPtr RunModel::comparison() const {
    if ((lanes_.size() < 2 || hasRepeats()) && config_.mode != Mode::Lanes)
        return run();
    if (lanes_.empty())
        return nullptr;
    if (comparison_)
        return comparison_;
    const RunResult& shown = *lanes_[static_cast<size_t>(index())];
    auto combined = std::make_shared<RunResult>();
    combined->config = shown.config;
    combined->lane = shown.lane;
    combined->envs = shown.envs;
    combined->stopped = shown.stopped;
    combined->message = shown.message;
    // Marked as lanes so the chart draws each lane in its own line style.
    combined->config.mode = Mode::Lanes;
    // The planned lanes, so the first lane already reads "1 of 3".
    combined->config.lanes.clear();
    // With repeats, the lanes of the shown lane's seed.
    std::vector<const RunResult*> lanes;
    for (const auto& lane : lanes_)
        if (lane->config.seed == shown.config.seed)
            lanes.push_back(lane.get());
    for (const RunResult* lane : lanes)
        combined->config.lanes.push_back(lane->lane);
    for (const auto& planned : config_.lanes)
        if (std::find(combined->config.lanes.begin(), combined->config.lanes.end(), planned) ==
            combined->config.lanes.end())
            combined->config.lanes.push_back(planned);
    combined->config.compare = combined->config.lanes;
    // Every round any lane has: a lane that has just started must not hide
    // the finished lanes' lines. The local accuracies are the shown lane's;
    // histograms stay behind, the chart draws none.
    size_t rounds = 0;
    for (const RunResult* lane : lanes)
        rounds = std::max(rounds, lane->rounds.size());
    combined->rounds.reserve(rounds);
    for (size_t i = 0; i < rounds; ++i) {
        RoundResult round;
        round.round = static_cast<int>(i) + 1;
        if (i < shown.rounds.size()) {
            const RoundResult& r = shown.rounds[i];
            round.round = r.round;
            round.primary = r.primary;
            round.central_test_acc = r.central_test_acc;
            round.envs = r.envs;
            round.seconds = r.seconds;
            round.training_seconds = r.training_seconds;
        }
        for (const RunResult* lane : lanes)
            if (i < lane->rounds.size() && !lane->rounds[i].merged.empty())
                round.merged.push_back(scores_of(lane->rounds[i].merged.front()));
        combined->rounds.push_back(std::move(round));
    }
    comparison_ = combined;
    return comparison_;
}

int RunModel::roundCount() const {
    return lanes_.empty() ? 0 : static_cast<int>(lanes_[static_cast<size_t>(index())]->rounds.size());
}

const RoundResult* RunModel::round(int n) const {
    return lanes_.empty() ? nullptr : find_round(lanes_[static_cast<size_t>(index())].get(), n);
}

int RunModel::index() const {
    return std::clamp(lane_, 0, std::max(0, laneCount() - 1));
}

void RunModel::clampRound() {
    const int count = roundCount();
    if (following_ || round_ > count)
        round_ = count;
}

} // namespace mergelab::ui
