// Distributed runs as users start them: `mergelab-cli coordinate` and
// `mergelab-cli env` processes on 127.0.0.1, on ports the test finds free.
// The same run files as `run` (one round pipeline carries both), faults
// named, --min-envs, TLS with a pinned fingerprint, no process left behind,
// and --resume.
#include <QtTest>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include "mergelab/run_files.h"
#include "support/image_files.h"
#include "support/process.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_distributed {

using namespace mergelab;
using namespace mergelab::testing;

namespace {

// Processes whose command line holds `needle` (a port is unique enough).
QStringList processes_with(const QString& needle) {
    QStringList found;
    for (const QString& pid : QDir("/proc").entryList(QDir::Dirs)) {
        if (pid.toInt() <= 0)
            continue;
        QFile f("/proc/" + pid + "/cmdline");
        if (!f.open(QIODevice::ReadOnly))
            continue;
        QByteArray cmd = f.readAll();
        cmd.replace('\0', ' ');
        if (cmd.contains(needle.toUtf8()) && !cmd.contains("test_distributed"))
            found << pid + ": " + cmd;
    }
    return found;
}

// The metrics of each round without its duration, which differs run to run.
QStringList metrics_without_seconds(const QString& dir) {
    QFile f(dir + "/metrics.csv");
    if (!f.open(QIODevice::ReadOnly))
        return {"cannot read " + f.fileName()};
    QStringList rows;
    for (const QString& line : QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts))
        rows << line.section(',', 0, -2);
    return rows;
}

// run.json without what differs from run to run (durations) and with its
// keys in one order.
QJsonObject without_timings(QJsonObject run) {
    // Where each side read its data from differs by design.
    QJsonObject config = run["config"].toObject();
    config.remove("data");
    run["config"] = config;
    QJsonArray rounds = run["rounds"].toArray();
    for (int i = 0; i < rounds.size(); ++i) {
        QJsonObject r = rounds[i].toObject();
        r.remove("seconds");
        r.remove("training_seconds");
        QJsonArray envs = r["envs"].toArray();
        for (int k = 0; k < envs.size(); ++k) {
            QJsonObject e = envs[k].toObject();
            e.remove("train_seconds");
            envs[k] = e;
        }
        r["envs"] = envs;
        rounds[i] = r;
    }
    run["rounds"] = rounds;
    return run;
}

QString run_json_without_timings(const QString& dir) {
    QFile f(dir + "/run.json");
    if (!f.open(QIODevice::ReadOnly))
        return "cannot read " + f.fileName();
    QJsonObject run = QJsonDocument::fromJson(f.readAll()).object();
    // A strategy's file of repeats: each seed's run.
    if (run.contains("repeats")) {
        QJsonArray repeats = run["repeats"].toArray();
        for (int i = 0; i < repeats.size(); ++i)
            repeats[i] = without_timings(repeats[i].toObject());
        run["repeats"] = repeats;
        return QString::fromUtf8(QJsonDocument(run).toJson());
    }
    return QString::fromUtf8(QJsonDocument(without_timings(run)).toJson());
}

// "" for a single run, else "/lanes/NAME" for each lane; with repeats
// also each seed's folder below those.
QStringList lane_folders(const QString& dir) {
    QStringList lanes = QDir(dir + "/lanes").entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QStringList out;
    if (lanes.isEmpty())
        out << "";
    for (const QString& l : lanes)
        out << "/lanes/" + l;
    for (const QString& folder : QStringList(out))
        for (const QString& seed : QDir(dir + folder).entryList({"seed-*"}, QDir::Dirs))
            out << folder + "/" + seed;
    return out;
}

} // namespace

