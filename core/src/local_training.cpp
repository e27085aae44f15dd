#include "local_training.h"

#include <map>

#include "mergelab/model.h"
#include "mergelab/state_dict.h"
#include "mergelab/strategy.h"
#include "random.h"
#include "stat_net.h"

namespace mergelab {

uint64_t order_seed(uint64_t seed, int round, int env, int epoch) {
    return derive_seed(seed, 1000000 + uint64_t(round) * 10000 + uint64_t(env + 1) * 1000 + epoch);
}
uint64_t dropout_seed(uint64_t seed, int round, int env) {
    return derive_seed(seed, 2000000 + uint64_t(round) * 100 + uint64_t(env + 1));
}
uint64_t virtual_images_seed(uint64_t seed, int round, int env) {
    return derive_seed(seed, 5000000 + uint64_t(round) * 100 + uint64_t(env + 1));
}
uint64_t init_seed(uint64_t seed, int env) {
    return derive_seed(seed, 3000000 + uint64_t(env + 1));
}

WeightSet shared_start(const ExperimentConfig& c) {
    if (c.init_from.empty())
        return initial_weights(c.model, init_seed(c.seed, 0), c.classes);
    WeightSet shared = load_state_dict(c.init_from);
    check_weights(c.model, shared, c.init_from, c.classes);
    return shared;
}

WeightSet environment_start(const ExperimentConfig& c, const WeightSet& shared, int k) {
    if (c.init == Init::Shared || !c.init_from.empty())
        return shared;
    return initial_weights(c.model, init_seed(c.seed, k + 1), c.classes);
}

EnvRoundMetrics train_locally(Trainer& t, const ExperimentConfig& c, const LocalData& data,
                              const std::string& lane, int round, int k, ExperimentObserver* observer,
                              RunControl* control, const std::atomic<bool>* abort) {
    EnvRoundMetrics m;
    const auto start = Clock::now();
    t.net().seed_dropout(dropout_seed(c.seed, round, k));
    auto optimizer = make_optimizer(c, t.net());
    auto validate = [&] {
        const EvalResult val = evaluate_net(t.net(), data.val_images, data.val_labels, false);
        m.val_acc = val.accuracy;
        m.val_loss = val.loss;
    };
    if (c.local_steps > 0) {
        BatchProgress p{lane, round, k, data.cursor->epoch(), 0, 0, 0, 0};
        m.train_loss = t.train_batches(*optimizer, *data.train, *data.cursor, c.local_steps, p, observer,
                                       control, abort);
        m.epochs = data.cursor->epoch();
        validate();
    }
    for (int epoch = 1; c.local_steps == 0 && epoch <= c.local_epochs; ++epoch) {
        BatchProgress p{lane, round, k, epoch, 0, 0, 0, 0};
        m.train_loss = t.train_epoch(*optimizer, *data.train, *data.indices,
                                     order_seed(c.seed, round, k, epoch), p, observer, control, abort);
        m.epochs = epoch;
        validate();
        // The paper's step 2: local training may stop at a local target.
        if (c.local_target > 0 && m.val_acc >= c.local_target)
            break;
    }
    m.train_seconds = seconds_since(start);
    return m;
}

} // namespace mergelab

