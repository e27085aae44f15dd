#include "support/process.h"

#include <QDir>
#include <QFileInfo>

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

ProcessResult run_cli(const QStringList& args, int timeout_ms) {
    return run(qEnvironmentVariable("MERGELAB_CLI", "mergelab-cli"), args, timeout_ms);
}

bool python_torch_available() {
    static const bool available = [] {
        if (!QFileInfo::exists("/usr/bin/python3")) return false;
        return run("/usr/bin/python3", {"-c", "import torch"}, 120000).exit_code == 0;
    }();
    return available;
}

ProcessResult run_torch_reference(const QStringList& args, int timeout_ms) {
    const QString script = qEnvironmentVariable("MERGELAB_SOURCE_DIR") + "/tests/python/torch_reference.py";
    return run("/usr/bin/python3", QStringList{script} + args, timeout_ms);
}

QString real_data_dir() {
    const QString dir = QString::fromStdString(kDefaultDataDir);
    return QFileInfo::exists(dir + "/t10k-labels-idx1-ubyte.gz") ? dir : QString();
}

} // namespace mergelab::testing
