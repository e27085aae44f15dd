#include "local_training.h"

#include "mergelab/model.h"
#include "mergelab/state_dict.h"
#include "random.h"

namespace mergelab {

uint64_t order_seed(uint64_t seed, int round, int env, int epoch) {
    return derive_seed(seed, 1000000 + uint64_t(round) * 10000 + uint64_t(env + 1) * 1000 + epoch);
}
uint64_t dropout_seed(uint64_t seed, int round, int env) {
    return derive_seed(seed, 2000000 + uint64_t(round) * 100 + uint64_t(env + 1));
}
uint64_t init_seed(uint64_t seed, int env) {
    return derive_seed(seed, 3000000 + uint64_t(env + 1));
}

WeightSet shared_start(const ExperimentConfig& c) {
    if (c.init_from.empty())
        return initial_weights(c.model, init_seed(c.seed, 0));
    WeightSet shared = load_state_dict(c.init_from);
    check_weights(c.model, shared, c.init_from);
    return shared;
}

WeightSet environment_start(const ExperimentConfig& c, const WeightSet& shared, int k) {
    if (c.init == Init::Shared || !c.init_from.empty())
        return shared;
    return initial_weights(c.model, init_seed(c.seed, k + 1));
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
