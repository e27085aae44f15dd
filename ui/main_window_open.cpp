// Files: open a run, save it elsewhere, export metrics and views, and the
// recent runs and last folder remembered across sessions.
#include "class_names.h"
#include "main_window.h"

#include <algorithm>

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSaveFile>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>

#include "experiment_runner.h"
#include "file_dialogs.h"
#include "insight_kit.h"
#include "mergelab/error.h"
#include "mergelab/log.h"
#include "mergelab/run_files.h"
#include "mergelab/run_folder.h"
#include "messages.h"
#include "run_model.h"
#include "save_run.h"
#include "setup_panel.h"
#include "view_export.h"

namespace mergelab::ui {

namespace {

constexpr int kRecentRuns = 8;

} // namespace

void MainWindow::buildFileMenu() {
    auto* file = menuBar()->addMenu(tr("&File"));
    open_ = file->addAction(tr("&Open run…"), this, &MainWindow::openRunDialog);
    open_->setShortcut(QKeySequence::Open);
    recent_ = file->addMenu(tr("Recent &runs"));
    recent_->setObjectName("recentRuns");
    save_ = file->addAction(tr("&Save run as…"), this, &MainWindow::saveRunAs);
    save_->setShortcut(QKeySequence::Save);
    file->addSeparator();
    file->addAction(tr("Export metrics as &CSV…"), this, [this] { exportMetrics(false); });
    file->addAction(tr("Export metrics as &JSON…"), this, [this] { exportMetrics(true); });
    auto* exportView = file->addAction(tr("&Export view (%1)…").arg(export_formats().join(", ").toUpper()),
                                       this, &MainWindow::exportChart);
    exportView->setShortcut(QKeySequence("Ctrl+E"));
    file->addSeparator();
    auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
}

QString MainWindow::dialogFolder() const {
    const QString last = QSettings().value("files/lastFolder").toString();
    if (!last.isEmpty() && QFileInfo(last).isDir())
        return last;
    QDir().mkpath(runsFolder());
    return runsFolder();
}

void MainWindow::rememberFolder(const QString& folder) {
    if (!folder.isEmpty())
        QSettings().setValue("files/lastFolder", folder);
}

void MainWindow::addRecentRun(const QString& path) {
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

void MainWindow::rebuildRecentMenu() {
    if (!recent_)
        return;
    recent_->clear();
    const QStringList recent = QSettings().value("files/recent").toStringList();
    int shown = 0;
    for (const QString& path : recent) {
        if (!QFileInfo(path).isDir())
            continue; // moved or deleted since
        ++shown;
        auto* action = recent_->addAction(QStringLiteral("&%1 %2").arg(shown).arg(path), this,
                                          [this, path] { openRun(path); });
        action->setData(path);
    }
    if (shown == 0)
        recent_->addAction(tr("(none yet)"))->setEnabled(false);
}

bool MainWindow::openRun(const QString& path) {
    if (runner_->isRunning())
        return false;
    try {
        const auto runs = load_runs(path.toStdString());
        // Before the views see the run: they name its classes.
        set_class_names(runs.front().class_names);
        model_->load(runs, path);
        runDir_ = QFileInfo(path).isDir() ? path : QFileInfo(path).absolutePath();
        runDirIsOurs_ = false;
        running_ = runs.front().config;
        // The setup shows what produced the run, so Start repeats it.
        ExperimentConfig setup = running_;
        setup.out_dir.clear();
        if (runs.size() > 1 && !runs.front().lane.empty()) {
            setup.mode = Mode::Lanes;
            setup.lanes.clear();
            // With repeats each lane comes once per seed.
            for (const auto& r : runs)
                if (std::find(setup.lanes.begin(), setup.lanes.end(), r.lane) == setup.lanes.end())
                    setup.lanes.push_back(r.lane);
            setup.compare = setup.lanes;
            setup.method = setup.lanes.front();
        }
        // Repeats began at the lowest seed.
        for (const auto& r : runs)
            setup.seed = std::min(setup.seed, r.config.seed);
        setup_->setConfig(setup);
        if (!model_->data())
            loadTestImages();
        updateActions();
        syncLanes();
        setWindowTitle(tr("MergeLab: %1").arg(QFileInfo(runDir_).fileName()));
        phaseLabel_->setText(tr("Opened %1: %2").arg(runDir_, stop_summary(runs.front())));
        timeLabel_->clear();
        speedLabel_->clear();
        addRecentRun(runDir_);
        return true;
    } catch (const std::exception& e) {
        logger()->error("{}", e.what());
        if (!quitWhenDone_)
            show_warning(this, tr("Cannot open run"), QString::fromUtf8(e.what()));
        return false;
    }
}

void MainWindow::loadTestImages() {
    // The samples view's images: an image folder not yet cached takes
    // seconds to decode, so they are read on Qt's pool while the window
    // shows the run; the status bar says so until they are there.
    DataLoadOptions load;
    load.test_fraction = running_.test_fraction;
    load.colour = colour_for_model(running_.model);
    const std::string dir = resolve_data_dir(running_.data_dir);
    const QString forRun = runDir_;
    loadingTestImages_ = true;
    statusBar()->showMessage(tr("Loading the test images from %1…").arg(QString::fromStdString(dir)));
    run_in_background<FashionMnist>(
        this, testImagesLoad_, [dir, load] { return load_fashion_mnist(dir, DataPart::Both, load); },
        [this, forRun](const Outcome<FashionMnist>& outcome) {
            loadingTestImages_ = false;
            statusBar()->clearMessage();
            // Only for the run still shown, and not over a live run's data.
            if (outcome.value && forRun == runDir_ && !runner_->isRunning() && !model_->data())
                model_->setData(outcome.value);
            else if (!outcome.value)
                logger()->warn(
                    "{}", tr("no test images for the samples view: %1").arg(outcome.error).toStdString());
            emit testImagesLoaded();
        });
}

void MainWindow::openRunDialog() {
    const QString dir = existing_directory(this, tr("Open run folder"), dialogFolder());
    if (dir.isEmpty())
        return;
    rememberFolder(QFileInfo(dir).absolutePath());
    openRun(dir);
}

void MainWindow::saveRunAs() {
    if (runDir_.isEmpty())
        return;
    // A save dialog, not a folder picker: a folder picker refuses a name
    // that does not exist yet ("Directory not found"), and a new folder is
    // what the run wants. Typed names may nest ("course/week-3"); choosing
    // a folder that exists opens it.
    QFileDialog dialog(this, tr("Save run into a new or empty folder"), dialogFolder());
    dialog.setObjectName("saveRunDialog");
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setFileMode(QFileDialog::AnyFile);
    dialog.setOption(QFileDialog::ShowDirsOnly);
    dialog.setOption(QFileDialog::DontConfirmOverwrite);
    dialog.setLabelText(QFileDialog::FileName, tr("New folder:"));
    dialog.selectFile(QFileInfo(runDir_).fileName());
    prepare_file_dialog(dialog);
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty())
        return;
    const QString chosen = dialog.selectedFiles().constFirst();
    rememberFolder(QFileInfo(chosen).absolutePath());
    saveRunTo(chosen);
}

QString MainWindow::saveRunTo(const QString& folder) {
    if (runDir_.isEmpty() || runner_->isRunning())
        return {};
    SavePlan plan;
    try {
        plan = plan_run_save(runDir_, folder);
    } catch (const std::exception& e) {
        plan.kind = SavePlan::Refuse;
        plan.why = QString::fromUtf8(e.what());
    }
    if (plan.kind == SavePlan::Refuse) {
        statusBar()->showMessage(tr("Not saved: %1").arg(plan.why), 10000);
        if (!quitWhenDone_)
            show_warning(this, tr("Save run"), tr("The run was not saved: %1.").arg(plan.why));
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
                        QMessageBox::Save | QMessageBox::Cancel, this);
        ask.setObjectName("confirmSubfolder");
        ask.setDefaultButton(QMessageBox::Save);
        if (ask.exec() != QMessageBox::Save)
            return {};
    }
    try {
        copy_run_folder(runDir_.toStdString(), plan.target.toStdString());
    } catch (const std::exception& e) {
        show_warning(this, tr("Save run"), tr("The run was not saved: %1").arg(QString::fromUtf8(e.what())));
        return {};
    }
    statusBar()->showMessage(tr("Run saved in %1").arg(plan.target), 8000);
    addRecentRun(plan.target);
    return plan.target;
}

