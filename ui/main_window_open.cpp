// Runs on disk. An opened run: its rounds into the run model, its settings
// into the setup panel (so Start repeats it), and its test images read off
// the GUI thread for the samples view. Saving and exporting are
// FilesController's; the window passes its public calls on.
#include "class_names.h"
#include "main_window.h"

#include <algorithm>

#include <QFileInfo>
#include <QLabel>
#include <QStatusBar>

#include "experiment_runner.h"
#include "files_controller.h"
#include "insight_kit.h"
#include "mergelab/log.h"
#include "mergelab/run_files.h"
#include "mergelab/run_folder.h"
#include "messages.h"
#include "run_model.h"
#include "setup_panel.h"

namespace mergelab::ui {

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
        files_->addRecentRun(runDir_);
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

QString MainWindow::runsFolder() {
    return FilesController::runsFolder();
}

QString MainWindow::dialogFolder() const {
    return files_->dialogFolder();
}

QMenu* MainWindow::recentMenu() const {
    return files_->recentMenu();
}

QString MainWindow::saveRunTo(const QString& folder) {
    return files_->saveRunTo(folder);
}

bool MainWindow::exportView(const QString& path, double scale) {
    return files_->exportView(path, scale);
}

} // namespace mergelab::ui
