#include "mergelab/experiment.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <numeric>
#include <set>
#include <thread>

#include "interpolation_path.h"
#include "local_training.h"
#include "mergelab/align.h"
#include "mergelab/error.h"
#include "mergelab/histogram.h"
#include "mergelab/i18n.h"
#include "mergelab/log.h"
#include "mergelab/merge.h"
#include "mergelab/provenance.h"
#include "mergelab/run_files.h"
#include "mergelab/run_folder.h"
#include "mergelab/settings.h"
#include "mergelab/state_dict.h"
#include "mergelab/strategy.h"
#include "nets.h"
#include "random.h"
#include "round_files.h"
#include "round_pipeline.h"
#include "trainer.h"

namespace mergelab {

// ---- names at the edges -------------------------------------------------------

namespace {

template <typename E> struct Names {
    E value;
    const char* name;
};
constexpr Names<Mode> kModes[] = {{Mode::Compare, "compare"}, {Mode::Lanes, "lanes"}};
constexpr Names<Optimizer> kOptimizers[] = {{Optimizer::Adam, "adam"}, {Optimizer::Sgd, "sgd"}};
constexpr Names<Init> kInits[] = {{Init::Shared, "shared"}, {Init::Independent, "independent"}};
constexpr Names<StopReason> kStops[] = {
    {StopReason::Running, "running"},      {StopReason::Target, "target"},
    {StopReason::MaxRounds, "max_rounds"}, {StopReason::Cancelled, "cancelled"},
    {StopReason::Diverged, "diverged"},    {StopReason::Failed, "failed"}};

template <typename E, size_t N> const char* lookup(const Names<E> (&table)[N], E value) {
    for (const auto& entry : table)
        if (entry.value == value)
            return entry.name;
    return "?";
}
template <typename E, size_t N> bool lookup(const Names<E> (&table)[N], const std::string& text, E& out) {
    for (const auto& entry : table)
        if (text == entry.name)
            return out = entry.value, true;
    return false;
}

} // namespace

const char* name_of(Mode v) {
    return lookup(kModes, v);
}
const char* name_of(Optimizer v) {
    return lookup(kOptimizers, v);
}
const char* name_of(Init v) {
    return lookup(kInits, v);
}
const char* name_of(StopReason v) {
    return lookup(kStops, v);
}
bool parse_name(const std::string& t, Mode& out) {
    return lookup(kModes, t, out);
}
bool parse_name(const std::string& t, Optimizer& out) {
    return lookup(kOptimizers, t, out);
}
bool parse_name(const std::string& t, Init& out) {
    return lookup(kInits, t, out);
}
bool parse_name(const std::string& t, StopReason& out) {
    return lookup(kStops, t, out);
}

// ---- configuration ---------------------------------------------------------

void validate(const ExperimentConfig& c) {
    // Every setting against its declaration, then what involves several.
    for (const auto& d : settings())
        check_setting(d, d.get(c));
    validate(c.split);
    // Each repeat's own config keeps the seed within its declared range.
    if (c.repeats > 1 && c.seed + uint64_t(c.repeats - 1) > uint64_t(setting("seed").max))
        throw setting_error("repeats", "takes the seed past " + std::to_string(int64_t(setting("seed").max)));
    if (c.mode == Mode::Lanes && c.lanes.empty())
        throw setting_error("lanes", "must name at least one merge method");
    for (size_t i = 0; i < c.lanes.size(); ++i)
        for (size_t k = 0; k < i; ++k)
            if (c.lanes[i] == c.lanes[k])
                throw setting_error("lanes",
                                    "names '" + c.lanes[i] + "' twice; each lane needs its own folder");
    if (c.compare.empty())
        throw setting_error("compare", "must name at least one merge method");
    // Methods compared in one run merge the same local models, so a local
    // rule (which changes how they are trained) belongs to the primary.
    for (const auto& m : c.compare)
        if (c.mode == Mode::Compare && m != c.method && parse_strategy(m).rule_given)
            throw setting_error("compare",
                                "item '" + m + "' names a local rule; give it with --method or --rule");
    // An environment takes all its statistics of a run from one set of
    // images, at one layer.
    if (c.mode == Mode::Compare)
        for (const auto& m : evaluated_methods(c)) {
            const Strategy s = parse_strategy(m);
            if (!s.calibrated())
                continue;
            const StatisticsKind mine = statistics_kind(m), kind = statistics_kind(c);
            if (mine.images != kind.images)
                throw setting_error("compare", "calibrates '" + m + "' from " + std::to_string(mine.images) +
                                                   " images per class and another strategy from " +
                                                   std::to_string(kind.images) +
                                                   "; give every calibrated strategy the same images=");
            if (!(mine == kind))
                throw setting_error("compare", "calibrates '" + m +
                                                   "' at other layers or another rank than another "
                                                   "strategy; give every calibrated strategy the same "
                                                   "layers= and rank=");
        }
    // Each environment's feature statistics are in its own order of fc1's
    // units, which alignment permutes before the merge.
    if (c.align)
        for (const auto& m : c.mode == Mode::Lanes ? c.lanes : evaluated_methods(c))
            if (parse_strategy(m).calibrated())
                throw setting_error("align", "cannot be combined with a calibration ('" + m + "')");
}

int resolve_threads(int requested) {
    if (requested > 0)
        return requested;
    return std::max(1u, std::thread::hardware_concurrency());
}

std::vector<std::string> evaluated_methods(const ExperimentConfig& c) {
    std::vector<std::string> methods{c.method};
    for (const auto& m : c.compare)
        if (std::find(methods.begin(), methods.end(), m) == methods.end())
            methods.push_back(m);
    const size_t given = methods.size();
    for (size_t i = 0; i < given; ++i) {
        const Strategy s = parse_strategy(methods[i]);
        if (s.calibrated() && !calibration_plan(s.calibration).copy &&
            std::find(methods.begin(), methods.end(), s.plain) == methods.end())
            methods.push_back(s.plain);
    }
    return methods;
}

StatisticsKind statistics_kind(const std::string& strategy) {
    const Strategy s = parse_strategy(strategy);
    if (!s.calibrated())
        return {};
    const CalibrationPlan plan = calibration_plan(s.calibration);
    return {plan.images, plan.layers, plan.layers == 2 ? plan.rank : 0};
}

StatisticsKind statistics_kind(const ExperimentConfig& c) {
    for (const auto& m : evaluated_methods(c))
        if (parse_strategy(m).calibrated())
            return statistics_kind(m);
    return {};
}

const MethodMetrics* RoundResult::method(const std::string& name) const {
    for (const auto& m : merged)
        if (m.method == name)
            return &m;
    return nullptr;
}

int64_t RoundResult::traffic() const {
    int64_t total = 0;
    for (const EnvRoundMetrics& e : envs)
        total += e.sent_weight_bytes + e.sent_statistics_bytes + e.received_weight_bytes +
                 e.received_statistics_bytes;
    return total;
}

// ---- run control -------------------------------------------------------------

void RunControl::cancel() {
    cancel_ = true;
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_all();
}

void RunControl::pause() {
    pause_ = true;
}

void RunControl::resume() {
    rounds_until_pause_ = -1;
    pause_ = false;
    std::lock_guard<std::mutex> lock(mutex_);
    // Only a stop already reached: a later one is not given away.
    if (at_step_)
        steps_released_ = steps_reached_;
    wake_.notify_all();
}

void RunControl::set_pause_after_steps(bool on) {
    pause_after_steps_ = on;
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_all();
}

void RunControl::next_step() {
    rounds_until_pause_ = -1;
    pause_ = false;
    std::lock_guard<std::mutex> lock(mutex_);
    ++steps_released_;
    wake_.notify_all();
}

void RunControl::pause_after_rounds(int rounds) {
    rounds_until_pause_ = rounds;
    pause_ = false;
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_all();
}

bool RunControl::checkpoint() {
    if (pause_ && !cancel_) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return !pause_ || cancel_; });
    }
    return !cancel_;
}

