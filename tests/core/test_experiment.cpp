// The round loop on small synthetic data: learning, determinism, stop rules,
// cancellation, lanes, histograms, run files.
#include <QtTest>

#include <QTemporaryDir>

#include <numeric>
#include <thread>

#include "mergelab/error.h"
#include "mergelab/experiment.h"
#include "mergelab/run_files.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_experiment {

using namespace mergelab;

namespace {

FashionMnist synthetic_data() {
    return testing::synthetic_fashion_mnist(60, 20);
} // 600 + 200 images

ExperimentConfig small_config() {
    ExperimentConfig c = testing::small_config(2);
    c.batch_size = 32;
    c.histogram_bins = 16;
    return c;
}

struct Recorder : ExperimentObserver {
    std::vector<BatchProgress> batches;
    std::vector<PhaseChanged> phases;
    int rounds = 0;
    RunControl* control = nullptr;
    int cancel_at_round = 0;
    int cancel_at_batch = 0;
    int batches_after_cancel = 0;
    bool cancel_requested = false;

    void phase_changed(const PhaseChanged& p) override { phases.push_back(p); }
    void batch_progress(const BatchProgress& p) override {
        if (cancel_requested)
            ++batches_after_cancel;
        batches.push_back(p);
        if (control && p.round == cancel_at_round && int(batches.size()) >= cancel_at_batch &&
            !cancel_requested) {
            control->cancel();
            cancel_requested = true;
        }
    }
    void round_finished(const std::string&, const RoundResult&) override { ++rounds; }
};

void compare_runs(const RunResult& a, const RunResult& b) {
    QCOMPARE(a.rounds.size(), b.rounds.size());
    for (size_t r = 0; r < a.rounds.size(); ++r) {
        for (size_t k = 0; k < a.rounds[r].envs.size(); ++k) {
            QCOMPARE(a.rounds[r].envs[k].val_acc, b.rounds[r].envs[k].val_acc);
            QCOMPARE(a.rounds[r].envs[k].train_loss, b.rounds[r].envs[k].train_loss);
        }
        for (size_t m = 0; m < a.rounds[r].merged.size(); ++m) {
            QCOMPARE(a.rounds[r].merged[m].test_acc, b.rounds[r].merged[m].test_acc);
            QCOMPARE(a.rounds[r].merged[m].test_loss, b.rounds[r].merged[m].test_loss);
            QVERIFY(a.rounds[r].merged[m].confusion == b.rounds[r].merged[m].confusion);
        }
    }
}

} // namespace

class TestExperiment : public QObject {
    Q_OBJECT
    FashionMnist data_ = synthetic_data();

private slots:
    void loopLearnsAboveChance() {
        auto c = small_config();
        c.rounds = 3;
        c.baseline = true;
        const auto runs = run_experiment(c, data_);
        QCOMPARE(runs.size(), size_t(1));
        const RunResult& run = runs[0];
        QCOMPARE(std::string(name_of(run.stopped)), std::string("max_rounds"));
        QCOMPARE(run.rounds.size(), size_t(3));
        const RoundResult& last = run.rounds.back();
        QCOMPARE(last.merged.size(), size_t(3));
        QCOMPARE(last.merged[0].method, std::string("avg"));
        QVERIFY2(last.method("avg")->test_acc > 0.5,
                 qPrintable(QString::number(last.method("avg")->test_acc)));
        QVERIFY(last.central_test_acc && *last.central_test_acc > 0.5);
        for (const auto& m : last.merged) {
            QCOMPARE(confusion_total(m.confusion), data_.test.size());
            QCOMPARE(double(confusion_correct(m.confusion)) / data_.test.size(), m.test_acc);
            QCOMPARE(m.env_val_acc.size(), size_t(2));
            QCOMPARE(int64_t(m.predictions.size()), data_.test.size());
        }
        for (const auto& e : last.envs) {
            QCOMPARE(e.epochs, 1);
            QCOMPARE(confusion_total(e.test_confusion), data_.test.size());
        }
    }

    void sameSeedGivesIdenticalMetrics() {
        auto c = small_config();
        const auto a = run_experiment(c, data_);
        const auto b = run_experiment(c, data_);
        compare_runs(a[0], b[0]);
        c.seed = 2;
        const auto other = run_experiment(c, data_);
        QVERIFY(other[0].rounds[0].envs[0].train_loss != a[0].rounds[0].envs[0].train_loss);
    }

