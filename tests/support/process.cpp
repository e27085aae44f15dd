#include "support/process.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <csignal>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mergelab/dataset.h"

namespace mergelab::testing {

static ProcessResult run(const QString& program, const QStringList& args, int timeout_ms) {
    QProcess p;
    p.start(program, args);
    ProcessResult r;
    if (!p.waitForStarted(10000)) {
        r.err = "could not start " + program;
        return r;
    }
    if (!p.waitForFinished(timeout_ms)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out: " + program;
        return r;
    }
    r.exit_code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QString cli_program() {
    return qEnvironmentVariable("MERGELAB_CLI", "mergelab-cli");
}

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

bool wait_for(const std::function<bool()>& done, int ms) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > ms)
            return false;
        QTest::qWait(50);
    }
    return true;
}

ProcessResult run_cli(const QStringList& args, int timeout_ms) {
    return run(cli_program(), args, timeout_ms);
}

// fork + exec rather than QProcess: the limit must be set in the child only,
// and wait4 reports that child's own peak memory.
ProcessResult run_cli_limited(const QStringList& args, unsigned long long address_space_bytes,
                              long* peak_rss_kb, int timeout_ms) {
    ProcessResult r;
    const QByteArray program = cli_program().toLocal8Bit();
    std::vector<QByteArray> owned{program};
    for (const auto& a : args)
        owned.push_back(a.toLocal8Bit());
    std::vector<char*> argv;
    for (auto& a : owned)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
        return r;
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        const rlimit limit{address_space_bytes, address_space_bytes};
        ::setrlimit(RLIMIT_AS, &limit);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    QByteArray out_bytes, err_bytes;
    const auto drain = [](int fd, QByteArray& into) {
        char buf[4096];
        for (;;) {
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n <= 0)
                return;
            into.append(buf, int(n));
        }
    };
    ::fcntl(out[0], F_SETFL, O_NONBLOCK);
    ::fcntl(err[0], F_SETFL, O_NONBLOCK);
    QElapsedTimer clock;
    clock.start();
    int status = 0;
    rusage usage{};
    for (;;) {
        drain(out[0], out_bytes);
        drain(err[0], err_bytes);
        const pid_t done = ::wait4(pid, &status, WNOHANG, &usage);
        if (done == pid)
            break;
        if (clock.elapsed() > timeout_ms) {
            ::kill(pid, SIGKILL);
            ::wait4(pid, &status, 0, &usage);
            r.err = "timed out";
            ::close(out[0]);
            ::close(err[0]);
            return r;
        }
        QThread::msleep(20);
    }
    drain(out[0], out_bytes);
    drain(err[0], err_bytes);
    ::close(out[0]);
    ::close(err[0]);
    if (peak_rss_kb)
        *peak_rss_kb = usage.ru_maxrss;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -2;
    r.out = QString::fromUtf8(out_bytes);
    r.err = QString::fromUtf8(err_bytes);
    return r;
}

bool python_torch_available() {
    static const bool available = [] {
        if (!QFileInfo::exists("/usr/bin/python3"))
            return false;
        return run("/usr/bin/python3", {"-c", "import torch"}, 120000).exit_code == 0;
    }();
    return available;
}

// One `torch_reference.py serve` per test process, started on first use:
// importing torch costs about two seconds, and test_cli_methods alone asks
// for forty checks. The process is never deleted: when the test ends, its
// stdin closes and the script returns (a QProcess destroyed after the
// application object would kill it and warn).
ProcessResult run_torch_reference(const QStringList& args, int timeout_ms) {
    static QProcess* server = nullptr;
    ProcessResult r;
    if (!server || server->state() != QProcess::Running) {
        const QString script =
            qEnvironmentVariable("MERGELAB_SOURCE_DIR") + "/tests/python/torch_reference.py";
        delete server;
        server = new QProcess;
        server->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        server->start("/usr/bin/python3", {script, "serve"});
        if (!server->waitForStarted(10000)) {
            r.err = "could not start torch_reference.py serve";
            return r;
        }
    }
    server->write(QJsonDocument(QJsonArray::fromStringList(args)).toJson(QJsonDocument::Compact) + "\n");
    QElapsedTimer clock;
    clock.start();
    while (!server->canReadLine()) {
        if (server->state() != QProcess::Running || clock.elapsed() > timeout_ms ||
            !server->waitForReadyRead(int(std::max<qint64>(1, timeout_ms - clock.elapsed())))) {
            if (server->canReadLine())
                break;
            r.err = server->state() == QProcess::Running ? "timed out: torch_reference.py"
                                                         : "torch_reference.py serve ended";
            server->kill();
            server->waitForFinished();
            return r;
        }
    }
    const QJsonObject answer = QJsonDocument::fromJson(server->readLine()).object();
    r.exit_code = answer["exit"].toInt(-1);
    r.out = answer["out"].toString();
    r.err = answer["err"].toString();
    return r;
}

QString real_data_dir() {
    const QString dir = QString::fromStdString(kDefaultDataDir);
    return QFileInfo::exists(dir + "/t10k-labels-idx1-ubyte.gz") ? dir : QString();
}

} // namespace mergelab::testing