void MainWindow::exportMetrics(bool json) {
    const RunPtr run = model_->run();
    if (!run) {
        statusBar()->showMessage(tr("Nothing to export yet"), 5000);
        return;
    }
    const QString name = json ? QStringLiteral("run.json") : QStringLiteral("metrics.csv");
    const QString path =
        save_file_name(this, json ? tr("Export metrics as JSON") : tr("Export metrics as CSV"),
                       dialogFolder() + "/" + name, json ? tr("JSON (*.json)") : tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    rememberFolder(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    const std::string text = json ? run_to_json(*run, 1) : metrics_csv(*run);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.data(), static_cast<qint64>(text.size())) < 0 ||
        !file.commit())
        show_warning(this, tr("Export"), tr("Could not write %1: %2").arg(path, file.errorString()));
    else
        statusBar()->showMessage(tr("Exported %1").arg(path), 8000);
}

bool MainWindow::exportView(const QString& path, double scale) {
    const int tab = tabs_->currentIndex();
    if (tab < 0)
        return false;
    const QString error = export_view(*views_[static_cast<size_t>(tab)], path, scale);
    statusBar()->showMessage(error.isEmpty() ? tr("Exported %1").arg(path) : error, 8000);
    if (!error.isEmpty())
        logger()->error("{}", error.toStdString());
    return error.isEmpty();
}

void MainWindow::exportChart() {
    const int tab = tabs_->currentIndex();
    if (tab < 0)
        return;
    QStringList filters{tr("PNG image, 3x the screen size (*.png)"), tr("PDF document, vector (*.pdf)")};
    if (export_formats().contains("svg"))
        filters << tr("SVG image, vector (*.svg)");
    const QString name = QStringLiteral("mergelab-%1.png").arg(views_[static_cast<size_t>(tab)]->name());
    QString selected;
    QString path =
        save_file_name(this, tr("Export view"), dialogFolder() + "/" + name, filters.join(";;"), &selected);
    if (path.isEmpty())
        return;
    // A name typed without a suffix takes the chosen filter's.
    if (QFileInfo(path).suffix().isEmpty())
        path += selected.contains("*.pdf") ? ".pdf" : selected.contains("*.svg") ? ".svg" : ".png";
    rememberFolder(QFileInfo(path).absolutePath());
    if (!exportView(path))
        show_warning(this, tr("Export"), tr("Could not write %1").arg(path));
}

} // namespace mergelab::ui