    // Two threads train the environments side by side, one thread each: the
    // numbers must equal a one-thread run exactly, and a second run.
    void parallelEnvironmentsMatchSequentialRun() {
        auto c = small_config();
        c.baseline = true;
        const auto sequential = run_experiment(c, data_);
        c.threads = 2;
        const auto parallel = run_experiment(c, data_);
        const auto again = run_experiment(c, data_);
        compare_runs(sequential[0], parallel[0]);
        compare_runs(parallel[0], again[0]);
        QCOMPARE(*parallel[0].rounds[1].central_test_acc, *sequential[0].rounds[1].central_test_acc);
    }

    void hSplitHoldsItsClasses() {
        auto c = small_config();
        c.split.kind = "H";
        c.rounds = 1;
        const auto run = run_experiment(c, data_)[0];
        QCOMPARE(run.envs[0].classes, (std::vector<int>{0, 1, 2, 3, 4}));
        QCOMPARE(run.envs[1].classes, (std::vector<int>{5, 6, 7, 8, 9}));
        // A local model trained on classes 0-4 never predicts 5-9 correctly often.
        const auto& conf = run.rounds[0].envs[0].test_confusion;
        int64_t unseen_correct = 0;
        for (int cls = 5; cls < 10; ++cls)
            unseen_correct += conf[cls][cls];
        QVERIFY(unseen_correct < 20);
    }

    void cancelStopsWithinTheCurrentBatchAndKeepsFinishedRounds() {
        QTemporaryDir dir;
        auto c = small_config();
        c.rounds = 3;
        c.out_dir = dir.path().toStdString();
        RunControl control;
        Recorder rec;
        rec.control = &control;
        rec.cancel_at_round = 2;
        rec.cancel_at_batch = 0;
        const auto run = run_experiment(c, data_, &rec, &control)[0];
        QCOMPARE(std::string(name_of(run.stopped)), std::string("cancelled"));
        QCOMPARE(run.rounds.size(), size_t(1));
        QCOMPARE(rec.batches_after_cancel, 0);
        const auto loaded = load_runs(dir.path().toStdString());
        QCOMPARE(std::string(name_of(loaded[0].stopped)), std::string("cancelled"));
        QCOMPARE(loaded[0].rounds.size(), size_t(1));
        QVERIFY(QFile::exists(dir.filePath("models/round-001-avg.pt")));
        QVERIFY(QFile::exists(dir.filePath("models/round-001-env-2.pt")));
    }

    void targetStopsAtTheFirstRoundEveryEnvironmentReachesIt() {
        auto c = small_config();
        c.rounds = 8;
        c.target = 0.6;
        const auto run = run_experiment(c, data_)[0];
        QCOMPARE(std::string(name_of(run.stopped)), std::string("target"));
        for (size_t r = 0; r < run.rounds.size(); ++r) {
            bool all = true;
            for (double acc : run.rounds[r].method("avg")->env_val_acc)
                all = all && acc >= c.target;
            QCOMPARE(all, r + 1 == run.rounds.size());
        }
    }

    void localTargetEndsLocalTraining() {
        auto c = small_config();
        c.rounds = 1;
        c.local_epochs = 6;
        c.local_target = 0.3;
        const auto run = run_experiment(c, data_)[0];
        bool stopped_early = false;
        for (const auto& e : run.rounds[0].envs) {
            if (e.epochs < c.local_epochs) {
                stopped_early = true;
                QVERIFY(e.val_acc >= c.local_target);
            }
        }
        QVERIFY(stopped_early);
        c.local_target = 0;
        c.local_epochs = 2;
        const auto fixed = run_experiment(c, data_)[0]; // keep the result alive for the loop
        for (const auto& e : fixed.rounds[0].envs)
            QCOMPARE(e.epochs, 2);
    }

