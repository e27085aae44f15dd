#include "main_window.h"

#include "mergelab/progress.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QPdfWriter>
#include <QProgressBar>
#include <QSaveFile>
#include <QScrollArea>
#include <QSettings>
#include <QSlider>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>

#include <filesystem>

#include "experiment_runner.h"
#include "log_panel.h"
#include "mergelab/error.h"
#include "mergelab/log.h"
#include "mergelab/progress.h"
#include "mergelab/run_files.h"
#include "run_model.h"
#include "setup_panel.h"
#include "version.h"
#include "views.h"

namespace mergelab::ui {

namespace {

QString elapsed_and_eta(double seconds, double fraction) {
    return QObject::tr("elapsed %1 · ETA %2")
        .arg(QString::fromStdString(clock_text(seconds)), QString::fromStdString(clock_text(eta_seconds(seconds, fraction))));
}

QString phase_caption(const PhaseChanged& p) {
    switch (p.phase) {
    case Phase::Training: return QObject::tr("Round %1: Env %2 training").arg(p.round).arg(p.env + 1);
    case Phase::Baseline: return QObject::tr("Round %1: central baseline training").arg(p.round);
    case Phase::Merging: return QObject::tr("Round %1: merging (%2)").arg(p.round).arg(QString::fromStdString(p.method));
    case Phase::Evaluating: return QObject::tr("Round %1: testing %2").arg(p.round).arg(QString::fromStdString(p.method));
    case Phase::CopyingBack: return QObject::tr("Round %1: copying back").arg(p.round);
    case Phase::Saving: return QObject::tr("Round %1: saving").arg(p.round);
    }
    return {};
}

// Window-modal but not blocking: the event loop (and a running experiment's
// updates) carries on while the message is shown.
void show_warning(QWidget* parent, const QString& title, const QString& text) {
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : MainWindow(standard_views(), parent) {}

MainWindow::MainWindow(const std::vector<ViewFactory>& views, QWidget* parent)
    : QMainWindow(parent)
    , runner_(new ExperimentRunner(this))
    , model_(new RunModel(this)) {
    setWindowTitle(tr("MergeLab"));
    setWindowIcon(QIcon(":/mergelab.svg"));
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    buildViews(views);
    buildDocks();
    buildRoundBar();
    buildStatusBar();
    buildActions();
    connectRunner();
    connectModel();
    restoreSettings();
    updateActions();
    syncScrubber();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildViews(const std::vector<ViewFactory>& views) {
    tabs_ = new QTabWidget;
    tabs_->setDocumentMode(true);
    for (const ViewFactory& make : views) {
        RunView* view = make();
        views_.push_back(view);
        tabs_->addTab(view->widget(), view->title());
        view->setRunModel(model_);
    }
    setCentralWidget(tabs_);
}

void MainWindow::buildDocks() {
    setup_ = new SetupPanel;
    auto* setupScroll = new QScrollArea;
    setupScroll->setWidget(setup_);
    setupScroll->setWidgetResizable(true);
    setupScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setupScroll->setMinimumWidth(setup_->minimumSizeHint().width() + 24);
    auto* setupDock = new QDockWidget(tr("Setup"));
    setupDock->setObjectName("setupDock");
    setupDock->setWidget(setupScroll);
    addDockWidget(Qt::LeftDockWidgetArea, setupDock);

    log_ = new LogPanel;
    auto* logDock = new QDockWidget(tr("Log"));
    logDock->setObjectName("logDock");
    logDock->setWidget(log_);
    addDockWidget(Qt::BottomDockWidgetArea, logDock);
    resizeDocks({logDock}, {120}, Qt::Vertical);
}

void MainWindow::buildRoundBar() {
    // The round scrubber drives every round-based view.
    auto* roundBar = new QToolBar(tr("Round"));
    roundBar->setObjectName("roundBar");
    roundBar->addWidget(new QLabel(tr(" Round ")));
    scrubber_ = new QSlider(Qt::Horizontal);
    scrubber_->setObjectName("roundScrubber");
    scrubber_->setMinimumWidth(220);
    scrubber_->setRange(1, 1);
    scrubber_->setToolTip(tr("Scrub through the rounds (all views follow)"));
    roundBar->addWidget(scrubber_);
    roundLabel_ = new QLabel(tr(" no rounds yet "));
    roundBar->addWidget(roundLabel_);
    lane_ = new QComboBox;
    lane_->setToolTip(tr("Lanes mode: the lane the views show"));
    lane_->setVisible(false);
    roundBar->addWidget(lane_);
    addToolBar(Qt::TopToolBarArea, roundBar);
    connect(scrubber_, &QSlider::valueChanged, model_, &RunModel::selectRound);
    connect(lane_, &QComboBox::currentIndexChanged, model_, &RunModel::selectLane);
}

void MainWindow::buildStatusBar() {
    phaseLabel_ = new QLabel(tr("Ready"));
    phaseLabel_->setMinimumWidth(260);
    phaseProgress_ = new QProgressBar;
    phaseProgress_->setMaximumWidth(200);
    phaseProgress_->setFormat("%p% of epoch");
    phaseProgress_->setToolTip(tr("Progress of the current epoch"));
    runProgress_ = new QProgressBar;
    runProgress_->setMaximumWidth(200);
    runProgress_->setFormat("run %p%");
    runProgress_->setToolTip(tr("Progress of the whole run (the round limit)"));
    speedLabel_ = new QLabel;
    timeLabel_ = new QLabel;
    statusBar()->addWidget(phaseLabel_, 1);
    statusBar()->addPermanentWidget(speedLabel_);
    statusBar()->addPermanentWidget(phaseProgress_);
    statusBar()->addPermanentWidget(runProgress_);
    statusBar()->addPermanentWidget(timeLabel_);
}

void MainWindow::buildActions() {
    auto* file = menuBar()->addMenu(tr("&File"));
    open_ = file->addAction(tr("&Open run…"), this, &MainWindow::openRunDialog);
    open_->setShortcut(QKeySequence::Open);
    save_ = file->addAction(tr("&Save run as…"), this, &MainWindow::saveRunAs);
    save_->setShortcut(QKeySequence::Save);
    file->addSeparator();
    file->addAction(tr("Export metrics as &CSV…"), this, [this] { exportMetrics(false); });
    file->addAction(tr("Export metrics as &JSON…"), this, [this] { exportMetrics(true); });
    auto* exportChartAction = file->addAction(tr("&Export visible chart (PNG, PDF)…"), this, &MainWindow::exportChart);
    exportChartAction->setShortcut(QKeySequence("Ctrl+E"));
    file->addSeparator();
    auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    auto* run = menuBar()->addMenu(tr("&Run"));
    start_ = run->addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Start"), this, &MainWindow::startRun);
    start_->setShortcuts({QKeySequence("Ctrl+R"), QKeySequence("F5")});
    pause_ = run->addAction(style()->standardIcon(QStyle::SP_MediaPause), tr("&Pause"), this, &MainWindow::togglePause);
    pause_->setShortcut(QKeySequence("Ctrl+P"));
    step_ = run->addAction(style()->standardIcon(QStyle::SP_MediaSkipForward), tr("Step one &round"), this,
                           &MainWindow::stepRun);
    step_->setShortcut(QKeySequence("F10"));
    stop_ = run->addAction(style()->standardIcon(QStyle::SP_MediaStop), tr("S&top"), this, &MainWindow::stopRun);
    stop_->setShortcuts({QKeySequence("Ctrl+."), QKeySequence("Shift+F5")});

    buildViewMenu();
    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About MergeLab"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);

    auto* bar = addToolBar(tr("Run"));
    bar->setObjectName("runBar");
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(start_);
    bar->addAction(pause_);
    bar->addAction(step_);
    bar->addAction(stop_);
    bar->addSeparator();
    bar->addAction(open_);
    bar->addAction(save_);

    connect(setup_, &SetupPanel::validityChanged, this, [this] { updateActions(); });
}

void MainWindow::buildViewMenu() {
    auto* menu = menuBar()->addMenu(tr("&View"));
    for (RunView* view : views_)
        for (QAction* action : view->viewActions())
            menu->addAction(action);
    menu->addSeparator();
    for (auto* dock : findChildren<QDockWidget*>())
        menu->addAction(dock->toggleViewAction());
    menu->addSeparator();
    for (int i = 0; i < static_cast<int>(views_.size()); ++i) {
        auto* a =
            menu->addAction(views_[i]->title().remove('&'), this, [this, i] { tabs_->setCurrentIndex(i); });
        a->setShortcut(QKeySequence(QString("Ctrl+%1").arg(i + 1)));
    }
}

void MainWindow::connectRunner() {
    connect(runner_, &ExperimentRunner::dataLoaded, model_, &RunModel::setData);
    connect(runner_, &ExperimentRunner::runStarted, this, &MainWindow::onRunStarted);
    connect(runner_, &ExperimentRunner::phaseChanged, this, &MainWindow::onPhaseChanged);
    connect(runner_, &ExperimentRunner::batchProgress, this, &MainWindow::onBatchProgress);
    connect(runner_, &ExperimentRunner::roundFinished, this,
            [this](const QString& lane, const RoundResult& r) {
                model_->appendRound(lane.toStdString(), r);
                if (runner_->isPaused())
                    updateActions();
            });
    connect(runner_, &ExperimentRunner::runFinished, this, &MainWindow::onLaneFinished);
    connect(runner_, &ExperimentRunner::failed, this, [this](const QString& message) {
        runFailed_ = true;
        setup_->setDataError(message);
        statusBar()->showMessage(message, 15000);
    });
    connect(runner_, &ExperimentRunner::pausedChanged, this, [this] { updateActions(); });
    connect(runner_, &ExperimentRunner::environmentStatus, model_, &RunModel::relayEnvironmentStatus);
    connect(runner_, &ExperimentRunner::coordinatorListening, this,
            [this](const QString& address, const QString& token) {
                const QString join =
                    tr("Each environment K joins with: mergelab-cli env --connect %1 --rank K --token %2")
                        .arg(address, token);
                logger()->info("{}", join.toStdString());
                if (setup_->environmentsMode() == EnvironmentsMode::OtherComputers)
                    setup_->setJoinInfo(join);
            });
    connect(runner_, &ExperimentRunner::finished, this, &MainWindow::onFinished);
}

void MainWindow::connectModel() {
    connect(model_, &RunModel::runReset, this, &MainWindow::syncScrubber);
    connect(model_, &RunModel::laneSelected, this, &MainWindow::syncScrubber);
    connect(model_, &RunModel::roundAdded, this, &MainWindow::syncScrubber);
    connect(model_, &RunModel::roundSelected, this, &MainWindow::syncScrubber);
}

void MainWindow::onRunStarted(const RunStarted& e) {
    model_->addLane(e);
    if (!e.lane.empty())
        lane_->addItem(tr("Lane %1").arg(QString::fromStdString(e.lane)));
    const int lanes = running_.mode == Mode::Lanes ? static_cast<int>(running_.lanes.size()) : 1;
    batchesTotal_ = e.batches_per_round * running_.rounds * lanes;
}

void MainWindow::onPhaseChanged(const PhaseChanged& p) {
    model_->relayPhase(p);
    phaseLabel_->setText(phase_caption(p));
}

void MainWindow::onBatchProgress(const BatchProgress& b) {
    ++batchesDone_;
    model_->relayBatch(b);
    // Texts and bars at most ten times a second: each change repaints,
    // and batches come faster than anyone reads.
    if (b.batch != b.batches && progressClock_.isValid() && progressClock_.elapsed() < 100)
        return;
    progressClock_.start();
    phaseProgress_->setRange(0, static_cast<int>(b.batches));
    phaseProgress_->setValue(static_cast<int>(b.batch));
    const QString who = b.env < 0 ? tr("central baseline") : tr("Env %1").arg(b.env + 1);
    phaseLabel_->setText(tr("Round %1: %2 training, epoch %3, batch %4 of %5")
                             .arg(b.round)
                             .arg(who)
                             .arg(b.epoch)
                             .arg(b.batch)
                             .arg(b.batches));
    speedLabel_->setText(tr("%1 images/s").arg(b.images_per_second, 0, 'f', 0));
    if (batchesTotal_ > 0) {
        runProgress_->setRange(0, 1000);
        const double fraction = std::min(1.0, double(batchesDone_) / batchesTotal_);
        runProgress_->setValue(static_cast<int>(fraction * 1000));
        timeLabel_->setText(elapsed_and_eta(elapsed_.elapsed() / 1000.0, fraction));
    }
}

void MainWindow::onLaneFinished(const RunResult& finished) {
    model_->finishLane(finished);
    const QString message = QString::fromStdString(finished.message);
    statusBar()->showMessage(message, 15000);
    if (finished.stopped == StopReason::Failed || finished.stopped == StopReason::Diverged) {
        runFailed_ = true;
        if (!quitWhenDone_)
            show_warning(this, tr("Run stopped"), message);
    }
}

void MainWindow::onFinished() {
    setup_->setLocked(false);
    phaseProgress_->setValue(phaseProgress_->maximum());
    const RunPtr run = model_->run();
    phaseLabel_->setText(run && run->stopped != StopReason::Running
                             ? tr("Finished: %1").arg(QString::fromStdString(run->message))
                             : tr("Ready"));
    model_->finishLive();
    updateActions();
    if (quitWhenDone_)
        finishAutomation(runFailed_ ? 1 : 0);
}

QString MainWindow::newRunDirectory() const {
    const QString base = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/runs";
    return base + "/" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss-zzz");
}

void MainWindow::startRun() {
    if (runner_->isRunning() || !setup_->isValid()) return;
    running_ = setup_->config();
    if (setup_->environmentsMode() != EnvironmentsMode::Threads && running_.baseline) {
        // No process of a distributed run holds every environment's data.
        logger()->warn("the centralised baseline is left out: separate environments never pool their data");
        running_.baseline = false;
    }
    runDir_ = newRunDirectory();
    running_.out_dir = runDir_.toStdString();
    model_->startLive(running_);
    lane_->clear();
    lane_->setVisible(running_.mode == Mode::Lanes);
    batchesDone_ = 0;
    batchesTotal_ = 0;
    runFailed_ = false;
    elapsed_.start();
    setup_->setLocked(true);
    setup_->setDataError({});
    saveSettings();
    logger()->info("starting: {} split, {} environments, {} rounds; saving to {}", running_.split.kind,
                   running_.split.envs, running_.rounds, running_.out_dir);
    setup_->setJoinInfo({});
    runner_->setEnvironmentsMode(setup_->environmentsMode());
    runner_->start(running_);
    updateActions();
}

void MainWindow::stepRun() {
    if (runner_->isRunning()) {
        runner_->step(running_);
        updateActions();
        return;
    }
    startRun();
    if (runner_->isRunning()) runner_->step(running_);
    updateActions();
}

void MainWindow::togglePause() {
    if (!runner_->isRunning()) return;
    if (runner_->isPaused())
        runner_->resume();
    else
        runner_->pause();
    updateActions();
}

void MainWindow::stopRun() {
    runner_->stop();
    phaseLabel_->setText(tr("Stopping after the current batch…"));
}

void MainWindow::updateActions() {
    const bool running = runner_->isRunning();
    const bool paused = runner_->isPaused();
    // Progress bars only mean something during a run.
    phaseProgress_->setVisible(running);
    runProgress_->setVisible(running);
    start_->setEnabled(!running && setup_->isValid());
    start_->setToolTip(setup_->isValid() ? tr("Start training (Ctrl+R)") : tr("Cannot start: %1").arg(setup_->problem()));
    pause_->setEnabled(running);
    pause_->setText(paused ? tr("Resume") : tr("Pause"));
    pause_->setIcon(style()->standardIcon(paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
    step_->setEnabled((!running && setup_->isValid()) || paused);
    stop_->setEnabled(running);
    save_->setEnabled(!runDir_.isEmpty() && !running);
    if (!setup_->isValid() && !running) phaseLabel_->setText(tr("Setup: %1").arg(setup_->problem()));
    else if (!running && phaseLabel_->text().startsWith(tr("Setup:"))) phaseLabel_->setText(tr("Ready"));
}

void MainWindow::syncScrubber() {
    const int rounds = model_->roundCount();
    const int round = model_->selectedRound();
    const QSignalBlocker block(scrubber_);
    scrubber_->setRange(rounds ? 1 : 0, std::max(rounds, 1));
    scrubber_->setValue(round);
    scrubber_->setEnabled(rounds > 1);
    roundLabel_->setText(rounds ? tr(" %1 of %2 ").arg(round).arg(rounds) : tr(" no rounds yet "));
}

void MainWindow::showTab(const QString& name) {
    QStringList names;
    for (RunView* view : views_)
        names << view->name();
    const int index = names.indexOf(name.toLower());
    if (index < 0)
        throw UsageError("unknown tab '" + name.toStdString() + "' (" + names.join(", ").toStdString() + ")");
    tabs_->setCurrentIndex(index);
}

RunPtr MainWindow::shownRun() const {
    return model_->run();
}

int MainWindow::shownRound() const { return scrubber_->value(); }

void MainWindow::applyPreset(const QString& name) {
    const QString key = name.toLower();
    const QString preset = key == "quick" ? "quick" : (key == "v" || key == "paper-v") ? "V" : (key == "h" || key == "paper-h") ? "H" : "";
    if (preset.isEmpty()) throw UsageError("unknown preset '" + name.toStdString() + "' (use quick, paper-v or paper-h)");
    setup_->applyPreset(preset);
}

void MainWindow::setQuitWhenDone(bool quit, const QString& screenshot_path) {
    quitWhenDone_ = quit;
    screenshotPath_ = screenshot_path;
}

void MainWindow::finishAutomation(int exit_code) {
    // Let queued replots land before the window is grabbed.
    QTimer::singleShot(300, this, [this, exit_code] {
        int code = exit_code;
        if (!screenshotPath_.isEmpty()) {
            QApplication::processEvents();
            if (!grab().save(screenshotPath_)) {
                logger()->error("could not save the screenshot to {}", screenshotPath_.toStdString());
                code = 1;
            }
        }
        QApplication::exit(code);
    });
}

bool MainWindow::openRun(const QString& path) {
    if (runner_->isRunning()) return false;
    try {
        const auto runs = load_runs(path.toStdString());
        model_->load(runs, path);
        lane_->clear();
        for (const auto& r : runs)
            if (!r.lane.empty())
                lane_->addItem(tr("Lane %1").arg(QString::fromStdString(r.lane)));
        lane_->setVisible(runs.size() > 1);
        runDir_ = QFileInfo(path).isDir() ? path : QFileInfo(path).absolutePath();
        running_ = runs.front().config;
        // The setup shows what produced the run, so Start repeats it.
        ExperimentConfig setup = running_;
        setup.out_dir.clear();
        if (runs.size() > 1) {
            setup.mode = Mode::Lanes;
            setup.lanes.clear();
            for (const auto& r : runs) setup.lanes.push_back(r.lane);
            setup.compare = setup.lanes;
        }
        setup_->setConfig(setup);
        if (!model_->data()) {
            try {
                model_->setData(std::make_shared<const FashionMnist>(
                    load_fashion_mnist(resolve_data_dir(running_.data_dir))));
            } catch (const std::exception& e) {
                logger()->warn("no test images for the samples view: {}", e.what());
            }
        }
        updateActions();
        setWindowTitle(tr("MergeLab: %1").arg(QFileInfo(runDir_).fileName()));
        phaseLabel_->setText(tr("Opened %1 (%2)").arg(runDir_, QString::fromLatin1(name_of(runs.front().stopped))));
        return true;
    } catch (const std::exception& e) {
        logger()->error("{}", e.what());
        if (!quitWhenDone_) show_warning(this, tr("Cannot open run"), QString::fromUtf8(e.what()));
        return false;
    }
}

void MainWindow::openRunDialog() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open run directory"));
    if (!dir.isEmpty()) openRun(dir);
}

void MainWindow::saveRunAs() {
    if (runDir_.isEmpty()) return;
    const QString target = QFileDialog::getExistingDirectory(this, tr("Save run into (an empty folder)"));
    if (target.isEmpty()) return;
    std::error_code ec;
    std::filesystem::copy(runDir_.toStdString(), target.toStdString(),
                          std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing,
                          ec);
    if (ec)
        show_warning(this, tr("Save run"), tr("Could not copy the run to %1: %2").arg(target, QString::fromStdString(ec.message())));
    else
        statusBar()->showMessage(tr("Run saved in %1").arg(target), 8000);
}

void MainWindow::exportMetrics(bool json) {
    const RunPtr run = model_->run();
    if (!run) {
        statusBar()->showMessage(tr("Nothing to export yet"), 5000);
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, json ? tr("Export metrics as JSON") : tr("Export metrics as CSV"),
                                                      json ? "run.json" : "metrics.csv",
                                                      json ? tr("JSON (*.json)") : tr("CSV (*.csv)"));
    if (path.isEmpty()) return;
    QSaveFile file(path);
    const std::string text = json ? run_to_json(*run, 1) : metrics_csv(*run);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.data(), static_cast<qint64>(text.size())) < 0 || !file.commit())
        show_warning(this, tr("Export"), tr("Could not write %1: %2").arg(path, file.errorString()));
    else
        statusBar()->showMessage(tr("Exported %1").arg(path), 8000);
}

void MainWindow::exportChart() {
    const int tab = tabs_->currentIndex();
    if (tab < 0)
        return;
    QWidget* page = views_[static_cast<size_t>(tab)]->exportWidget();
    const QString path = QFileDialog::getSaveFileName(this, tr("Export visible chart"), "mergelab-chart.png",
                                                      tr("PNG image (*.png);;PDF document (*.pdf)"));
    if (path.isEmpty()) return;
    bool ok;
    if (path.endsWith(".pdf", Qt::CaseInsensitive)) {
        QPdfWriter pdf(path);
        pdf.setPageSize(QPageSize(page->size(), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setResolution(72);
        QPainter painter(&pdf);
        page->render(&painter);
        ok = painter.end();
    } else {
        ok = page->grab().save(path);
    }
    statusBar()->showMessage(ok ? tr("Exported %1").arg(path) : tr("Could not write %1").arg(path), 8000);
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, tr("About MergeLab"),
        tr("<h3>MergeLab %1</h3>"
           "<p>Watch neural networks trained in separate environments being merged into one. Each environment "
           "trains on its own data; only weights travel.</p>"
           "<p>Implements: Yun-Ho Lee, Su-Hang Lee, Hye-Jin Ju, Jong-Lark Lee, Ill-Young Weon, "
           "<i>Integration of neural network models trained in different environments</i> "
           "(다른 환경에서 학습된 신경망 모델의 통합), Seoul Hoseo College / Yeungnam Technical College; "
           "journal version: Jong-Lark Lee, <i>Unification of Deep Learning Model trained by Parallel Learning "
           "in Security environment</i>, JKSCI 26(12):69, 2021.</p>"
           "<p>Data: Fashion-MNIST. Built with Qt, LibTorch and QCustomPlot.</p>")
            .arg(application_version()));
}

void MainWindow::restoreSettings() {
    QSettings settings;
    resize(1400, 900);
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray());
    const QString setup = settings.value("setup/last").toString();
    if (!setup.isEmpty()) {
        try {
            setup_->setConfig(config_from_json(setup.toStdString(), "settings"));
        } catch (const std::exception& e) {
            logger()->warn("ignored the saved setup: {}", e.what());
        }
    }
    for (RunView* view : views_)
        for (QAction* action : view->viewActions())
            if (action->isCheckable() && !action->objectName().isEmpty())
                action->setChecked(
                    settings.value("view/" + action->objectName(), action->isChecked()).toBool());
}

void MainWindow::saveSettings() {
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    settings.setValue("setup/last", QString::fromStdString(config_to_json(setup_->config())));
    for (RunView* view : views_)
        for (QAction* action : view->viewActions())
            if (action->isCheckable() && !action->objectName().isEmpty())
                settings.setValue("view/" + action->objectName(), action->isChecked());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveSettings();
    if (runner_->isRunning()) {
        // Cancel is checked between batches: the worker ends within one.
        runner_->stop();
        runner_->wait(5000);
    }
    event->accept();
}

} // namespace mergelab::ui