bool RunControl::step_done() {
    {
        // Counted even when not stopping, so a Next always names the stop
        // the controller last heard of.
        std::unique_lock<std::mutex> lock(mutex_);
        ++steps_reached_;
        if (pause_after_steps_ && steps_released_ < steps_reached_ && !cancel_) {
            at_step_ = true;
            wake_.wait(
                lock, [this] { return steps_released_ >= steps_reached_ || cancel_ || !pause_after_steps_; });
            at_step_ = false;
        }
        // Whatever was not waited for is no longer owed.
        steps_released_ = steps_reached_;
    }
    return checkpoint();
}

void RunControl::round_done() {
    int left = rounds_until_pause_.load();
    if (left > 0 && --left == 0)
        pause_ = true;
    rounds_until_pause_ = left > 0 ? left : -1;
}

// ---- environments as threads of this process ------------------------------

namespace {

// Every environment (and the baseline) trains as a task on a pool of the
// run's threads; validation runs on the pipeline's pool beside its own
// evaluations.
class ThreadEnvironments : public Environments {
public:
    ThreadEnvironments(const FashionMnist& data, const TrainingTensors& train)
        : data_(data)
        , train_(train) {}

    std::vector<EnvironmentSummary> start(const ExperimentConfig& lane, const std::string& lane_name, int,
                                          const std::vector<WeightSet>& starts,
                                          const WeightSet* central_start, ExperimentObserver* observer,
                                          RunControl* control) override {
        sides_.clear();
        central_.reset();
        config_ = std::make_unique<ExperimentConfig>(lane);
        lane_ = lane_name;
        observer_ = observer;
        control_ = control;
        threads_ = resolve_threads(lane.threads);
        splits_ = make_environments(lane.split, data_.train.labels, lane.seed, lane.classes);
        std::vector<EnvironmentSummary> out;
        for (size_t k = 0; k < splits_.size(); ++k) {
            sides_.push_back(
                std::make_unique<EnvironmentSide>(*config_, train_, splits_[k], int(k), starts[k]));
            out.push_back(sides_.back()->summary());
        }
        if (central_start)
            central_ = std::make_unique<CentralSide>(*config_, train_, splits_, *central_start);
        return out;
    }

