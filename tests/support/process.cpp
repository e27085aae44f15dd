#include "support/process.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <algorithm>
#include <clocale>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <locale>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
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

namespace {

CliEntry cli_entry = nullptr;

// The child's side of run_cli before it runs the CLI: what exec would have
// given a fresh process. Handlers the test framework installed go back to
// their defaults, nothing is blocked, and the C locale is in force (a test
// application may have set the environment's).
void reset_as_exec_would() {
    struct sigaction plain {};
    plain.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig)
        ::sigaction(sig, &plain, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::pthread_sigmask(SIG_SETMASK, &none, nullptr);
    std::setlocale(LC_ALL, "C");
    std::locale::global(std::locale::classic());
}

// Forks; the child runs `child` with stdin on /dev/null and stdout and
// stderr into pipes, and never returns. The parent reads both pipes until
// the child ends or `timeout_ms` passes (then kills it), and gets the
// child's own resource use.
ProcessResult fork_and_collect(const std::function<void()>& child, int timeout_ms, rusage* usage_out) {
    ProcessResult r;
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
        return r;
    // Whatever the test printed stays in the test's own output.
    std::fflush(nullptr);
    std::cout.flush();
    std::cerr.flush();
    // Forked from a thread of its own. The child keeps only the thread that
    // forked, and libgomp's worker pool belongs to the thread that started
    // it: a child forked from a thread that had trained would wait forever
    // on workers that no longer exist. A new thread has no pool.
    pid_t pid = -1;
    std::thread([&] {
        pid = ::fork();
        if (pid != 0)
            return;
        const int null = ::open("/dev/null", O_RDONLY);
        ::dup2(null, 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        child();
        ::_exit(127);
    }).join();
    ::close(out[1]);
    ::close(err[1]);
    if (pid < 0) {
        ::close(out[0]);
        ::close(err[0]);
        r.err = "could not fork";
        return r;
    }
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
        pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
        ::poll(fds, 2, 20);
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
    }
    drain(out[0], out_bytes);
    drain(err[0], err_bytes);
    ::close(out[0]);
    ::close(err[0]);
    if (usage_out)
        *usage_out = usage;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -2;
    r.out = QString::fromUtf8(out_bytes);
    r.err = QString::fromUtf8(err_bytes);
    return r;
}

// argv for the CLI: `program` then `args`, kept alive by `owned`.
std::vector<char*> make_argv(const QByteArray& program, const QStringList& args,
                             std::vector<QByteArray>& owned) {
    owned = {program};
    for (const auto& a : args)
        owned.push_back(a.toLocal8Bit());
    std::vector<char*> argv;
    for (auto& a : owned)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    return argv;
}

} // namespace

void use_cli_entry(CliEntry entry) {
    cli_entry = entry;
}

ProcessResult run_cli(const QStringList& args, int timeout_ms) {
    if (!cli_entry)
        return run(cli_program(), args, timeout_ms);
    std::vector<QByteArray> owned;
    std::vector<char*> argv = make_argv("mergelab-cli", args, owned);
    return fork_and_collect(
        [&] {
            reset_as_exec_would();
            const int code = cli_entry(int(argv.size()) - 1, argv.data());
            std::cout.flush();
            std::cerr.flush();
            std::fflush(nullptr);
            ::_exit(code);
        },
        timeout_ms, nullptr);
}

// The limit must be set in the child only, and wait4 reports that child's
// own peak memory. Always the executable: the limit applies to what a user
// runs, libraries loaded and all.
ProcessResult run_cli_limited(const QStringList& args, unsigned long long address_space_bytes,
                              long* peak_rss_kb, int timeout_ms) {
    std::vector<QByteArray> owned;
    std::vector<char*> argv = make_argv(cli_program().toLocal8Bit(), args, owned);
    rusage usage{};
    ProcessResult r = fork_and_collect(
        [&] {
            const rlimit limit{address_space_bytes, address_space_bytes};
            ::setrlimit(RLIMIT_AS, &limit);
            ::execv(argv[0], argv.data());
        },
        timeout_ms, &usage);
    if (peak_rss_kb)
        *peak_rss_kb = usage.ru_maxrss;
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
