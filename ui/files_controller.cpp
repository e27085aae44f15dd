#include "files_controller.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>

#include "experiment_runner.h"
#include "file_dialogs.h"
#include "mergelab/log.h"
#include "mergelab/run_files.h"
#include "mergelab/run_folder.h"
#include "messages.h"
#include "run_model.h"
#include "run_view.h"
#include "save_run.h"
#include "view_export.h"

namespace mergelab::ui {

namespace {

constexpr int kRecentRuns = 8;

} // namespace

FilesController::FilesController(const Window& window, QMenu* file)
    : QObject(window.window)
    , w_(window) {
    open_ = file->addAction(tr("&Open run…"), this, &FilesController::openDialog);
    open_->setShortcut(QKeySequence::Open);
    recent_ = file->addMenu(tr("Recent &runs"));
    recent_->setObjectName("recentRuns");
    save_ = file->addAction(tr("&Save run as…"), this, &FilesController::saveRunAs);
    save_->setShortcut(QKeySequence::Save);
    file->addSeparator();
    file->addAction(tr("Export metrics as &CSV…"), this, [this] { exportMetrics(false); });
    file->addAction(tr("Export metrics as &JSON…"), this, [this] { exportMetrics(true); });
    auto* exportView = file->addAction(tr("&Export view (%1)…").arg(export_formats().join(", ").toUpper()),
                                       this, &FilesController::exportViewDialog);
    exportView->setShortcut(QKeySequence("Ctrl+E"));
    file->addSeparator();
    auto* quit = file->addAction(tr("&Quit"), w_.window, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    rebuildRecentMenu();
}

QString FilesController::runsFolder() {
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/runs";
}

QString FilesController::dialogFolder() const {
    const QString last = QSettings().value("files/lastFolder").toString();
    if (!last.isEmpty() && QFileInfo(last).isDir())
        return last;
    QDir().mkpath(runsFolder());
    return runsFolder();
}

void FilesController::rememberFolder(const QString& folder) {
    if (!folder.isEmpty())
        QSettings().setValue("files/lastFolder", folder);
}

void FilesController::showMessage(const QString& text, int ms) {
    w_.window->statusBar()->showMessage(text, ms);
}

void FilesController::addRecentRun(const QString& path) {
    QSettings settings;
    QStringList recent = settings.value("files/recent").toStringList();
    const QString clean = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    recent.removeAll(clean);
    recent.prepend(clean);
    while (recent.size() > kRecentRuns)
        recent.removeLast();
    settings.setValue("files/recent", recent);
    rebuildRecentMenu();
}

void FilesController::rebuildRecentMenu() {
    recent_->clear();
    const QStringList recent = QSettings().value("files/recent").toStringList();
    int shown = 0;
    for (const QString& path : recent) {
        if (!QFileInfo(path).isDir())
            continue; // moved or deleted since
        ++shown;
        auto* action = recent_->addAction(QStringLiteral("&%1 %2").arg(shown).arg(path), this,
                                          [this, path] { emit openRequested(path); });
        action->setData(path);
    }
    if (shown == 0)
        recent_->addAction(tr("(none yet)"))->setEnabled(false);
}

void FilesController::openDialog() {
    const QString dir = existing_directory(w_.window, tr("Open run folder"), dialogFolder());
    if (dir.isEmpty())
        return;
    rememberFolder(QFileInfo(dir).absolutePath());
    emit openRequested(dir);
}

void FilesController::saveRunAs() {
    const QString runDir = w_.shownRunDir();
    if (runDir.isEmpty())
        return;
    // A save dialog, not a folder picker: a folder picker refuses a name
    // that does not exist yet ("Directory not found"), and a new folder is
    // what the run wants. Typed names may nest ("course/week-3"); choosing
    // a folder that exists opens it.
    QFileDialog dialog(w_.window, tr("Save run into a new or empty folder"), dialogFolder());
    dialog.setObjectName("saveRunDialog");
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setFileMode(QFileDialog::AnyFile);
    dialog.setOption(QFileDialog::ShowDirsOnly);
    dialog.setOption(QFileDialog::DontConfirmOverwrite);
    dialog.setLabelText(QFileDialog::FileName, tr("New folder:"));
    dialog.selectFile(QFileInfo(runDir).fileName());
    prepare_file_dialog(dialog);
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty())
        return;
    const QString chosen = dialog.selectedFiles().constFirst();
    rememberFolder(QFileInfo(chosen).absolutePath());
    saveRunTo(chosen);
}

QString FilesController::saveRunTo(const QString& folder) {
    const QString runDir = w_.shownRunDir();
    if (runDir.isEmpty() || w_.runner->isRunning())
        return {};
    SavePlan plan;
    try {
        plan = plan_run_save(runDir, folder);
    } catch (const std::exception& e) {
        plan.kind = SavePlan::Refuse;
        plan.why = QString::fromUtf8(e.what());
    }
    if (plan.kind == SavePlan::Refuse) {
        showMessage(tr("Not saved: %1").arg(plan.why), 10000);
        if (!quiet_)
            show_warning(w_.window, tr("Save run"), tr("The run was not saved: %1.").arg(plan.why));
        return {};
    }
    if (plan.kind == SavePlan::NewSubfolder || plan.kind == SavePlan::NewBeside) {
        const QString question =
            plan.kind == SavePlan::NewBeside
                ? tr("%1, and a run folder holds one run only.\n\nSave the run in a new folder %2 beside "
                     "it instead?")
                : tr("%1, and MergeLab never writes beside other files.\n\nSave the run in a new folder %2 "
                     "inside it instead?");
        QMessageBox ask(QMessageBox::Question, tr("Save run"), question.arg(plan.why, plan.target),
                        QMessageBox::Save | QMessageBox::Cancel, w_.window);
        ask.setObjectName("confirmSubfolder");
        ask.setDefaultButton(QMessageBox::Save);
        if (ask.exec() != QMessageBox::Save)
            return {};
    }
    try {
        copy_run_folder(runDir.toStdString(), plan.target.toStdString());
    } catch (const std::exception& e) {
        show_warning(w_.window, tr("Save run"),
                     tr("The run was not saved: %1").arg(QString::fromUtf8(e.what())));
        return {};
    }
    showMessage(tr("Run saved in %1").arg(plan.target), 8000);
    addRecentRun(plan.target);
    return plan.target;
}

void FilesController::exportMetrics(bool json) {
    const RunPtr run = w_.model->run();
    if (!run) {
        showMessage(tr("Nothing to export yet"), 5000);
        return;
    }
    const QString name = json ? QStringLiteral("run.json") : QStringLiteral("metrics.csv");
    const QString path =
        save_file_name(w_.window, json ? tr("Export metrics as JSON") : tr("Export metrics as CSV"),
                       dialogFolder() + "/" + name, json ? tr("JSON (*.json)") : tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    rememberFolder(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    const std::string text = json ? run_to_json(*run, 1) : metrics_csv(*run);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.data(), static_cast<qint64>(text.size())) < 0 ||
        !file.commit())
        show_warning(w_.window, tr("Export"), tr("Could not write %1: %2").arg(path, file.errorString()));
    else
        showMessage(tr("Exported %1").arg(path), 8000);
}

bool FilesController::exportView(const QString& path, double scale) {
    RunView* view = w_.shownView();
    if (!view)
        return false;
    const QString error = export_view(*view, path, scale);
    showMessage(error.isEmpty() ? tr("Exported %1").arg(path) : error, 8000);
    if (!error.isEmpty())
        logger()->error("{}", error.toStdString());
    return error.isEmpty();
}

void FilesController::exportViewDialog() {
    RunView* view = w_.shownView();
    if (!view)
        return;
    QStringList filters{tr("PNG image, 3x the screen size (*.png)"), tr("PDF document, vector (*.pdf)")};
    if (export_formats().contains("svg"))
        filters << tr("SVG image, vector (*.svg)");
    const QString name = QStringLiteral("mergelab-%1.png").arg(view->name());
    QString selected;
    QString path = save_file_name(w_.window, tr("Export view"), dialogFolder() + "/" + name,
                                  filters.join(";;"), &selected);
    if (path.isEmpty())
        return;
    // A name typed without a suffix takes the chosen filter's.
    if (QFileInfo(path).suffix().isEmpty())
        path += selected.contains("*.pdf") ? ".pdf" : selected.contains("*.svg") ? ".svg" : ".png";
    rememberFolder(QFileInfo(path).absolutePath());
    if (!exportView(path))
        show_warning(w_.window, tr("Export"), tr("Could not write %1").arg(path));
}

} // namespace mergelab::ui
