// The calibration step in runs (a strategy's "@ccvr" suffix): its spelling,
// that it changes fc2 alone and equals calibrate_classifier on the
// environments' own statistics, that statistics are only asked for in the
// rounds that calibrate, and the bytes each round records.
#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <map>

#include "mergelab/error.h"
#include "mergelab/experiment.h"
#include "mergelab/run_files.h"
#include "mergelab/split.h"
#include "mergelab/state_dict.h"
#include "mergelab/statistics.h"
#include "mergelab/strategy.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_calibration_runs {

using namespace mergelab;

namespace {

FashionMnist synthetic_data() {
    FashionMnist d;
    d.train = testing::make_synthetic_dataset(60, 1);
    d.test = testing::make_synthetic_dataset(20, 2);
    return d;
}

ExperimentConfig small_config(const std::string& method, int rounds = 2) {
    ExperimentConfig c = testing::small_config(rounds);
    c.batch_size = 32;
    c.local_steps = 3;
    c.method = method;
    c.compare = {method};
    return c;
}

Dataset rows_of(const Dataset& data, const IndexList& rows) {
    Dataset out;
    for (int64_t i : rows) {
        out.pixels.insert(out.pixels.end(), data.pixels.begin() + i * kImagePixels,
                          data.pixels.begin() + (i + 1) * kImagePixels);
        out.labels.push_back(data.labels[size_t(i)]);
    }
    return out;
}

const NamedTensor& tensor(const WeightSet& w, const std::string& name) {
    const NamedTensor* t = find_tensor(w, name);
    if (!t)
        throw Error("no tensor " + name);
    return *t;
}

double largest_difference(const NamedTensor& a, const NamedTensor& b) {
    double worst = 0;
    for (size_t i = 0; i < a.values.size(); ++i)
        worst = std::max(worst, double(std::abs(a.values[i] - b.values[i])));
    return worst;
}

} // namespace

