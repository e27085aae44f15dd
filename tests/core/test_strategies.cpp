// The engine with its strategies: rounds of a fixed number of
// batches, local rules, alignment, server optimizers keeping state, lanes
// named by strategy, and the starting model saved for recomputation.
#include <QtTest>

#include <QTemporaryDir>

#include "mergelab/error.h"
#include "mergelab/experiment.h"
#include "mergelab/run_files.h"
#include "mergelab/state_dict.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_strategies {

using namespace mergelab;

namespace {

FashionMnist synthetic_data() {
    FashionMnist d;
    d.train = testing::make_synthetic_dataset(60, 1); // 600 images, 270 training per environment
    d.test = testing::make_synthetic_dataset(20, 2);
    return d;
}

ExperimentConfig small_config() {
    ExperimentConfig c = testing::small_config(2);
    c.batch_size = 32;
    return c;
}

struct BatchCounter : ExperimentObserver {
    std::map<int, int> per_env; // env (-1: baseline) -> batches
    void batch_progress(const BatchProgress& p) override { ++per_env[p.env]; }
};

} // namespace

class TestStrategies : public QObject {
    Q_OBJECT
    FashionMnist data_ = synthetic_data();

private slots:
    void localStepsTrainThatManyBatchesAcrossEpochs() {
        auto c = small_config();
        c.rounds = 3;
        c.local_steps = 4; // 270 images are 9 batches of 32: round 3 crosses into epoch 2
        c.baseline = true;
        BatchCounter counter;
        const auto run = run_experiment(c, data_, &counter)[0];
        QCOMPARE(run.stopped, StopReason::MaxRounds);
        QCOMPARE(counter.per_env[0], 12);
        QCOMPARE(counter.per_env[1], 12);
        QCOMPARE(counter.per_env[-1], 24); // the baseline sees as many images as all environments
        QCOMPARE(run.rounds[2].envs[0].epochs, 2);
        // Deterministic: the same settings give the same rounds.
        const auto again = run_experiment(c, data_)[0];
        QCOMPARE(again.rounds[2].merged[0].test_acc, run.rounds[2].merged[0].test_acc);
        QCOMPARE(again.rounds[2].envs[1].train_loss, run.rounds[2].envs[1].train_loss);
    }

    void rulesChangeLocalTraining() {
        auto c = small_config();
        c.compare = {"avg"};
        const auto plain = run_experiment(c, data_)[0];
        c.rule = "fedprox:mu=0.5";
        const auto prox = run_experiment(c, data_)[0];
        c.optimizer = Optimizer::Sgd;
        c.lr = 0.05;
        c.rule = "scaffold";
        const auto scaffold = run_experiment(c, data_)[0];
        for (const auto* run : {&plain, &prox, &scaffold})
            QCOMPARE(run->stopped, StopReason::MaxRounds);
        // Round 1 of FedProx starts at base, where the pull is zero only at
        // the first step; the losses differ after it.
        QVERIFY(prox.rounds[1].envs[0].train_loss != plain.rounds[1].envs[0].train_loss);
        // SCAFFOLD's corrections are zero in round 1 and set afterwards.
        c.rule = "plain";
        const auto sgd = run_experiment(c, data_)[0];
        QCOMPARE(scaffold.rounds[0].envs[0].train_loss, sgd.rounds[0].envs[0].train_loss);
        QVERIFY(scaffold.rounds[1].envs[0].train_loss != sgd.rounds[1].envs[0].train_loss);
    }

    // FedRS scales the logits of the classes an environment lacks: with
    // alpha 1, or with every class present (V), it is plain training to the
    // last bit; on H with alpha < 1 it is not. The reported loss stays the
    // plain cross-entropy, so round 1's first losses can be compared.
    void fedrsRestrictsOnlyMissingClasses() {
        auto c = small_config();
        c.compare = {"avg"};
        c.split.kind = "H";
        const auto plain = run_experiment(c, data_)[0];
        c.rule = "fedrs:alpha=1";
        const auto one = run_experiment(c, data_)[0];
        c.rule = "fedrs:alpha=0.2";
        const auto restricted = run_experiment(c, data_)[0];
        for (size_t r = 0; r < plain.rounds.size(); ++r)
            for (size_t k = 0; k < plain.rounds[r].envs.size(); ++k) {
                QCOMPARE(one.rounds[r].envs[k].train_loss, plain.rounds[r].envs[k].train_loss);
                QCOMPARE(one.rounds[r].envs[k].val_acc, plain.rounds[r].envs[k].val_acc);
            }
        QVERIFY(restricted.rounds[0].envs[0].train_loss != plain.rounds[0].envs[0].train_loss);
        QVERIFY(restricted.rounds[1].merged[0].test_acc != plain.rounds[1].merged[0].test_acc ||
                restricted.rounds[1].merged[0].test_loss != plain.rounds[1].merged[0].test_loss);

        c.split.kind = "V";
        c.rule = "plain";
        const auto vplain = run_experiment(c, data_)[0];
        c.rule = "fedrs:alpha=0.2";
        const auto vrs = run_experiment(c, data_)[0];
        QCOMPARE(vrs.rounds.back().merged[0].test_loss, vplain.rounds.back().merged[0].test_loss);
        QCOMPARE(vrs.rounds.back().envs[1].train_loss, vplain.rounds.back().envs[1].train_loss);

        c.rule = "fedrs:alpha=2";
        QVERIFY_THROWS_EXCEPTION(UsageError, validate(c));
    }

