// Distributed runs as users start them: `mergelab-cli coordinate` and
// `mergelab-cli env` processes on 127.0.0.1, on ports the test finds free.
// The same numbers as `run`, each fault the issue names, no process left
// behind, and --resume.
#include <QtTest>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include "mergelab/run_files.h"
#include "support/process.h"
#include "support/synthetic.h"

using namespace mergelab;
using namespace mergelab::testing;

namespace {

QString cli() { return qEnvironmentVariable("MERGELAB_CLI", "mergelab-cli"); }

// A port nobody listens on now: the kernel's choice for port 0.
int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

// Processes whose command line holds `needle` (a port is unique enough).
QStringList processes_with(const QString& needle) {
    QStringList found;
    for (const QString& pid : QDir("/proc").entryList(QDir::Dirs)) {
        if (pid.toInt() <= 0) continue;
        QFile f("/proc/" + pid + "/cmdline");
        if (!f.open(QIODevice::ReadOnly)) continue;
        QByteArray cmd = f.readAll();
        cmd.replace('\0', ' ');
        if (cmd.contains(needle.toUtf8()) && !cmd.contains("test_distributed")) found << pid + ": " + cmd;
    }
    return found;
}

// The metrics of each round without its duration, which differs run to run.
QStringList metrics_without_seconds(const QString& dir) {
    QFile f(dir + "/metrics.csv");
    if (!f.open(QIODevice::ReadOnly)) return {"cannot read " + f.fileName()};
    QStringList rows;
    for (const QString& line : QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts))
        rows << line.section(',', 0, -2);
    return rows;
}

bool wait_for(const std::function<bool()>& done, int ms) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > ms) return false;
        QTest::qWait(50);
    }
    return true;
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
        p->start(cli(), args);
        p->waitForStarted(10000);
        return p;
    }
    QProcess* coordinator(int port, const QStringList& settings, const QString& out, int timeout = 20) {
        return start(QStringList{"coordinate", "--listen", "127.0.0.1:" + QString::number(port), "--token", "t0ken",
                                 "--timeout", QString::number(timeout), "--data", test_data_, "--out", out,
                                 "--threads", "2"} +
                     settings);
    }
    QProcess* env(int port, int rank, const QString& token = "t0ken", int timeout = 20) {
        return start({"env", "--connect", "127.0.0.1:" + QString::number(port), "--rank", QString::number(rank),
                      "--token", token, "--data", train_data_, "--threads", "1", "--timeout",
                      QString::number(timeout)});
    }
    static QString err(QProcess* p) { return QString::fromUtf8(p->readAllStandardError()); }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
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
            if (p->state() != QProcess::NotRunning) p->kill(), p->waitForFinished(5000);
        }
        procs_.clear();
    }

    void sameNumbersAsRun_data() {
        QTest::addColumn<QStringList>("settings");
        const QStringList common{"--envs", "2", "--rounds", "2", "--compare", "avg,max,absmax", "--batch", "16",
                                 "--seed", "3"};
        QTest::newRow("V") << QStringList{"--split", "V"} + common;
        QTest::newRow("H") << QStringList{"--split", "H"} + common;
    }
    void sameNumbersAsRun() {
        QFETCH(QStringList, settings);
        const QString name = QTest::currentDataTag();
        const int port = free_port();
        QProcess* c = coordinator(port, settings, path("dist-" + name));
        QProcess* e1 = env(port, 1);
        QProcess* e2 = env(port, 2);
        QVERIFY2(c->waitForFinished(120000) && c->exitCode() == 0, qPrintable(err(c)));
        QVERIFY(e1->waitForFinished(20000) && e1->exitCode() == 0);
        QVERIFY(e2->waitForFinished(20000) && e2->exitCode() == 0);
        // Two environments on two threads: one thread each, as in the env processes.
        const auto r = run_cli(QStringList{"run", "--data", path("all"), "--threads", "2", "--out",
                                           path("run-" + name)} +
                               settings);
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QCOMPARE(metrics_without_seconds(path("dist-" + name)), metrics_without_seconds(path("run-" + name)));
        const auto a = load_runs(path("dist-" + name).toStdString()).front();
        const auto b = load_runs(path("run-" + name).toStdString()).front();
        for (size_t i = 0; i < a.rounds.size(); ++i)
            for (size_t m = 0; m < a.rounds[i].merged.size(); ++m) {
                QCOMPARE(a.rounds[i].merged[m].env_val_acc, b.rounds[i].merged[m].env_val_acc);
                QCOMPARE(a.rounds[i].merged[m].predictions, b.rounds[i].merged[m].predictions);
            }
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
        QVERIFY2(t.elapsed() < 5000 + 5000, qPrintable(QString::number(t.elapsed())));
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
        QVERIFY2(err(e).contains("wrong join token"), "the environment says why");
        ::kill(pid_t(c->processId()), SIGINT);
        QVERIFY(c->waitForFinished(20000));
        QVERIFY(err(c).contains("refused an environment claiming rank 1"));
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
        QVERIFY2(said.contains("rank 1 has already joined"), qPrintable(said));
        ::kill(pid_t(c->processId()), SIGINT);
        QVERIFY(c->waitForFinished(20000));
        QVERIFY((said_by_c + err(c)).contains("refused an environment claiming rank 1"));
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
        const QStringList settings{"--envs", "2", "--batch", "16", "--seed", "5", "--threads", "2", "--data",
                                   path("all")};
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
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "test_distributed.moc"