    void lanesShareInitialWeightsAndDataOrder() {
        auto c = small_config();
        c.rounds = 2;
        c.mode = Mode::Lanes;
        c.lanes = {"avg", "max"};
        Recorder rec;
        const auto lanes = run_experiment(c, data_, &rec);
        QCOMPARE(lanes.size(), size_t(2));
        QCOMPARE(lanes[0].lane, std::string("avg"));
        QCOMPARE(lanes[1].rounds[0].merged.size(), size_t(1));
        QCOMPARE(lanes[1].rounds[0].merged[0].method, std::string("max"));
        // Round 1 trains from the same weights on the same batches in both
        // lanes, so the local results agree exactly; round 2 starts from
        // different merged models.
        for (size_t k = 0; k < 2; ++k) {
            QCOMPARE(lanes[0].rounds[0].envs[k].train_loss, lanes[1].rounds[0].envs[k].train_loss);
            QCOMPARE(lanes[0].rounds[0].envs[k].val_acc, lanes[1].rounds[0].envs[k].val_acc);
        }
        QVERIFY(lanes[0].rounds[1].envs[0].train_loss != lanes[1].rounds[1].envs[0].train_loss);
        // And a compare-mode run of the same seed sees the same round 1.
        auto compare = small_config();
        compare.rounds = 1;
        const auto single = run_experiment(compare, data_)[0];
        QCOMPARE(single.rounds[0].method("max")->test_acc, lanes[1].rounds[0].merged[0].test_acc);
    }

    void histogramsCountEveryElementOnce() {
        auto c = small_config();
        c.rounds = 1;
        const auto run = run_experiment(c, data_)[0];
        const auto spec = architecture_spec("cnn");
        const auto& hists = run.rounds[0].histograms;
        QCOMPARE(hists.size(), spec.size());
        for (size_t t = 0; t < spec.size(); ++t) {
            int64_t numel = 1;
            for (auto d : spec[t].shape)
                numel *= d;
            QCOMPARE(hists[t].tensor, spec[t].name);
            QVERIFY(hists[t].lo <= hists[t].hi);
            auto sum = [](const std::vector<int64_t>& v) {
                return std::accumulate(v.begin(), v.end(), int64_t(0));
            };
            for (const auto& counts : hists[t].envs) {
                QCOMPARE(int(counts.size()), c.histogram_bins);
                QCOMPARE(sum(counts), numel);
            }
            QCOMPARE(hists[t].merged.size(), size_t(3));
            for (const auto& [method, counts] : hists[t].merged)
                QCOMPARE(sum(counts), numel);
            QVERIFY(hists[t].merged_stats.at("max").max <= hists[t].hi);
        }
    }