    void train(int round, const WeightSet& rule_shared, bool statistics,
               std::vector<std::optional<LocalReport>>& reports, WeightSet* central) override {
        std::vector<int64_t> cost;
        for (const auto& side : sides_)
            cost.push_back(side->training_size());
        if (central_)
            cost.push_back(central_->training_size());
        run_parallel(
            threads_, cost,
            [&](size_t i) {
                if (i < sides_.size()) {
                    phase(round, Phase::Training, int(i));
                    reports[i] =
                        sides_[i]->train(round, rule_shared, statistics, lane_, observer_, control_, &abort_);
                } else {
                    phase(round, Phase::Baseline, -1);
                    *central = central_->train(round, lane_, observer_, control_, &abort_);
                }
            },
            abort_);
    }

    void begin_validation(int, const std::vector<const WeightSet*>& models, const std::vector<int>& envs,
                          std::vector<PoolTask>& tasks) override {
        accuracies_.assign(envs.size(), std::vector<double>(models.size(), 0.0));
        int64_t cost = 0;
        for (int k : envs)
            cost += sides_[size_t(k)]->validation_size();
        for (size_t m = 0; m < models.size(); ++m)
            tasks.push_back({cost, [this, m, envs, model = models[m]] {
                                 auto net = make_net_for(config_->model, *model);
                                 assign_weights(*net, *model);
                                 for (size_t i = 0; i < envs.size(); ++i)
                                     accuracies_[i][m] = sides_[size_t(envs[i])]->validate(*net);
                             }});
    }

