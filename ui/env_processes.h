#pragma once
// The `mergelab-cli env` processes the app starts for "separate processes on
// this computer". None outlives the app: they are stopped with the run, killed
// when this object goes, and die with the app even if it is killed.
#include <QObject>
#include <QString>

#include <memory>
#include <vector>

class QProcess;

namespace mergelab::ui {

class EnvProcesses : public QObject {
    Q_OBJECT
public:
    explicit EnvProcesses(QObject* parent = nullptr);
    ~EnvProcesses() override; // kills any still running

    // Starts environments 1..envs (and, with `central`, the baseline
    // participant) joining `address` with `token`.
    void start(int envs, bool central, const QString& address, const QString& token, const QString& dataDir,
               int threads);
    // Lets them end on their own for `grace_ms`, then kills the rest.
    void finish(int grace_ms);
    int running() const;

    // $MERGELAB_CLI, else mergelab-cli beside the app.
    static QString cliPath();

signals:
    // A process could not start, or ended before finish() was called;
    // `who` names it ("environment 2", "the baseline participant").
    void processFailed(const QString& who, const QString& message);

private:
    void killAll();
    std::vector<std::unique_ptr<QProcess>> processes_;
    bool finishing_ = false;
};

} // namespace mergelab::ui