    void lanesAreNamedByStrategyAndCarryTheirRule() {
        QTemporaryDir dir;
        auto c = small_config();
        c.mode = Mode::Lanes;
        c.lanes = {"avg", "avg+fedprox:mu=0.1", "ties:density=0.5,lambda=1", "fedavgm:momentum=0.5"};
        c.out_dir = dir.path().toStdString();
        const auto lanes = run_experiment(c, data_);
        QCOMPARE(lanes.size(), size_t(4));
        for (size_t i = 0; i < lanes.size(); ++i) {
            QCOMPARE(lanes[i].lane, c.lanes[i]);
            QCOMPARE(lanes[i].rounds[1].merged.at(0).method, c.lanes[i]);
            QCOMPARE(lanes[i].stopped, StopReason::MaxRounds);
        }
        QCOMPARE(lanes[1].config.rule, std::string("fedprox:mu=0.1"));
        QCOMPARE(lanes[0].config.rule, std::string("plain"));
        // Round 1 of avg and avg+fedprox differ only by the rule.
        QVERIFY(lanes[0].rounds[0].envs[0].train_loss != lanes[1].rounds[0].envs[0].train_loss);
        const auto loaded = load_runs(dir.path().toStdString());
        QCOMPARE(loaded.size(), size_t(4));
        QCOMPARE(loaded[1].config.rule, std::string("fedprox:mu=0.1"));
        QCOMPARE(loaded[2].config.method, std::string("ties:density=0.5,lambda=1"));
    }

    void compareTakesParametersButNoRule() {
        auto c = small_config();
        c.rounds = 1;
        c.compare = {"avg", "ties:density=0.5", "task-arithmetic:lambda=1", "median", "fedadam"};
        const auto run = run_experiment(c, data_)[0];
        QCOMPARE(run.rounds[0].merged.size(), size_t(5));
        QVERIFY(run.rounds[0].method("ties:density=0.5"));
        // With two environments the median is the average: measured once,
        // reported under both names.
        QCOMPARE(run.rounds[0].method("median")->predictions, run.rounds[0].method("avg")->predictions);
        QCOMPARE(run.rounds[0].method("median")->test_acc, run.rounds[0].method("avg")->test_acc);
        c.compare = {"avg", "max+fedprox"};
        QVERIFY_THROWS_EXCEPTION(UsageError, run_experiment(c, data_));
        c.compare = {"avg", "ties:density=3"};
        try {
            run_experiment(c, data_);
            QFAIL("accepted");
        } catch (const UsageError& e) {
            QVERIFY2(QString(e.what()).contains("--compare") && QString(e.what()).contains("density"),
                     e.what());
        }
    }

    void alignRunsAndSaveAllKeepsTheStartingModel() {
        QTemporaryDir dir;
        auto c = small_config();
        c.init = Init::Independent;
        c.align = true;
        c.save_all = true;
        c.out_dir = dir.path().toStdString();
        const auto run = run_experiment(c, data_)[0];
        QCOMPARE(run.stopped, StopReason::MaxRounds);
        const QString init = dir.filePath("models/round-000-init.pt");
        QVERIFY(QFile::exists(init));
        QCOMPARE(load_state_dict(init.toStdString()).size(), size_t(8));
        QVERIFY(QFile::exists(dir.filePath("models/round-001-avg.pt")));
    }
};

MERGELAB_TEST_GUILESS(test_strategies, TestStrategies)
} // namespace test_strategies

#include "test_strategies.moc"