namespace mergelab {

EnvironmentSide::EnvironmentSide(const ExperimentConfig& c, const TrainingTensors& train,
                                 const EnvironmentData& data, int k, const WeightSet& start)
    : c_(c)
    , train_(train)
    , data_(data)
    , k_(k)
    , trainer_(c, start) {
    const Strategy primary = parse_strategy(c.method);
    const Choice rule = primary.rule_given ? primary.rule : parse_rule_choice(c.rule);
    rule_ = make_local_rule(rule, c.lr, data.classes, c.classes);
    needs_class_images_ = rule_needs_class_images(rule);
    trainer_.set_rule(rule_.get());
    // With local_steps the environment walks its shuffled epochs across rounds.
    if (c.local_steps > 0)
        cursor_ = std::make_unique<BatchCursor>(
            data.train, [seed = c.seed, k](int epoch) { return order_seed(seed, 0, k, epoch); });
    const auto idx = index_tensor(data.val);
    val_images_ = train.images.index_select(0, idx);
    val_labels_ = train.labels.index_select(0, idx);
}

EnvironmentSummary EnvironmentSide::summary() const {
    return {data_.classes, int64_t(data_.train.size()), int64_t(data_.val.size())};
}

LocalReport EnvironmentSide::train(int round, const WeightSet& rule_shared, bool statistics,
                                   const std::string& lane, ExperimentObserver* observer, RunControl* control,
                                   const std::atomic<bool>* abort) {
    LocalReport report;
    if (rule_)
        rule_->begin_round(weights_of(trainer_.net()), rule_shared, virtual_images_seed(c_.seed, round, k_));
    trainer_.reset_steps();
    const LocalData data{&train_, &data_.train, val_images_, val_labels_, cursor_.get()};
    report.metrics = train_locally(trainer_, c_, data, lane, round, k_, observer, control, abort);
    if (rule_)
        report.rule_change = rule_->end_round(trainer_.net(), trainer_.steps());
    report.weights = weights_of(trainer_.net());
    if (statistics)
        report.statistics = describe(report.weights);
    return report;
}

FeatureStatistics EnvironmentSide::describe(const WeightSet& model) {
    if (!train_images_.defined()) {
        // The first `images` of each class in the environment's own order.
        IndexList rows = data_.train;
        if (const int cap = statistics_kind(c_).images; cap > 0) {
            const auto labels = train_.labels.to(torch::kInt64).contiguous();
            const int64_t* label = labels.data_ptr<int64_t>();
            std::map<int64_t, int> taken;
            rows.clear();
            for (const int64_t row : data_.train)
                if (taken[label[row]]++ < cap)
                    rows.push_back(row);
        }
        const auto idx = index_tensor(rows);
        train_images_ = train_.images.index_select(0, idx);
        train_labels_ = train_.labels.index_select(0, idx);
    }
    if (const StatisticsKind kind = statistics_kind(c_); kind.layers == 2)
        return head_input_statistics(c_.model, model, train_images_, train_labels_, kind.rank);
    return penultimate_statistics(c_.model, model, train_images_, train_labels_);
}

FeatureStatistics EnvironmentSide::describe_images() const {
    const auto idx = index_tensor(data_.train);
    const auto images = train_.images.index_select(0, idx);
    return class_moments(to_input(images).reshape({images.size(0), -1}), train_.labels.index_select(0, idx),
                         c_.classes);
}

void EnvironmentSide::take_class_images(const FeatureStatistics& missing) {
    const auto sizes = train_.images.sizes();
    const std::vector<int64_t> shape(sizes.begin() + 1, sizes.end());
    int64_t pixels = 1;
    for (int64_t s : shape)
        pixels *= s;
    if (missing.dim != pixels || missing.classes.size() != size_t(c_.classes))
        throw Error("the class images' statistics have " + std::to_string(missing.dim) +
                    " values per image and " + std::to_string(missing.classes.size()) +
                    " classes; this run's images have " + std::to_string(pixels) + " and " +
                    std::to_string(c_.classes));
    if (rule_)
        rule_->take_class_images(missing, shape);
}

double EnvironmentSide::validate(ClassifierImpl& net) const {
    return evaluate_net(net, val_images_, val_labels_, false).accuracy;
}

double EnvironmentSide::validate(const WeightSet& model) const {
    auto net = make_net_for(c_.model, model);
    assign_weights(*net, model);
    return validate(*net);
}

void EnvironmentSide::set_model(const WeightSet& weights) {
    assign_weights(trainer_.net(), weights);
}

CentralSide::CentralSide(const ExperimentConfig& c, const TrainingTensors& train,
                         const std::vector<EnvironmentData>& envs, const WeightSet& start)
    : c_(c)
    , train_(train)
    , envs_(int(envs.size()))
    , trainer_(c, start) {
    for (const auto& e : envs)
        indices_.insert(indices_.end(), e.train.begin(), e.train.end());
    if (c.local_steps > 0)
        cursor_ = std::make_unique<BatchCursor>(
            indices_, [seed = c.seed](int epoch) { return order_seed(seed, 0, -1, epoch); });
}

WeightSet CentralSide::train(int round, const std::string& lane, ExperimentObserver* observer,
                             RunControl* control, const std::atomic<bool>* abort) {
    trainer_.net().seed_dropout(dropout_seed(c_.seed, round, -1));
    auto optimizer = make_optimizer(c_, trainer_.net());
    if (c_.local_steps > 0) {
        BatchProgress p{lane, round, -1, cursor_->epoch(), 0, 0, 0, 0};
        trainer_.train_batches(*optimizer, train_, *cursor_, int64_t(c_.local_steps) * int64_t(envs_), p,
                               observer, control, abort);
    }
    for (int epoch = 1; c_.local_steps == 0 && epoch <= c_.local_epochs; ++epoch) {
        BatchProgress p{lane, round, -1, epoch, 0, 0, 0, 0};
        trainer_.train_epoch(*optimizer, train_, indices_, order_seed(c_.seed, round, -1, epoch), p, observer,
                             control, abort);
    }
    return weights_of(trainer_.net());
}

} // namespace mergelab
