#include "env_processes.h"

#include <QCoreApplication>
#include <QProcess>
#include <QTimer>

#include <csignal>

#ifdef __linux__
#include <sys/prctl.h>
#endif

namespace mergelab::ui {

EnvProcesses::EnvProcesses(QObject* parent)
    : QObject(parent) {}

EnvProcesses::~EnvProcesses() {
    killAll();
}

QString EnvProcesses::cliPath() {
    const QString fromEnv = qEnvironmentVariable("MERGELAB_CLI");
    return fromEnv.isEmpty() ? QCoreApplication::applicationDirPath() + "/mergelab-cli" : fromEnv;
}

void EnvProcesses::start(int envs, const QString& address, const QString& token, const QString& dataDir,
                         int threads) {
    killAll();
    for (int k = 1; k <= envs; ++k) {
        auto process = std::make_unique<QProcess>();
        process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
#ifdef __linux__
        // If the app dies without cleaning up, its environments go with it.
        process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
#endif
        QStringList args{"env",    "--connect",        address,
                         "--rank", QString::number(k), "--token",
                         token,    "--threads",        QString::number(threads)};
        if (!dataDir.isEmpty())
            args << "--data" << dataDir;
        QProcess* p = process.get();
        connect(p, &QProcess::errorOccurred, this,
                [this, k, p](QProcess::ProcessError) { emit processFailed(k - 1, p->errorString()); });
        p->start(cliPath(), args);
        processes_.push_back(std::move(process));
    }
}

int EnvProcesses::running() const {
    int n = 0;
    for (const auto& p : processes_)
        n += p->state() != QProcess::NotRunning;
    return n;
}

void EnvProcesses::finish(int grace_ms) {
    QTimer::singleShot(grace_ms, this, [this] { killAll(); });
}

void EnvProcesses::killAll() {
    for (auto& p : processes_) {
        if (p->state() == QProcess::NotRunning)
            continue;
        p->terminate();
        if (!p->waitForFinished(2000)) {
            p->kill();
            p->waitForFinished(2000);
        }
    }
    processes_.clear();
}

} // namespace mergelab::ui
