#include "save_run.h"

#include <QDir>
#include <QFileInfo>
#include <QObject>

#include "mergelab/run_folder.h"

namespace mergelab::ui {

namespace {

QString clean(const QString& path) {
    return QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}

bool inside(const QString& path, const QString& folder) {
    return path == folder || path.startsWith(folder.endsWith('/') ? folder : folder + '/');
}

} // namespace

bool is_system_folder(const QString& path) {
    const QString p = clean(path);
    // One's home is one's own, even where it is /root.
    if (p == clean(QDir::homePath()))
        return false;
    if (p == QLatin1String("/") || p == QDir::cleanPath(QDir::homePath() + "/.."))
        return true;
    // Whole trees that belong to the system; a person's files live elsewhere.
    static const char* const trees[] = {"/bin",    "/boot", "/dev", "/etc",  "/lib", "/lib32", "/lib64",
                                        "/libx32", "/proc", "/run", "/sbin", "/sys", "/usr",   "/var"};
    for (const char* tree : trees)
        if (inside(p, QString::fromLatin1(tree)))
            return true;
    // Top-level folders that only hold other folders.
    static const char* const tops[] = {"/home", "/media", "/mnt", "/opt", "/srv", "/root"};
    for (const char* top : tops)
        if (p == QLatin1String(top))
            return true;
    return false;
}

SavePlan plan_run_save(const QString& run_dir, const QString& chosen) {
    SavePlan plan;
    if (chosen.trimmed().isEmpty()) {
        plan.why = QObject::tr("no folder chosen");
        return plan;
    }
    const QString folder = clean(chosen);
    const QString run = clean(run_dir);
    if (is_system_folder(folder)) {
        plan.why = QObject::tr("%1 is a system folder; choose a folder of your own").arg(folder);
        return plan;
    }
    if (inside(folder, run)) {
        plan.why = QObject::tr("%1 is the run's own folder").arg(folder);
        return plan;
    }
    const QString name =
        QFileInfo(run).fileName().isEmpty() ? QStringLiteral("mergelab-run") : QFileInfo(run).fileName();
    auto fresh = [&name](const QString& parent) {
        QString target = parent + '/' + name;
        for (int n = 2; QFileInfo::exists(target); ++n)
            target = parent + '/' + name + '-' + QString::number(n);
        return target;
    };
    // A run folder holds one run: the CLI refuses to continue or replace
    // one with another run inside it. In or under one, the new run goes
    // beside it.
    for (QString up = folder;;) {
        if (QFileInfo(up).isDir() && inspect_run_folder(up.toStdString()).kind == FolderKind::MergeLabRun) {
            const QString parent = QFileInfo(up).dir().path();
            if (is_system_folder(parent))
                break;
            plan.kind = SavePlan::NewBeside;
            plan.target = fresh(parent);
            plan.why = up == folder ? QObject::tr("%1 holds another run").arg(folder)
                                    : QObject::tr("%1 is inside another run, %2").arg(folder, up);
            return plan;
        }
        const QString parent = QFileInfo(up).dir().path();
        if (parent == up)
            break;
        up = parent;
    }
    const FolderInspection look = inspect_run_folder(folder.toStdString());
    if (look.kind == FolderKind::Missing || look.kind == FolderKind::Empty) {
        plan.kind = SavePlan::CopyInto;
        plan.target = folder;
        return plan;
    }
    if (!QFileInfo(folder).isDir()) {
        plan.why = QObject::tr("%1 is not a folder").arg(folder);
        return plan;
    }
    // Something is there already: never beside it, always in a new folder.
    plan.kind = SavePlan::NewSubfolder;
    plan.target = fresh(folder);
    plan.why = QObject::tr("%1 is not empty").arg(folder);
    return plan;
}

} // namespace mergelab::ui