    void runFilesRoundTrip() {
        QTemporaryDir dir;
        auto c = small_config();
        c.baseline = true;
        c.out_dir = dir.path().toStdString();
        const auto run = run_experiment(c, data_)[0];
        const auto loaded = load_runs(dir.path().toStdString());
        QCOMPARE(loaded.size(), size_t(1));
        compare_runs(run, loaded[0]);
        QCOMPARE(format_round_table(loaded[0]), format_round_table(run));
        QCOMPARE(loaded[0].rounds[1].central_test_acc.value(), run.rounds[1].central_test_acc.value());
        QCOMPARE(loaded[0].rounds[0].histograms[0].envs, run.rounds[0].histograms[0].envs);
        QCOMPARE(loaded[0].rounds[1].merged[2].predictions, run.rounds[1].merged[2].predictions);
        QFile csv(dir.filePath("metrics.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QString header = QString::fromUtf8(csv.readLine()).trimmed();
        QCOMPARE(
            header,
            QString("seed,round,env1_val_acc,env2_val_acc,central_test_acc,avg_test_acc,max_test_acc,"
                    "absmax_test_acc,avg_test_loss,max_test_loss,absmax_test_loss,env1_sent_weight_bytes,"
                    "env1_sent_statistics_bytes,env1_received_weight_bytes,env1_received_statistics_bytes,"
                    "env2_sent_weight_bytes,env2_sent_statistics_bytes,env2_received_weight_bytes,"
                    "env2_received_statistics_bytes,seconds"));
        // Only the final round's models are kept without --save-all.
        QVERIFY(!QFile::exists(dir.filePath("models/round-001-avg.pt")));
        QVERIFY(QFile::exists(dir.filePath("models/round-002-absmax.pt")));
        QVERIFY(QFile::exists(dir.filePath("models/round-002-env-1.pt")));
    }

    void invalidConfigurationsNameTheOption_data() {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("option");
        for (const char* o : {"--rounds", "--local-epochs", "--batch", "--lr", "--method", "--compare",
                              "--momentum", "--seed", "--target", "--envs"})
            QTest::newRow(o) << QString(o) << QString(o);
    }
    void invalidConfigurationsNameTheOption() {
        QFETCH(QString, what);
        QFETCH(QString, option);
        auto c = small_config();
        if (what == "--rounds")
            c.rounds = 0;
        if (what == "--local-epochs")
            c.local_epochs = -1;
        if (what == "--batch")
            c.batch_size = 0;
        if (what == "--lr")
            c.lr = -0.1;
        if (what == "--method")
            c.method = "sum";
        if (what == "--compare")
            c.compare = {"avg", "sum"};
        if (what == "--momentum")
            c.momentum = 1.0;
        if (what == "--seed")
            c.seed = uint64_t(1) << 40;
        if (what == "--target")
            c.target = 1.5;
        if (what == "--envs")
            c.split.envs = 11;
        try {
            run_experiment(c, data_);
            QFAIL("accepted");
        } catch (const UsageError& e) {
            QVERIFY2(QString(e.what()).contains(option), e.what());
        }
    }

    // Lesson mode: the engine stops after every step of the algorithm and
    // goes on only when told; each stop carries this run's own numbers.
    void lessonModeStopsAfterEveryStep() {
        auto c = small_config();
        RunControl control;
        control.set_pause_after_steps(true);
        struct Teacher : ExperimentObserver {
            RunControl* control = nullptr;
            std::vector<StepFinished> steps;
            void step_finished(const StepFinished& e) override {
                steps.push_back(e);
                // "Next" from another thread once the engine waits there.
                std::thread([this] {
                    while (!control->paused())
                        std::this_thread::sleep_for(std::chrono::milliseconds(1));
                    control->resume();
                }).detach();
            }
        } teacher;
        teacher.control = &control;
        const auto run = run_experiment(c, data_, &teacher, &control)[0];
        QCOMPARE(run.stopped, StopReason::MaxRounds);
        const std::vector<Phase> order{Phase::Training, Phase::Merging, Phase::Evaluating,
                                       Phase::CopyingBack};
        QCOMPARE(teacher.steps.size(), order.size() * 2);
        for (size_t i = 0; i < teacher.steps.size(); ++i) {
            const StepFinished& s = teacher.steps[i];
            const RoundResult& r = run.rounds[i / order.size()];
            QVERIFY(s.step == order[i % order.size()]);
            QCOMPARE(s.round, r.round);
            QCOMPARE(s.env_val_acc.size(), r.envs.size());
            for (size_t k = 0; k < r.envs.size(); ++k)
                QCOMPARE(s.env_val_acc[k], r.envs[k].val_acc);
            if (s.step == Phase::Evaluating || s.step == Phase::CopyingBack) {
                QCOMPARE(s.merged_test_acc.size(), r.merged.size());
                for (const auto& [method, acc] : s.merged_test_acc)
                    QCOMPARE(acc, r.method(method)->test_acc);
            } else {
                QVERIFY(s.merged_test_acc.empty());
            }
        }
    }

    // A Next given while the engine is still on its way to the stop (the
    // app hears of a step a moment before the engine waits there) is kept
    // for that stop: the run goes on, never waiting forever.
    void nextBeforeTheStopIsKept() {
        auto c = small_config();
        c.rounds = 1;
        RunControl control;
        control.set_pause_after_steps(true);
        struct Teacher : ExperimentObserver {
            RunControl* control = nullptr;
            int steps = 0;
            void step_finished(const StepFinished&) override {
                ++steps;
                control->next_step();
            }
        } teacher;
        teacher.control = &control;
        const auto run = run_experiment(c, data_, &teacher, &control)[0];
        QCOMPARE(run.stopped, StopReason::MaxRounds);
        QCOMPARE(teacher.steps, 4);
    }
};

MERGELAB_TEST_GUILESS(test_experiment, TestExperiment)
} // namespace test_experiment

#include "test_experiment.moc"