class TestCalibrationRuns : public QObject {
    Q_OBJECT
    FashionMnist data_ = synthetic_data();

private slots:
    void suffixParsesAndRoundTrips_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("plain");
        QTest::addColumn<int>("every");
        QTest::addColumn<bool>("only_end");
        QTest::addColumn<int>("per_class");
        QTest::addColumn<bool>("copy");
        QTest::newRow("bare") << "avg@ccvr"
                              << "avg" << 1 << false << 500 << false;
        QTest::newRow("rule") << "avg+fedprox:mu=0.01@ccvr"
                              << "avg+fedprox:mu=0.01" << 1 << false << 500 << false;
        QTest::newRow("every") << "avg@ccvr:every=5"
                               << "avg" << 5 << false << 500 << false;
        QTest::newRow("end") << "ties:density=0.3@ccvr:end=1,per_class=50"
                             << "ties:density=0.3" << 1 << true << 50 << false;
        QTest::newRow("copy") << "fedavgm+scaffold@ccvr:copy=1,every=2"
                              << "fedavgm+scaffold" << 2 << false << 500 << true;
    }
    void suffixParsesAndRoundTrips() {
        QFETCH(QString, text);
        QFETCH(QString, plain);
        const Strategy s = parse_strategy(text.toStdString());
        QVERIFY(s.calibrated());
        QCOMPARE(s.calibration.name, std::string("ccvr"));
        QCOMPARE(QString::fromStdString(s.plain), plain);
        const CalibrationPlan plan = calibration_plan(s.calibration);
        QTEST(plan.every, "every");
        QTEST(plan.only_end, "only_end");
        QTEST(plan.per_class, "per_class");
        QTEST(plan.copy, "copy");
        // The text form parses back to the same strategy.
        const Strategy again = parse_strategy(format_strategy(s));
        QCOMPARE(format_strategy(again), format_strategy(s));
        QVERIFY(again.calibration.params == s.calibration.params);
        QVERIFY(again.method.params == s.method.params);
        QVERIFY(again.rule.params == s.rule.params);
        QVERIFY(!parse_strategy(plain.toStdString()).calibrated());
        // And through run.json: the settings keep the strategy as written.
        ExperimentConfig c = small_config(text.toStdString());
        c.mode = Mode::Lanes;
        c.lanes = {text.toStdString(), "avg"};
        validate(c);
        const RunResult run{c, {}, {}, {}, {}, StopReason::MaxRounds, "done", 0};
        const RunResult back = run_from_json(run_to_json(run, 1), "run.json");
        QCOMPARE(back.config.method, c.method);
        QVERIFY(back.config.lanes == c.lanes);
    }

    void badSuffixesAreRefusedNamingWhatIsWrong_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("says");
        QTest::newRow("unknown step") << "avg@ccrv"
                                      << "unknown step after the merge '@ccrv'";
        QTest::newRow("empty step") << "avg@"
                                    << "one step after the merge";
        QTest::newRow("two steps") << "avg@ccvr@ccvr"
                                   << "one step after the merge";
        QTest::newRow("unknown key") << "avg@ccvr:density=0.2"
                                     << "takes no parameter 'density'";
        QTest::newRow("every 0") << "avg@ccvr:every=0"
                                 << "every must lie in [1, 1000]";
        QTest::newRow("fractional every") << "avg@ccvr:every=2.5"
                                          << "whole number of rounds";
        QTest::newRow("copy 2") << "avg@ccvr:copy=2"
                                << "copy must lie in [0, 1]";
        QTest::newRow("copy half") << "avg@ccvr:copy=0.5"
                                   << "copy is 0 or 1";
        QTest::newRow("every and end") << "avg@ccvr:every=3,end=1"
                                       << "either every or end=1";
        QTest::newRow("per_class 0") << "avg@ccvr:per_class=0"
                                     << "per_class must lie in";
        QTest::newRow("not a number") << "avg@ccvr:every=five"
                                      << "every must be a number";
        QTest::newRow("bad method") << "mean@ccvr"
                                    << "unknown merge method 'mean'";
    }
    void badSuffixesAreRefusedNamingWhatIsWrong() {
        QFETCH(QString, text);
        QFETCH(QString, says);
        try {
            parse_strategy(text.toStdString());
            QFAIL("accepted");
        } catch (const UsageError& e) {
            const QString what = QString::fromStdString(e.what());
            QVERIFY2(what.startsWith(text + ":"), qPrintable(what));
            QVERIFY2(what.contains(says), qPrintable(what));
        }
    }

    // By default the statistics are the merged model's, measured by each
    // environment on its own rows; with local=1 its trained local model's;
    // with images=N on the first N rows of each class; with layers=2 fc1's
    // inputs in the low-rank form, and fc1 moves with fc2.
    void calibrationChangesOnlyFc2AsTheEnvironmentsStatisticsSay_data() {
        QTest::addColumn<QString>("strategy");
        QTest::addColumn<bool>("local");
        QTest::addColumn<int>("images");
        QTest::addColumn<int>("rank"); // 0: fc2 alone
        QTest::newRow("of the merged model") << "avg@ccvr" << false << 0 << 0;
        QTest::newRow("of the local models") << "avg@ccvr:local=1" << true << 0 << 0;
        QTest::newRow("of 3 images per class") << "avg@ccvr:images=3" << false << 3 << 0;
        QTest::newRow("local, of 2 images per class") << "avg@ccvr:local=1,images=2" << true << 2 << 0;
        QTest::newRow("two layers") << "avg@ccvr:layers=2,rank=4" << false << 0 << 4;
        QTest::newRow("two layers, local") << "avg@ccvr:layers=2,local=1,images=3" << true << 3 << 32;
    }

    void calibrationChangesOnlyFc2AsTheEnvironmentsStatisticsSay() {
        QFETCH(QString, strategy);
        QFETCH(bool, local);
        QFETCH(int, images);
        QFETCH(int, rank);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        ExperimentConfig c = small_config(strategy.toStdString());
        c.save_all = true;
        c.out_dir = dir.path().toStdString();
        const RunResult run = run_experiment(c, data_)[0];
        QCOMPARE(run.stopped, StopReason::MaxRounds);
        // Copy 0 (the default): the plain merge is evaluated beside it.
        QVERIFY(evaluated_methods(c) == (std::vector<std::string>{strategy.toStdString(), "avg"}));
        const std::string models = c.out_dir + "/models/";
        for (int round : {1, 2}) {
            const WeightSet plain = load_state_dict(models + model_file_name(round, "avg"));
            const WeightSet calibrated =
                load_state_dict(models + model_file_name(round, strategy.toStdString()));
            bool fc2_moved = false, fc1_moved = false;
            for (const auto& t : plain) {
                const double moved = largest_difference(t, tensor(calibrated, t.name));
                if (t.name.rfind("fc2.", 0) == 0)
                    fc2_moved = fc2_moved || moved > 0;
                else if (rank > 0 && t.name.rfind("fc1.", 0) == 0)
                    fc1_moved = fc1_moved || moved > 0;
                else
                    QVERIFY2(moved == 0, t.name.c_str());
            }
            QVERIFY(fc2_moved);
            QCOMPARE(fc1_moved, rank > 0);
            // The same step from outside: each environment's statistics of
            // the plain merge (or of its local model) on its own training rows.
            const auto splits = make_environments(c.split, data_.train.labels, c.seed);
            std::vector<FeatureStatistics> stats;
            for (int k = 0; k < 2; ++k) {
                IndexList rows;
                std::map<int, int> taken;
                for (const int64_t row : splits[size_t(k)].train)
                    if (images == 0 || taken[data_.train.labels[size_t(row)]]++ < images)
                        rows.push_back(row);
                // The cap leaves rows out: the environment's statistics differ.
                QVERIFY(images == 0 || rows.size() <= size_t(images * kFashionClasses));
                QVERIFY(images == 0 || rows.size() < splits[size_t(k)].train.size());
                const WeightSet described =
                    local ? load_state_dict(models + model_file_name(round, k + 1)) : plain;
                stats.push_back(
                    rank > 0 ? head_input_statistics(c.model, described, rows_of(data_.train, rows), rank, 1)
                             : penultimate_statistics(c.model, described, rows_of(data_.train, rows), 1));
            }
            CalibrationOptions options;
            options.seed = calibration_seed(c.seed, round);
            options.layers = rank > 0 ? 2 : 1;
            const WeightSet want = calibrate_classifier(plain, {&stats[0], &stats[1]}, options);
            for (const char* name : {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"}) {
                const double d = largest_difference(tensor(want, name), tensor(calibrated, name));
                QVERIFY2(d < 1e-6, qPrintable(QString("round %1 %2: %3").arg(round).arg(name).arg(d)));
            }
            // Every environment sent its statistics: counts, means and
            // covariances of 128 features for each class it holds; the
            // merged model's took the model down too (a third model-sized
            // payload beside the local model up and the copy back).
            // With two layers: a mean and `rank` columns of fc1's inputs.
            const int64_t columns = images > 0 ? std::min(rank, images - 1) : rank;
            const int64_t least = rank > 0 ? stats[0].dim * columns * 8 : 128 * 128 * 8;
            for (const auto& e : run.rounds[size_t(round - 1)].envs) {
                QVERIFY2(e.sent_statistics_bytes > least,
                         qPrintable(QString::number(e.sent_statistics_bytes)));
                QCOMPARE(e.received_weight_bytes, (local ? 1 : 2) * e.sent_weight_bytes);
            }
        }
        // The plain lane trains as it would without the step: only the
        // calibrated model differs, and it is not copied back.
        ExperimentConfig plain = small_config("avg");
        const RunResult without = run_experiment(plain, data_)[0];
        for (size_t r = 0; r < 2; ++r) {
            QCOMPARE(run.rounds[r].method("avg")->test_acc, without.rounds[r].method("avg")->test_acc);
            QCOMPARE(run.rounds[r].envs[1].val_acc, without.rounds[r].envs[1].val_acc);
            QCOMPARE(without.rounds[r].envs[0].sent_statistics_bytes, int64_t(0));
        }
    }

    // An environment takes a run's statistics from one set of images; lanes
    // are runs of their own.
    void calibratedStrategiesOfOneRunAgreeOnTheirImages() {
        ExperimentConfig c = small_config("avg@ccvr:images=5");
        c.compare = {"avg@ccvr:images=5", "max@ccvr"};
        try {
            validate(c);
            QFAIL("accepted");
        } catch (const UsageError& e) {
            QVERIFY2(QString(e.what()).contains("max@ccvr' from 500 images per class and another strategy "
                                                "from 5"),
                     e.what());
        }
        QCOMPARE(statistics_kind(c).images, 5);
        // ... and at one layer, of one rank.
        for (const auto& [primary, other] : std::vector<std::pair<std::string, std::string>>{
                 {"avg@ccvr:images=5", "max@ccvr:images=5,layers=2"},
                 {"avg@ccvr:images=5,layers=2", "max@ccvr:images=5,layers=2,rank=8"}}) {
            c.method = primary;
            c.compare = {primary, other};
            QVERIFY_THROWS_EXCEPTION(UsageError, validate(c));
        }
        c.method = "avg@ccvr:images=5,layers=2,rank=8";
        c.compare = {c.method, "max@ccvr:images=5,layers=2,rank=8"};
        validate(c);
        QCOMPARE(statistics_kind(c).layers, 2);
        QCOMPARE(statistics_kind(c).rank, 8);
        c.method = "avg@ccvr:images=5";
        c.compare = {"avg@ccvr:images=5", "max@ccvr:images=5", "avg"};
        validate(c);
        c.mode = Mode::Lanes;
        c.lanes = {"avg@ccvr:images=5", "max@ccvr"};
        validate(c);
        QCOMPARE(statistics_kind(small_config("avg")).images, 0);
        QCOMPARE(statistics_kind(small_config("avg@ccvr")).images, kCalibrationImages);
    }

    void copyBackSendsTheCalibratedModelOn() {
        const RunResult plain = run_experiment(small_config("avg"), data_)[0];
        const RunResult copied = run_experiment(small_config("avg@ccvr:copy=1"), data_)[0];
        QVERIFY(evaluated_methods(copied.config) == std::vector<std::string>{"avg@ccvr:copy=1"});
        // Round 1 trains from the same start; round 2 from another model.
        QCOMPARE(copied.rounds[0].envs[0].val_acc, plain.rounds[0].envs[0].val_acc);
        QVERIFY(copied.rounds[1].envs[0].train_loss != plain.rounds[1].envs[0].train_loss);
    }

    void statisticsOnlyInTheRoundsThatCalibrate() {
        const RunResult every = run_experiment(small_config("avg@ccvr:every=2", 3), data_)[0];
        const RunResult end = run_experiment(small_config("avg@ccvr:end=1", 3), data_)[0];
        // every=2: rounds 2 and 3 (the last); end=1: round 3 only.
        const std::vector<bool> want_every{false, true, true}, want_end{false, false, true};
        for (size_t r = 0; r < 3; ++r) {
            for (int k = 0; k < 2; ++k) {
                QCOMPARE(every.rounds[r].envs[size_t(k)].sent_statistics_bytes > 0, bool(want_every[r]));
                QCOMPARE(end.rounds[r].envs[size_t(k)].sent_statistics_bytes > 0, bool(want_end[r]));
            }
            // A round without the step evaluates the plain merge under both names.
            if (!want_every[r])
                QCOMPARE(every.rounds[r].method("avg@ccvr:every=2")->test_acc,
                         every.rounds[r].method("avg")->test_acc);
        }
    }

    void bytesAreRecordedAndReadBack() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        ExperimentConfig c = small_config("avg+scaffold@ccvr");
        c.out_dir = dir.path().toStdString();
        const RunResult run = run_experiment(c, data_)[0];
        const WeightSet model = load_state_dict(c.out_dir + "/models/" + model_file_name(2, 1));
        int64_t floats = 0;
        for (const auto& t : model)
            floats += t.numel();
        for (const auto& r : run.rounds)
            for (const auto& e : r.envs) {
                // SCAFFOLD: the model and the control-variate change go up;
                // the server's control variate, the merged model to describe
                // and the model copied back come down.
                QVERIFY(e.sent_weight_bytes > 2 * 4 * floats);
                QVERIFY(e.sent_weight_bytes < 2 * 4 * floats + 4096);
                QCOMPARE(2 * e.received_weight_bytes, 3 * e.sent_weight_bytes);
                QVERIFY(e.sent_statistics_bytes > 0);
            }
        const RunResult back = load_runs(c.out_dir)[0];
        for (size_t r = 0; r < run.rounds.size(); ++r)
            for (size_t k = 0; k < 2; ++k) {
                const auto &a = run.rounds[r].envs[k], &b = back.rounds[r].envs[k];
                QCOMPARE(b.sent_weight_bytes, a.sent_weight_bytes);
                QCOMPARE(b.sent_statistics_bytes, a.sent_statistics_bytes);
                QCOMPARE(b.received_weight_bytes, a.received_weight_bytes);
            }
        // A run file from before bytes were counted still opens, with none.
        QJsonObject j = QJsonDocument::fromJson(QByteArray::fromStdString(run_to_json(run))).object();
        QJsonArray rounds = j["rounds"].toArray();
        for (int r = 0; r < rounds.size(); ++r) {
            QJsonObject round = rounds[r].toObject();
            QJsonArray envs = round["envs"].toArray();
            for (int k = 0; k < envs.size(); ++k) {
                QJsonObject e = envs[k].toObject();
                e.remove("bytes");
                envs[k] = e;
            }
            round["envs"] = envs;
            rounds[r] = round;
        }
        j["rounds"] = rounds;
        const RunResult old = run_from_json(QJsonDocument(j).toJson().toStdString(), "old run.json");
        QCOMPARE(old.rounds[1].envs[1].sent_weight_bytes, int64_t(0));
        QCOMPARE(old.rounds[1].envs[1].val_acc, run.rounds[1].envs[1].val_acc);
    }
};

MERGELAB_TEST_GUILESS(test_calibration_runs, TestCalibrationRuns)
} // namespace test_calibration_runs

#include "test_calibration_runs.moc"