    std::vector<std::vector<double>> finish_validation() override { return std::move(accuracies_); }

    std::vector<std::optional<FeatureStatistics>> describe_images(const std::vector<int>& envs) override {
        std::vector<std::optional<FeatureStatistics>> out(envs.size());
        std::vector<int64_t> cost;
        for (int k : envs)
            cost.push_back(sides_[size_t(k)]->training_size());
        run_parallel(
            threads_, cost, [&](size_t i) { out[i] = sides_[size_t(envs[i])]->describe_images(); }, abort_);
        return out;
    }

    void share_class_images(const std::vector<int>& envs,
                            const std::vector<FeatureStatistics>& missing) override {
        for (size_t i = 0; i < envs.size(); ++i)
            sides_[size_t(envs[i])]->take_class_images(missing[i]);
    }

    std::vector<std::optional<FeatureStatistics>> describe(int, const WeightSet& model,
                                                           const std::vector<int>& envs) override {
        std::vector<std::optional<FeatureStatistics>> out(envs.size());
        std::vector<int64_t> cost;
        for (int k : envs)
            cost.push_back(sides_[size_t(k)]->training_size());
        run_parallel(
            threads_, cost, [&](size_t i) { out[i] = sides_[size_t(envs[i])]->describe(model); }, abort_);
        return out;
    }

    void copy_back(int, const WeightSet& model) override {
        for (auto& side : sides_)
            side->set_model(model);
    }

private:
    void phase(int round, Phase p, int env) {
        if (observer_)
            observer_->phase_changed({lane_, round, p, env, {}});
    }

    const FashionMnist& data_;
    const TrainingTensors& train_;
    std::unique_ptr<ExperimentConfig> config_; // the lane's; the sides keep a reference
    std::string lane_;
    ExperimentObserver* observer_ = nullptr;
    RunControl* control_ = nullptr;
    int threads_ = 1;
    std::atomic<bool> abort_{false};
    std::vector<EnvironmentData> splits_;
    std::vector<std::unique_ptr<EnvironmentSide>> sides_;
    std::unique_ptr<CentralSide> central_;
    std::vector<std::vector<double>> accuracies_; // [environment][model] of the current validation
};

} // namespace

ExperimentConfig fitted_to_data(const ExperimentConfig& config, const FashionMnist& data) {
    ExperimentConfig c = config;
    c.classes = class_count(data);
    const Architecture& a = find_architecture(c.model);
    const Dataset& any = data.train.size() > 0 ? data.train : data.test;
    if (any.size() > 0 && (any.channels != a.channels || any.side != a.side)) {
        const auto describe = [](int channels, int side) {
            return std::to_string(side) + "x" + std::to_string(side) + (channels == 1 ? " grey" : " colour");
        };
        throw setting_error("model",
                            "'" + c.model + "' reads " + describe(a.channels, a.side) +
                                " images; the data's are " + describe(any.channels, any.side) +
                                (any.channels == 3 ? " (use --model cnn-rgb)" : " (use --model cnn)"));
    }
    return c;
}

std::vector<RunResult> run_experiment(const ExperimentConfig& given, const FashionMnist& data,
                                      ExperimentObserver* observer, RunControl* control,
                                      const std::vector<ResumePoint>* resume) {
    validate(given);
    const ExperimentConfig config = fitted_to_data(given, data);
    const auto folder = prepare_run(config, resume != nullptr);
    // Tensors view `data` without copying; it outlives the run.
    const TrainingTensors train{images_view(data.train), labels_tensor(data.train)};
    ThreadEnvironments environments(data, train);
    PipelineContext context;
    context.test = &data.test;
    context.class_names = data.class_names.empty() ? fashion_mnist_class_names() : data.class_names;
    context.environments = &environments;
    context.observer = observer;
    context.control = control;
    context.folder = folder.get();
    return run_pipeline(config, context, resume);
}

} // namespace mergelab
