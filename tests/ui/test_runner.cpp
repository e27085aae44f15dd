// The runner: start, pause, step, stop and failures, observed through its
// queued signals.
#include <QtTest>

#include <QSignalSpy>
#include <QTemporaryDir>

#include <csignal>
#include <map>
#include <set>
#include <tuple>

#include "environments_mode.h"

#include "experiment_runner.h"
#include "loss_chart.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_runner {

using namespace mergelab;
using namespace mergelab::ui;

class TestRunner : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    ExperimentConfig config(int rounds = 2) const {
        return testing::small_config(rounds, dir_.filePath("data").toStdString());
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        testing::SyntheticSpec spec;
        spec.train_per_class = 40;
        spec.test_per_class = 10;
        testing::write_synthetic_fashion_mnist(dir_.filePath("data").toStdString(), spec);
    }

    void runsToTheEndAndRelaysEveryEvent() {
        ExperimentRunner runner;
        QSignalSpy started(&runner, &ExperimentRunner::runStarted);
        QSignalSpy batches(&runner, &ExperimentRunner::batchProgress);
        QSignalSpy rounds(&runner, &ExperimentRunner::roundFinished);
        QSignalSpy merges(&runner, &ExperimentRunner::mergeFinished);
        QSignalSpy done(&runner, &ExperimentRunner::runFinished);
        QSignalSpy finished(&runner, &ExperimentRunner::finished);
        QSignalSpy loaded(&runner, &ExperimentRunner::dataLoaded);
        runner.start(config(2));
        QVERIFY(runner.isRunning());
        QVERIFY(finished.wait(60000));
        QCOMPARE(started.count(), 1);
        QCOMPARE(loaded.count(), 1);
        QCOMPARE(rounds.count(), 2);
        QCOMPARE(merges.count(), 6); // 3 methods x 2 rounds
        QVERIFY(batches.count() >= 2 * 2 * 10);
        QCOMPARE(done.count(), 1);
        const auto run = done.at(0).at(0).value<RunResult>();
        QCOMPARE(std::string(name_of(run.stopped)), std::string("max_rounds"));
        QCOMPARE(run.rounds.size(), size_t(2));
        QVERIFY(!runner.isRunning());
    }

    void stopEndsPromptlyAsCancelled() {
        ExperimentRunner runner;
        QSignalSpy batches(&runner, &ExperimentRunner::batchProgress);
        QSignalSpy done(&runner, &ExperimentRunner::runFinished);
        QSignalSpy finished(&runner, &ExperimentRunner::finished);
        runner.start(config(50));
        QVERIFY(batches.wait(30000));
        QElapsedTimer timer;
        timer.start();
        runner.stop();
        QVERIFY(finished.wait(5000));
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(done.count(), 1);
        QCOMPARE(std::string(name_of(done.at(0).at(0).value<RunResult>().stopped)), std::string("cancelled"));
    }

    void pauseHoldsAndResumeContinues() {
        ExperimentRunner runner;
        QSignalSpy batches(&runner, &ExperimentRunner::batchProgress);
        QSignalSpy paused(&runner, &ExperimentRunner::pausedChanged);
        QSignalSpy finished(&runner, &ExperimentRunner::finished);
        runner.start(config(2));
        QVERIFY(batches.wait(30000));
        runner.pause();
        QVERIFY(runner.isPaused());
        QCOMPARE(paused.count(), 1);
        QTest::qWait(300); // let batches already queued arrive
        const int held = batches.count();
        QTest::qWait(500);
        QCOMPARE(batches.count(), held); // nothing moves while paused
        runner.resume();
        QVERIFY(!runner.isPaused());
        QVERIFY(finished.wait(60000));
        QVERIFY(batches.count() > held);
    }

    void stepRunsOneRoundAtATime() {
        ExperimentRunner runner;
        QSignalSpy rounds(&runner, &ExperimentRunner::roundFinished);
        QSignalSpy finished(&runner, &ExperimentRunner::finished);
        runner.step(config(3));
        QVERIFY(rounds.wait(60000));
        QTRY_VERIFY_WITH_TIMEOUT(runner.isPaused(), 5000);
        QTest::qWait(300);
        QCOMPARE(rounds.count(), 1);
        runner.step(config(3));
        QVERIFY(rounds.wait(60000));
        QTRY_VERIFY_WITH_TIMEOUT(runner.isPaused(), 5000);
        QCOMPARE(rounds.count(), 2);
        runner.stop();
        QVERIFY(finished.wait(5000));
    }

    void badDataDirectoryFailsNamingIt() {
        ExperimentRunner runner;
        QSignalSpy failed(&runner, &ExperimentRunner::failed);
        QSignalSpy finished(&runner, &ExperimentRunner::finished);
        auto c = config();
        c.data_dir = dir_.filePath("nowhere").toStdString();
        runner.start(c);
        QVERIFY(finished.wait(10000));
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.at(0).at(0).toString().contains("nowhere"));
    }

    void destroyingTheRunnerMidRunStopsIt() {
        QElapsedTimer timer;
        {
            ExperimentRunner runner;
            QSignalSpy batches(&runner, &ExperimentRunner::batchProgress);
            runner.start(config(50));
            QVERIFY(batches.wait(30000));
            timer.start();
        }
        QVERIFY(timer.elapsed() < 2000);
    }

    // Environments as processes: every batch of every environment reaches
    // the window, numbered 1..batches in each epoch, as with threads.
    void everyBatchOfProcessEnvironmentsArrives() {
        ExperimentRunner runner;
        runner.setEnvironmentsMode(EnvironmentsMode::LocalProcesses);
        QSignalSpy batches(&runner, &ExperimentRunner::batchProgress);
        QSignalSpy finished(&runner, &ExperimentRunner::finished);
        QSignalSpy done(&runner, &ExperimentRunner::runFinished);
        // The loss chart draws what it is given: one point per batch.
        LossChart chart;
        connect(&runner, &ExperimentRunner::batchProgress, &chart, &LossChart::addBatch);
        // Enough batches that each environment sends its losses in several
        // messages (one about every quarter second).
        QTemporaryDir big;
        testing::SyntheticSpec spec;
        spec.train_per_class = 300;
        spec.test_per_class = 10;
        testing::write_synthetic_fashion_mnist(big.filePath("data").toStdString(), spec);
        ExperimentConfig c = testing::small_config(2, big.filePath("data").toStdString());
        c.batch_size = 8;
        runner.start(c);
        QVERIFY(finished.wait(300000));
        QCOMPARE(done.count(), 1);
        QCOMPARE(done.at(0).at(0).value<RunResult>().stopped, StopReason::MaxRounds);
        // (round, env, epoch) -> the batch numbers seen, and how many there are.
        std::map<std::tuple<int, int, int>, std::set<int64_t>> seen;
        std::map<std::tuple<int, int, int>, int64_t> total;
        for (const QList<QVariant>& args : batches) {
            const auto b = args.at(0).value<BatchProgress>();
            const auto key = std::make_tuple(b.round, b.env, b.epoch);
            seen[key].insert(b.batch);
            total[key] = b.batches;
        }
        QVERIFY(seen.size() >= size_t(2 * 2)); // two rounds, two environments
        int64_t lastRound = 0;
        for (const auto& [key, numbers] : seen)
            if (std::get<0>(key) == 2)
                lastRound += int64_t(numbers.size());
        QCOMPARE(int64_t(chart.pointCount()), lastRound);
        for (const auto& [key, numbers] : seen) {
            const auto [round, env, epoch] = key;
            QVERIFY2(total[key] > 1, "each epoch has batches to count");
            QVERIFY2(int64_t(numbers.size()) == total[key] && *numbers.begin() == 1 &&
                         *numbers.rbegin() == total[key],
                     qPrintable(QStringLiteral("round %1, env %2, epoch %3: %4 of %5 batches")
                                    .arg(round)
                                    .arg(env + 1)
                                    .arg(epoch)
                                    .arg(numbers.size())
                                    .arg(total[key])));
        }
    }

    // Environments as processes the app starts: one killed mid-run ends the
    // run as failed within 2 s, naming it.
    void killedEnvironmentProcessFailsTheRunNamingIt() {
        ExperimentRunner runner;
        runner.setEnvironmentsMode(EnvironmentsMode::LocalProcesses);
        QSignalSpy rounds(&runner, &ExperimentRunner::roundFinished);
        QSignalSpy done(&runner, &ExperimentRunner::runFinished);
        QSignalSpy finished(&runner, &ExperimentRunner::finished);
        runner.start(config(200));
        QVERIFY(rounds.wait(120000));
        const QString mine = QString::number(QCoreApplication::applicationPid());
        pid_t victim = 0;
        for (const QString& pid : QDir("/proc").entryList(QDir::Dirs)) {
            QFile cmdline("/proc/" + pid + "/cmdline"), stat("/proc/" + pid + "/stat");
            if (pid.toInt() <= 0 || !cmdline.open(QIODevice::ReadOnly) || !stat.open(QIODevice::ReadOnly))
                continue;
            const QByteArray cmd = cmdline.readAll().replace('\0', ' ');
            const QStringList fields =
                QString::fromUtf8(stat.readAll()).section(')', 1).split(' ', Qt::SkipEmptyParts);
            if (cmd.contains(" env ") && cmd.contains("--rank 2") && fields.size() > 1 && fields[1] == mine)
                victim = pid_t(pid.toInt());
        }
        QVERIFY2(victim > 0, "the app started environment 2 as a process");
        QElapsedTimer t;
        t.start();
        ::kill(victim, SIGKILL);
        QVERIFY(done.count() > 0 || done.wait(10000));
        QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
        const auto run = done.at(0).at(0).value<RunResult>();
        QCOMPARE(run.stopped, StopReason::Failed);
        QVERIFY2(QString::fromStdString(run.message).contains("environment 2"), run.message.c_str());
        QVERIFY(finished.count() > 0 || finished.wait(10000));
    }
};

MERGELAB_TEST_WIDGETS(test_runner, TestRunner)
} // namespace test_runner

#include "test_runner.moc"
