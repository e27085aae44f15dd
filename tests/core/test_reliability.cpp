// Faults and interruptions: bad run files, divergence, cancels at every
// phase, killed writers, and a long soak. Nothing may crash or lose a
// finished round.
#include <QtTest>

#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <fstream>
#include <limits>

#include <unistd.h>

#include "mergelab/error.h"
#include "mergelab/experiment.h"
#include "mergelab/files.h"
#include "mergelab/model.h"
#include "mergelab/run_files.h"
#include "mergelab/state_dict.h"
#include "support/process.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_reliability {

using namespace mergelab;

namespace {

FashionMnist tiny_data(int train_per_class = 20) {
    return testing::synthetic_fashion_mnist(train_per_class, 5);
}

ExperimentConfig tiny_config() {
    return testing::small_config(2);
}

void expect_error(const std::string& path, const QStringList& words) {
    try {
        load_runs(path);
        QFAIL(qPrintable("accepted " + QString::fromStdString(path)));
    } catch (const Error& e) {
        const QString message = e.what();
        for (const auto& w : words)
            QVERIFY2(message.contains(w), qPrintable(message + " lacks " + w));
    }
}

} // namespace

class TestReliability : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::string good_json_;

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        auto c = tiny_config();
        c.rounds = 1;
        const auto run = run_experiment(c, tiny_data())[0];
        good_json_ = run_to_json(run, 1);
    }

    void badRunFilesAreRefusedNamingFileAndField_data() {
        QTest::addColumn<QString>("edit");
        QTest::addColumn<QStringList>("words");
        QTest::newRow("malformed") << "cut" << QStringList{"run.json", "not valid JSON"};
        QTest::newRow("not an object") << "[1,2]" << QStringList{"run.json", "not a MergeLab run"};
        QTest::newRow("newer version") << "version" << QStringList{"run.json", "newer", "version 99"};
        QTest::newRow("missing field") << "drop:rounds" << QStringList{"run.json", "'rounds'", "missing"};
        QTest::newRow("wrong type") << "type:config.rounds"
                                    << QStringList{"run.json", "config.rounds", "whole number"};
        QTest::newRow("wrong accuracy type")
            << "type:rounds.acc" << QStringList{"run.json", "test_acc", "number"};
        QTest::newRow("negative count") << "negative" << QStringList{"run.json", "confusion", "count"};
    }
    void badRunFilesAreRefusedNamingFileAndField() {
        QFETCH(QString, edit);
        QFETCH(QStringList, words);
        std::string text = good_json_;
        auto replace_first = [&](const std::string& from, const std::string& to) {
            const auto at = text.find(from);
            QVERIFY2(at != std::string::npos, from.c_str());
            text.replace(at, from.size(), to);
        };
        if (edit == "cut")
            text = text.substr(0, text.size() / 2);
        else if (edit == "[1,2]")
            text = "[1,2]";
        else if (edit == "version")
            replace_first("\"version\": " + std::to_string(kRunFormatVersion), "\"version\": 99");
        else if (edit == "drop:rounds")
            replace_first("\"rounds\": [", "\"rounds_gone\": [");
        else if (edit == "type:config.rounds")
            replace_first("\"rounds\": 1,", "\"rounds\": \"one\",");
        else if (edit == "type:rounds.acc")
            replace_first("\"test_acc\": ", "\"test_acc\": \"high\", \"x\": ");
        else if (edit == "negative") {
            const auto at = text.find("\"confusion\": [");
            const auto digit = text.find_first_of("0123456789", at + 14);
            text.insert(digit, "-");
        }
        QTemporaryDir run;
        write_file_atomically(run.filePath("run.json").toStdString(), text);
        expect_error(run.path().toStdString(), words);
    }

    void lanePathsCannotLeaveTheRunDirectory() {
        QTemporaryDir run;
        write_file_atomically(run.filePath("lanes.json").toStdString(),
                              R"({"format":"mergelab-run","version":1,"lanes":[{"method":"../../etc"}]})");
        expect_error(run.path().toStdString(), {"lanes.json", "../../etc"});
    }

    // Cross-entropy on bounded inputs does not blow up by itself within the
    // accepted learning rates, so the test starts from a saved model whose
    // output bias is already infinite: the first batch's loss is not finite.
    void divergenceStopsInTheBatchWhereItHappens() {
        QTemporaryDir out;
        WeightSet broken = initial_weights("cnn", 1);
        broken.back().values.assign(broken.back().values.size(), std::numeric_limits<float>::infinity());
        save_state_dict(out.filePath("broken.pt").toStdString(), broken);
        auto c = tiny_config();
        c.init_from = out.filePath("broken.pt").toStdString();
        c.out_dir = out.filePath("run").toStdString();
        struct Watch : ExperimentObserver {
            int batches = 0;
            void batch_progress(const BatchProgress&) override { ++batches; }
        } watch;
        const auto run = run_experiment(c, tiny_data(), &watch)[0];
        QCOMPARE(std::string(name_of(run.stopped)), std::string("diverged"));
        QVERIFY2(QString::fromStdString(run.message).contains("round 1") &&
                     QString::fromStdString(run.message).contains("batch 1"),
                 run.message.c_str());
        QCOMPARE(watch.batches, 0); // caught before the step was taken or reported
        QCOMPARE(std::string(name_of(load_runs(c.out_dir)[0].stopped)), std::string("diverged"));
    }

    // A run that diverges after finishing rounds keeps them: rounds are
    // saved as they finish, whatever stops the run later.
    void finishedRoundsSurviveALaterDivergence() {
        QTemporaryDir out;
        auto c = tiny_config();
        c.rounds = 2;
        c.out_dir = out.path().toStdString();
        const auto first = run_experiment(c, tiny_data())[0];
        QCOMPARE(first.rounds.size(), size_t(2));
        // Continue from the saved merged model with its bias made infinite.
        WeightSet merged = load_state_dict(out.filePath("models/round-002-avg.pt").toStdString());
        merged.back().values[0] = std::numeric_limits<float>::infinity();
        save_state_dict(out.filePath("broken.pt").toStdString(), merged);
        c.init_from = out.filePath("broken.pt").toStdString();
        c.out_dir = out.filePath("continued").toStdString();
        QCOMPARE(std::string(name_of(run_experiment(c, tiny_data())[0].stopped)), std::string("diverged"));
        const auto saved = load_runs(out.path().toStdString())[0];
        QCOMPARE(saved.rounds.size(), size_t(2));
        QCOMPARE(std::string(name_of(saved.stopped)), std::string("max_rounds"));
    }

    // Cancels at a random batch or phase, many times over: every run ends
    // cancelled (or finished), with valid files, never a crash or a hang.
    void hundredCancelsAtEveryPhase() {
        const FashionMnist data = tiny_data(8);
        QRandomGenerator rng(42);
        const Phase phases[] = {Phase::Training, Phase::Merging, Phase::Evaluating, Phase::CopyingBack,
                                Phase::Saving};
        int cancelled = 0;
        for (int i = 0; i < 100; ++i) {
            QTemporaryDir out;
            auto c = tiny_config();
            c.rounds = 2;
            c.baseline = i % 3 == 0;
            c.threads = 1 + i % 2;
            c.out_dir = out.path().toStdString();
            RunControl control;
            struct Canceller : ExperimentObserver {
                RunControl* control;
                Phase at;
                int round;
                void phase_changed(const PhaseChanged& p) override {
                    if (p.phase == at && p.round == round)
                        control->cancel();
                }
            } canceller;
            canceller.control = &control;
            canceller.at = phases[rng.bounded(5)];
            canceller.round = 1 + int(rng.bounded(2));
            const auto run = run_experiment(c, data, &canceller, &control)[0];
            QVERIFY2(run.stopped == StopReason::Cancelled || run.stopped == StopReason::MaxRounds,
                     name_of(run.stopped));
            cancelled += run.stopped == StopReason::Cancelled;
            const auto saved = load_runs(out.path().toStdString())[0];
            QCOMPARE(saved.rounds.size(), run.rounds.size());
            QVERIFY(saved.stopped == run.stopped);
        }
        QVERIFY(cancelled >= 60);
    }

    // A writer killed at random moments leaves a run that opens, with every
    // round it had finished.
    void killedWriterLeavesARunThatOpens() {
        QTemporaryDir data;
        testing::SyntheticSpec spec;
        spec.train_per_class = 30;
        spec.test_per_class = 5;
        testing::write_synthetic_fashion_mnist(data.filePath("d").toStdString(), spec);
        QRandomGenerator rng(7);
        int opened_with_rounds = 0;
        for (int i = 0; i < 8; ++i) {
            QTemporaryDir out;
            QProcess p;
            p.start(qEnvironmentVariable("MERGELAB_CLI"),
                    {"--log-level", "off", "run", "--data", data.filePath("d"), "--rounds", "50", "--threads",
                     "1", "--batch", "16", "--save-all", "--out", out.path()});
            QVERIFY(p.waitForStarted());
            // Once the first round is written, at a random moment of the
            // rounds that follow: the kill lands in training, in the merge
            // or in a write. The second or so of loading libraries before
            // the first round is no moment worth waiting through.
            for (int waited = 0; waited < 20000 && !QFile::exists(out.filePath("run.json")); waited += 10)
                QTest::qWait(10);
            QTest::qWait(int(rng.bounded(1000)));
            p.kill();
            p.waitForFinished();
            if (!QFile::exists(out.filePath("run.json")))
                continue; // killed before the first round ended
            const auto run = load_runs(out.path().toStdString())[0];
            QCOMPARE(std::string(name_of(run.stopped)), std::string("running"));
            opened_with_rounds += !run.rounds.empty();
            for (const auto& r : run.rounds)
                QVERIFY(QFile::exists(
                    out.filePath(QString::fromStdString("models/" + model_file_name(r.round, "avg")))));
        }
        QVERIFY(opened_with_rounds >= 4);
    }
};

MERGELAB_TEST_GUILESS(test_reliability, TestReliability)
} // namespace test_reliability

#include "test_reliability.moc"