class TestDistributed : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString test_data_, train_data_;
    std::vector<std::unique_ptr<QProcess>> procs_;

    QString path(const QString& name) const { return dir_.filePath(name); }

    QProcess* start(const QStringList& args) {
        procs_.push_back(std::make_unique<QProcess>());
        QProcess* p = procs_.back().get();
        p->start(cli_program(), args);
        p->waitForStarted(10000);
        return p;
    }
    QProcess* coordinator(int port, const QStringList& settings, const QString& out, int timeout = 20,
                          const QString& data = {}) {
        return start(QStringList{"coordinate", "--listen", "127.0.0.1:" + QString::number(port), "--token",
                                 "t0ken", "--timeout", QString::number(timeout), "--data",
                                 data.isEmpty() ? test_data_ : data, "--out", out, "--threads", "2"} +
                     settings);
    }
    QProcess* env(int port, int rank, const QString& token = "t0ken", int timeout = 20,
                  const QStringList& more = {}, const QString& data = {}) {
        const QStringList who =
            rank > 0 ? QStringList{"--rank", QString::number(rank)} : QStringList{"--central"};
        return start(QStringList{"env", "--connect", "127.0.0.1:" + QString::number(port), "--token", token,
                                 "--data", data.isEmpty() ? train_data_ : data, "--threads", "1", "--timeout",
                                 QString::number(timeout)} +
                     who + more);
    }
    // A distributed run of `settings` with `envs` environment processes (and
    // the baseline participant when asked for); returns the coordinator's
    // standard error.
    QString distributed(const QStringList& settings, const QString& out, int envs, bool central = false) {
        const int port = free_port();
        QProcess* c = coordinator(port, settings, out);
        std::vector<QProcess*> es;
        for (int k = 1; k <= envs; ++k)
            es.push_back(env(port, k));
        if (central)
            es.push_back(env(port, 0));
        const bool ok = c->waitForFinished(240000) && c->exitCode() == 0;
        const QString said = err(c);
        if (!ok)
            return "FAILED: " + said;
        for (QProcess* e : es)
            if (!e->waitForFinished(20000) || e->exitCode() != 0)
                return "FAILED environment: " + err(e);
        return said;
    }
    static QString err(QProcess* p) { return QString::fromUtf8(p->readAllStandardError()); }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        // Decoded image folders are cached here, not in the user's home.
        qputenv("XDG_CACHE_HOME", path("cache").toUtf8());
        // The coordinator's folder holds only the test files, the
        // environments' only the training files.
        const QString all = path("all");
        write_synthetic_fashion_mnist(all.toStdString(), {120, 30, 7, true});
        test_data_ = path("test-only");
        train_data_ = path("train-only");
        QDir().mkpath(test_data_);
        QDir().mkpath(train_data_);
        for (const QString& f : QDir(all).entryList(QDir::Files))
            QVERIFY(QFile::copy(all + "/" + f, (f.startsWith("t10k") ? test_data_ : train_data_) + "/" + f));
    }

    void cleanup() {
        for (auto& p : procs_) {
            if (p->state() != QProcess::NotRunning)
                p->kill(), p->waitForFinished(5000);
        }
        procs_.clear();
    }

    // One loop, the same run in both modes: the whole run.json (every field
    // but timings) and metrics.csv of an in-process run equal those of a run
    // with environment processes.
    void sameRunFilesAsInProcess_data() {
        QTest::addColumn<QStringList>("settings");
        QTest::addColumn<bool>("central");
        const QStringList common{"--envs", "2", "--rounds", "2", "--batch", "16", "--seed", "3"};
        const QStringList compare{"--compare", "avg,max,absmax", "--save-all", "--align"};
        QTest::newRow("V") << QStringList{"--split", "V"} + common + compare << false;
        QTest::newRow("H") << QStringList{"--split", "H"} + common + compare << false;
        QTest::newRow("lanes") << QStringList{"--split",     "H",
                                              "--lanes",     "avg+fedprox:mu=0.01,avg+scaffold",
                                              "--optimizer", "sgd",
                                              "--lr",        "0.05"} +
                                      common
                               << false;
        QTest::newRow("baseline") << QStringList{"--split", "V", "--baseline"} + common << true;
        // A calibration after the merge: statistics travel, and the bytes of
        // every round equal an in-process run's.
        QTest::newRow("ccvr")
            << QStringList{"--split", "H", "--lanes",
                           "avg@ccvr,avg+fedprox:mu=0.01@ccvr:copy=1,every=2,avg@ccvr:local=1"} +
                   common
            << false;
        // fc1 and fc2 calibrated: fc1's inputs in the low-rank form travel.
        QTest::newRow("ccvr, two layers")
            << QStringList{"--split", "H", "--lanes",
                           "avg@ccvr:layers=2,rank=4,copy=1,avg@ccvr:layers=2,local=1"} +
                   common
            << false;
        // Virtual images: the images' moments go up and the Gaussians of
        // the missing classes down once, before round 1.
        QTest::newRow("vimages") << QStringList{"--split", "H", "--lanes",
                                                "avg+vimages,avg+vimages:weight=0.5@ccvr"} +
                                        common
                                 << false;
        // The seed loop lives in the shared pipeline: processes get each seed's settings.
        QTest::newRow("repeats") << QStringList{"--split", "H", "--lanes", "avg,max", "--repeats", "2"} +
                                        common
                                 << false;
    }
    void sameRunFilesAsInProcess() {
        QFETCH(QStringList, settings);
        QFETCH(bool, central);
        const QString name = QTest::currentDataTag();
        const QString said = distributed(settings, path("dist-" + name), 2, central);
        QVERIFY2(!said.startsWith("FAILED"), qPrintable(said));
        // Two environments on two threads: one thread each, as in the env processes.
        const auto r = run_cli(
            QStringList{"run", "--data", path("all"), "--threads", "2", "--out", path("run-" + name)} +
            settings);
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const QStringList folders = lane_folders(path("run-" + name));
        if (settings.contains("--repeats"))
            QCOMPARE(folders.size(), 2 + 2 * 2);
        for (const QString& lane : folders) {
            QCOMPARE(metrics_without_seconds(path("dist-" + name) + lane),
                     metrics_without_seconds(path("run-" + name) + lane));
            QCOMPARE(run_json_without_timings(path("dist-" + name) + lane),
                     run_json_without_timings(path("run-" + name) + lane));
        }
        if (settings.contains("--save-all"))
            QVERIFY(QFile::exists(path("dist-" + name) + "/models/round-000-init.pt"));
    }

    void killedEnvironmentFailsTheRunNamingIt() {
        const int port = free_port();
        const QString out = path("killed");
        QProcess* c = coordinator(port, {"--envs", "2", "--rounds", "200", "--local-epochs", "3"}, out, 5);
        QProcess* e1 = env(port, 1);
        QProcess* e2 = env(port, 2);
        QVERIFY(wait_for([&] { return QFile::exists(out + "/metrics.csv"); }, 60000));
        ::kill(pid_t(e2->processId()), SIGKILL);
        QElapsedTimer t;
        t.start();
        QVERIFY(c->waitForFinished(20000));
        QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
        const QString text = err(c);
        QCOMPARE(c->exitCode(), 1);
        QVERIFY2(text.contains("environment 2"), qPrintable(text));
        const auto runs = load_runs(out.toStdString()); // the folder opens
        QCOMPARE(runs.front().stopped, StopReason::Failed);
        QVERIFY(QString::fromStdString(runs.front().message).contains("environment 2"));
        QVERIFY(!runs.front().rounds.empty());
        QVERIFY(e1->waitForFinished(15000));
        QCOMPARE(e1->exitCode(), 1);
    }

    void wrongTokenIsRefusedOnBothSides() {
        const int port = free_port();
        QProcess* c = coordinator(port, {"--envs", "2"}, path("token"));
        QProcess* e = env(port, 1, "not-the-token");
        QVERIFY(e->waitForFinished(20000));
        QCOMPARE(e->exitCode(), 1);
        const QString said = err(e);
        QVERIFY2(said.contains("wrong or missing join token"), qPrintable(said));
        ::kill(pid_t(c->processId()), SIGINT);
        QVERIFY(c->waitForFinished(20000));
        const QString by_c = err(c);
        QVERIFY2(by_c.contains("wrong or no join token"), qPrintable(by_c));
        QVERIFY2(!by_c.contains("not-the-token"), "a wrong token is not logged");
    }

    // Each process reads its own image folder, and a label means the same
    // class only where the class folders are named alike: an environment
    // whose folders name other classes is refused before round 1, named on
    // both sides; one with the coordinator's classes then completes the run.
    void classNamesMustAgreeAcrossProcesses() {
        const FashionMnist synthetic = testing::synthetic_fashion_mnist(12, 4);
        const QString mine = path("pictures"), other = path("other-pictures");
        for (const QString& part : {QString("train"), QString("test")}) {
            const Dataset& d = part == "train" ? synthetic.train : synthetic.test;
            testing::write_image_folder((mine + "/" + part).toStdString(), d, "c");
            testing::write_image_folder((other + "/" + part).toStdString(), d, "k");
        }
        const int port = free_port();
        const QString out = path("class-names");
        QProcess* c = coordinator(port, {"--envs", "2", "--rounds", "1", "--batch", "16", "--seed", "3"}, out,
                                  20, mine);
        QProcess* e1 = env(port, 1, "t0ken", 20, {}, mine);
        QProcess* wrong = env(port, 2, "t0ken", 20, {}, other);
        QVERIFY(wrong->waitForFinished(30000));
        const QString said = err(wrong);
        QCOMPARE(wrong->exitCode(), 1);
        QVERIFY2(said.contains("environment 2's data holds classes k0, k1") &&
                     said.contains("this run's test data holds classes c0, c1"),
                 qPrintable(said));
        QCOMPARE(c->state(), QProcess::Running);
        QProcess* right = env(port, 2, "t0ken", 20, {}, mine);
        const bool ended = c->waitForFinished(120000);
        const QString by_c = err(c); // read once: reading takes it
        QVERIFY2(ended, qPrintable(by_c));
        QVERIFY2(c->exitCode() == 0, qPrintable(by_c));
        QVERIFY2(by_c.contains("environment 2's data holds classes k0"), qPrintable(by_c));
        QVERIFY(e1->waitForFinished(20000) && right->waitForFinished(20000));
        const auto runs = load_runs(out.toStdString());
        QCOMPARE(int(runs.front().rounds.size()), 1);
        QCOMPARE(runs.front().rounds.front().merged_envs, (std::vector<int>{0, 1}));
    }

    void duplicateRankIsRefusedOnBothSides() {
        const int port = free_port();
        QProcess* c = coordinator(port, {"--envs", "2"}, path("duplicate"));
        QProcess* first = env(port, 1);
        // The second must come after the first was admitted, not race it.
        QString said_by_c;
        QVERIFY(wait_for([&] { return (said_by_c += err(c)).contains("environment 1 joined"); }, 20000));
        QProcess* second = env(port, 1);
        const bool ended = second->waitForFinished(20000);
        const QString said = err(second);
        QVERIFY2(ended, qPrintable(said));
        QCOMPARE(second->exitCode(), 1);
        QVERIFY2(said.contains("environment 1 is already connected"), qPrintable(said));
        ::kill(pid_t(c->processId()), SIGINT);
        QVERIFY(c->waitForFinished(20000));
        QVERIFY((said_by_c + err(c)).contains("environment 1 is already connected"));
        QVERIFY(first->state() == QProcess::NotRunning || first->waitForFinished(20000));
    }

    void noCoordinatorEndsTheEnvironmentWithinTheTimeout() {
        QElapsedTimer t;
        t.start();
        QProcess* e = env(free_port(), 1, "t0ken", 3);
        QVERIFY(e->waitForFinished(20000));
        QCOMPARE(e->exitCode(), 1);
        QVERIFY(t.elapsed() < 3000 + 5000);
        QVERIFY(err(e).contains("no coordinator answered"));
    }

    void ctrlCOnTheCoordinatorStopsEveryProcess() {
        const int port = free_port();
        const QString out = path("interrupted");
        QProcess* c = coordinator(port, {"--envs", "2", "--rounds", "200", "--local-epochs", "3"}, out);
        env(port, 1);
        env(port, 2);
        QVERIFY(wait_for([&] { return QFile::exists(out + "/metrics.csv"); }, 60000));
        ::kill(pid_t(c->processId()), SIGINT);
        QVERIFY(c->waitForFinished(20000));
        QCOMPARE(c->exitCode(), 130);
        const QString needle = "127.0.0.1:" + QString::number(port);
        for (auto& p : procs_)
            QVERIFY2(p->state() == QProcess::NotRunning || p->waitForFinished(20000), "every process exits");
        QVERIFY2(wait_for([&] { return processes_with(needle).isEmpty(); }, 5000),
                 qPrintable(processes_with(needle).join('\n')));
        QCOMPARE(load_runs(out.toStdString()).front().stopped, StopReason::Cancelled);
    }

    // A run stopped after 2 of 4 rounds and continued ends where an
    // uninterrupted one does; the first half may be distributed.
    void resumeEndsLikeAnUninterruptedRun() {
        const QStringList settings{"--envs", "2",         "--batch", "16",     "--seed",
                                   "5",      "--threads", "2",       "--data", path("all")};
        auto r = run_cli(QStringList{"run", "--rounds", "4", "--out", path("whole")} + settings);
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        r = run_cli(QStringList{"run", "--rounds", "2", "--out", path("halves")} + settings);
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        r = run_cli({"run", "--resume", path("halves"), "--rounds", "4"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QCOMPARE(metrics_without_seconds(path("halves")), metrics_without_seconds(path("whole")));

        const int port = free_port();
        QProcess* c = coordinator(port, {"--envs", "2", "--batch", "16", "--seed", "5", "--rounds", "2"},
                                  path("dist-halves"));
        env(port, 1);
        env(port, 2);
        QVERIFY2(c->waitForFinished(120000) && c->exitCode() == 0, qPrintable(err(c)));
        r = run_cli({"run", "--resume", path("dist-halves"), "--rounds", "4", "--data", path("all")});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QCOMPARE(metrics_without_seconds(path("dist-halves")), metrics_without_seconds(path("whole")));
    }

    // --min-envs 2 of 3: environment 3 killed in round 2; every round is
    // finished, and run.json says which environments each round merged.
    void minEnvsGoesOnWithoutAKilledEnvironment() {
        const int port = free_port();
        const QString out = path("min-envs");
        QProcess* c =
            coordinator(port, {"--envs", "3", "--rounds", "4", "--min-envs", "2", "--batch", "16"}, out, 10);
        env(port, 1);
        env(port, 2);
        QProcess* e3 = env(port, 3);
        QVERIFY(wait_for([&] { return QFile::exists(out + "/metrics.csv"); }, 60000));
        ::kill(pid_t(e3->processId()), SIGKILL);
        QVERIFY(c->waitForFinished(120000));
        const QString said = err(c);
        QVERIFY2(c->exitCode() == 0, qPrintable(said));
        QVERIFY2(said.contains("environment 3") && said.contains("goes on without it"), qPrintable(said));
        const auto run = load_runs(out.toStdString()).front();
        QCOMPARE(run.stopped, StopReason::MaxRounds);
        QCOMPARE(int(run.rounds.size()), 4);
        QCOMPARE(run.rounds.front().merged_envs, (std::vector<int>{0, 1, 2}));
        QCOMPARE(run.rounds.back().merged_envs, (std::vector<int>{0, 1}));
    }

    // TLS on the loopback address with --tls: the join line's fingerprint
    // lets an environment in; a wrong one, or none, does not.
    void tlsWithAPinnedFingerprint() {
        const int port = free_port();
        QProcess* c = coordinator(port, {"--envs", "2", "--rounds", "1", "--tls"}, path("tls"));
        QString said;
        QVERIFY(wait_for([&] { return (said += err(c)).contains("--fingerprint"); }, 20000));
        const QString fingerprint = said.section("--fingerprint ", 1).section('\n', 0, 0).trimmed();
        QCOMPARE(fingerprint.count(':'), 31);
        QString wrong = fingerprint;
        wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
        QProcess* bad = env(port, 1, "t0ken", 3, {"--fingerprint", wrong});
        QProcess* plain = env(port, 2, "t0ken", 3);
        QVERIFY(bad->waitForFinished(20000) && bad->exitCode() == 1);
        QVERIFY(plain->waitForFinished(20000) && plain->exitCode() == 1);
        QProcess* e1 = env(port, 1, "t0ken", 20, {"--fingerprint", fingerprint});
        QProcess* e2 = env(port, 2, "t0ken", 20, {"--fingerprint", fingerprint.toLower().remove(':')});
        QVERIFY2(c->waitForFinished(120000) && c->exitCode() == 0, qPrintable(err(c)));
        QVERIFY(e1->waitForFinished(20000) && e1->exitCode() == 0);
        QVERIFY(e2->waitForFinished(20000) && e2->exitCode() == 0);
    }

    // --listen 127.0.0.1:P listens there only: every listening socket on P
    // in /proc/net/tcp{,6} is bound to 127.0.0.1 (gRPC may hold it as the
    // IPv4-mapped ::ffff:127.0.0.1), none to a wildcard or another address.
    void listensOnlyOnTheGivenAddress() {
        const int port = free_port();
        QProcess* c = coordinator(port, {"--envs", "2"}, path("listen"));
        const QString hex = QString("%1").arg(port, 4, 16, QChar('0')).toUpper();
        QStringList listening;
        const bool found = wait_for(
            [&] {
                listening.clear();
                for (const QString& table : {QString("/proc/net/tcp"), QString("/proc/net/tcp6")}) {
                    QFile f(table);
                    if (!f.open(QIODevice::ReadOnly))
                        continue;
                    for (const QString& line : QString::fromUtf8(f.readAll()).split('\n')) {
                        const QStringList cols = line.simplified().split(' ');
                        if (cols.size() > 3 && cols[1].endsWith(":" + hex) && cols[3] == "0A")
                            listening << cols[1].section(':', 0, 0);
                    }
                }
                return !listening.isEmpty();
            },
            20000);
        QVERIFY2(found, qPrintable(err(c)));
        for (const QString& address : listening)
            QVERIFY2(address == "0100007F" || address == "0000000000000000FFFF00000100007F",
                     qPrintable(address));
        ::kill(pid_t(c->processId()), SIGINT);
        QVERIFY(c->waitForFinished(20000));
    }
};

MERGELAB_TEST_GUILESS(test_distributed, TestDistributed)
} // namespace test_distributed

#include "test_distributed.moc"
