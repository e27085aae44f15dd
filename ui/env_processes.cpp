#include "env_processes.h"

#include <QCoreApplication>
#include <QProcess>
#include <QRegularExpression>
#include <QTimer>

#include <csignal>

#include "mergelab/log.h"

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

void EnvProcesses::start(int envs, bool central, const QString& address, const QString& token,
                         const QString& dataDir, int threads) {
    killAll();
    finishing_ = false;
    for (int k = central ? 0 : 1; k <= envs; ++k) {
        auto process = std::make_unique<QProcess>();
        process->setProcessChannelMode(QProcess::SeparateChannels);
        process->setStandardOutputFile(QProcess::nullDevice());
#ifdef __linux__
        // If the app dies without cleaning up, its environments go with it.
        process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
#endif
        QStringList args{
            "env", "--connect", address, "--token", token, "--threads", QString::number(threads)};
        args << (k == 0 ? QStringList{"--central"} : QStringList{"--rank", QString::number(k)});
        if (!dataDir.isEmpty())
            args << "--data" << dataDir;
        const QString who = k == 0 ? tr("the baseline participant") : tr("environment %1").arg(k);
        QProcess* p = process.get();
        // Its messages go to the log panel, line by line, under its name.
        connect(p, &QProcess::readyReadStandardError, this, [p, who] {
            while (p->canReadLine()) {
                const QString line = QString::fromUtf8(p->readLine()).trimmed();
                if (line.isEmpty())
                    continue;
                // Its own time and level ("[12:00:01.250] [warning] …") become the panel's.
                static const QRegularExpression stamped(QStringLiteral("^\\[[0-9:.]+\\] \\[(\\w+)\\] (.*)$"));
                const QRegularExpressionMatch m = stamped.match(line);
                const auto level =
                    m.hasMatch() ? spdlog::level::from_str(m.captured(1).toStdString()) : spdlog::level::info;
                mergelab::logger()->log(level == spdlog::level::off ? spdlog::level::info : level, "{}: {}",
                                        who.toStdString(),
                                        (m.hasMatch() ? m.captured(2) : line).toStdString());
            }
        });
        connect(p, &QProcess::errorOccurred, this, [this, who, p](QProcess::ProcessError error) {
            if (error == QProcess::FailedToStart)
                emit processFailed(who, tr("could not start %1: %2").arg(cliPath(), p->errorString()));
        });
        connect(p, &QProcess::finished, this, [this, who](int code, QProcess::ExitStatus status) {
            if (finishing_)
                return;
            emit processFailed(who, status == QProcess::CrashExit
                                        ? tr("its process was killed or crashed")
                                        : tr("its process exited with code %1").arg(code));
        });
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
    finishing_ = true;
    QTimer::singleShot(grace_ms, this, [this] { killAll(); });
}

void EnvProcesses::killAll() {
    finishing_ = true;
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
