#include "main_window.h"

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
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>

#include <filesystem>

#include <qcustomplot.h>

#include "accuracy_chart.h"
#include "confusion_view.h"
#include "experiment_runner.h"
#include "flow_view.h"
#include "histogram_view.h"
#include "log_panel.h"
#include "loss_chart.h"
#include "mergelab/error.h"
#include "mergelab/log.h"
#include "mergelab/run_files.h"
#include "samples_view.h"
#include "setup_panel.h"
#include "version.h"

namespace mergelab::ui {

namespace {

QString clock_text(double seconds) {
    if (!(seconds >= 0) || seconds > 1e7) return "--:--";
    const qint64 s = static_cast<qint64>(seconds + 0.5);
    return s >= 3600 ? QString("%1:%2:%3").arg(s / 3600).arg((s / 60) % 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'))
                     : QString("%1:%2").arg(s / 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'));
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

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), runner_(new ExperimentRunner(this)) {
    setWindowTitle(tr("MergeLab"));
    setWindowIcon(QIcon(":/mergelab.svg"));
    buildViews();
    buildActions();
    connectRunner();
    restoreSettings();
    updateActions();
    refreshViews();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildViews() {
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    tabs_ = new QTabWidget;
    tabs_->setDocumentMode(true);

    auto* accuracyPage = new QSplitter(Qt::Vertical);
    accuracy_ = new AccuracyChart;
    loss_ = new LossChart;
    accuracyPage->addWidget(accuracy_);
    accuracyPage->addWidget(loss_);
    accuracyPage->setStretchFactor(0, 3);
    accuracyPage->setStretchFactor(1, 1);
    tabs_->addTab(accuracyPage, tr("&Accuracy"));
    histograms_ = new HistogramView;
    tabs_->addTab(histograms_, tr("&Weights"));
    confusion_ = new ConfusionView;
    tabs_->addTab(confusion_, tr("&Confusion"));
    flow_ = new FlowView;
    tabs_->addTab(flow_, tr("&Flow"));
    samples_ = new SamplesView;
    tabs_->addTab(samples_, tr("&Samples"));
    setCentralWidget(tabs_);

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

    // The round scrubber drives every round-based view.
    auto* roundBar = new QToolBar(tr("Round"));
    roundBar->setObjectName("roundBar");
    roundBar->addWidget(new QLabel(tr(" Round ")));
    scrubber_ = new QSlider(Qt::Horizontal);
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
    connect(scrubber_, &QSlider::valueChanged, this, [this](int round) {
        followLatest_ = shown_ && round >= static_cast<int>(shown_->rounds.size());
        setRound(round);
    });
    connect(lane_, &QComboBox::currentIndexChanged, this, [this] { refreshViews(); });

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
    auto* open = file->addAction(tr("&Open run…"), this, &MainWindow::openRunDialog);
    open->setShortcut(QKeySequence::Open);
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

    auto* view = menuBar()->addMenu(tr("&View"));
    overlay_ = view->addAction(tr("&Paper's published values"));
    overlay_->setCheckable(true);
    overlay_->setChecked(true);
    overlay_->setShortcut(QKeySequence("Ctrl+Shift+P"));
    connect(overlay_, &QAction::toggled, accuracy_, &AccuracyChart::setPaperOverlay);
    view->addSeparator();
    for (auto* dock : findChildren<QDockWidget*>()) view->addAction(dock->toggleViewAction());
    view->addSeparator();
    for (int i = 0; i < tabs_->count(); ++i) {
        auto* a = view->addAction(tabs_->tabText(i).remove('&'), this, [this, i] { tabs_->setCurrentIndex(i); });
        a->setShortcut(QKeySequence(QString("Ctrl+%1").arg(i + 1)));
    }
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
    bar->addAction(open);
    bar->addAction(save_);

    connect(setup_, &SetupPanel::validityChanged, this, [this] { updateActions(); });
}

void MainWindow::connectRunner() {
    connect(runner_, &ExperimentRunner::dataLoaded, this, [this](DataPtr data) {
        data_ = data;
        flow_->setData(data);
        samples_->setData(data);
    });
    connect(runner_, &ExperimentRunner::runStarted, this, [this](const RunStarted& e) {
        RunResult run;
        run.config = running_;
        run.lane = e.lane;
        run.envs = e.envs;
        if (!e.lane.empty()) {
            run.config.mode = "compare";
            run.config.method = e.lane;
            run.config.compare = {e.lane};
            lane_->addItem(tr("Lane %1").arg(QString::fromStdString(e.lane)));
        }
        lanes_.append(run);
        const int lanes = running_.mode == "lanes" ? static_cast<int>(running_.lanes.size()) : 1;
        batchesTotal_ = e.batches_per_round * running_.rounds * lanes;
        flow_->setBaseline(running_.baseline);
        flow_->setEnvironments(e.envs, QString::fromStdString(e.lane.empty() ? running_.method : e.lane));
        refreshViews();
    });
    connect(runner_, &ExperimentRunner::phaseChanged, this, [this](const PhaseChanged& p) {
        flow_->setPhase(p);
        phaseLabel_->setText(phase_caption(p));
        if ((p.phase == Phase::Training || p.phase == Phase::Baseline) && p.round != lossRound_) {
            lossRound_ = p.round;
            loss_->startRound(p.round, running_.split.envs);
        }
    });
    connect(runner_, &ExperimentRunner::batchProgress, this, [this](const BatchProgress& b) {
        ++batchesDone_;
        loss_->addBatch(b);
        // Texts and bars at most ten times a second: each change repaints,
        // and batches come faster than anyone reads.
        if (b.batch != b.batches && progressClock_.isValid() && progressClock_.elapsed() < 100) return;
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
            const double seconds = elapsed_.elapsed() / 1000.0;
            const double eta = fraction > 0 ? seconds * (1 - fraction) / fraction : -1;
            timeLabel_->setText(tr("elapsed %1 · ETA %2").arg(clock_text(seconds), clock_text(eta)));
        }
    });
    connect(runner_, &ExperimentRunner::roundFinished, this, [this](const QString& lane, const RoundResult& r) {
        for (auto& run : lanes_)
            if (QString::fromStdString(run.lane) == lane) run.rounds.push_back(r);
        refreshViews();
        if (runner_->isPaused()) updateActions();
    });
    connect(runner_, &ExperimentRunner::runFinished, this, [this](const RunResult& finished) {
        for (auto& run : lanes_)
            if (run.lane == finished.lane) {
                run.stopped = finished.stopped;
                run.message = finished.message;
            }
        const QString message = QString::fromStdString(finished.message);
        statusBar()->showMessage(message, 15000);
        if (finished.stopped == "failed" || finished.stopped == "diverged") {
            runFailed_ = true;
            if (!quitWhenDone_) show_warning(this, tr("Run stopped"), message);
        }
    });
    connect(runner_, &ExperimentRunner::failed, this, [this](const QString& message) {
        runFailed_ = true;
        setup_->setDataError(message);
        statusBar()->showMessage(message, 15000);
    });
    connect(runner_, &ExperimentRunner::pausedChanged, this, [this] { updateActions(); });
    connect(runner_, &ExperimentRunner::finished, this, [this] {
        setup_->setLocked(false);
        phaseProgress_->setValue(phaseProgress_->maximum());
        const RunResult* run = laneRun();
        phaseLabel_->setText(run && !run->stopped.empty()
                                 ? tr("Finished: %1").arg(QString::fromStdString(run->message))
                                 : tr("Ready"));
        flow_->setIdle(run ? tr("Finished after %1 round(s). Scrub through the rounds above.").arg(run->rounds.size())
                           : tr("Press Start to train."));
        updateActions();
        if (quitWhenDone_) finishAutomation(runFailed_ ? 1 : 0);
    });
}

QString MainWindow::newRunDirectory() const {
    const QString base = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/runs";
    return base + "/" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss-zzz");
}

void MainWindow::startRun() {
    if (runner_->isRunning() || !setup_->isValid()) return;
    running_ = setup_->config();
    runDir_ = newRunDirectory();
    running_.out_dir = runDir_.toStdString();
    lanes_.clear();
    lane_->clear();
    lane_->setVisible(running_.mode == "lanes");
    shown_.reset();
    lossRound_ = 0;
    loss_->clear();
    batchesDone_ = 0;
    batchesTotal_ = 0;
    runFailed_ = false;
    followLatest_ = true;
    elapsed_.start();
    setup_->setLocked(true);
    setup_->setDataError({});
    saveSettings();
    logger()->info("starting: {} split, {} environments, {} rounds; saving to {}", running_.split.kind,
                   running_.split.envs, running_.rounds, running_.out_dir);
    runner_->start(running_);
    refreshViews();
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

const RunResult* MainWindow::laneRun() const {
    if (lanes_.isEmpty()) return nullptr;
    const int i = std::clamp(lane_->currentIndex(), 0, static_cast<int>(lanes_.size()) - 1);
    return &lanes_[i];
}

// Lanes mode: the accuracy chart compares the lanes' merged models round by
// round; the other views show the chosen lane.
RunResult MainWindow::combinedRun() const {
    RunResult combined = *laneRun();
    if (lanes_.size() < 2) return combined;
    combined.config.compare.clear();
    for (auto& round : combined.rounds) {
        round.merged.clear();
        for (const auto& lane : lanes_)
            if (round.round <= static_cast<int>(lane.rounds.size()))
                round.merged.push_back(lane.rounds[round.round - 1].merged.at(0));
    }
    for (const auto& lane : lanes_) combined.config.compare.push_back(lane.lane);
    return combined;
}

void MainWindow::refreshViews() {
    const RunResult* run = laneRun();
    shown_ = run ? std::make_shared<const RunResult>(*run) : nullptr;
    accuracy_->setRun(run && lanes_.size() > 1 ? std::make_shared<const RunResult>(combinedRun()) : shown_);
    histograms_->setRun(shown_);
    confusion_->setRun(shown_);
    samples_->setRun(shown_);
    const int rounds = shown_ ? static_cast<int>(shown_->rounds.size()) : 0;
    scrubber_->blockSignals(true);
    scrubber_->setRange(rounds ? 1 : 0, std::max(rounds, 1));
    if (followLatest_ || scrubber_->value() > rounds) scrubber_->setValue(rounds);
    scrubber_->setEnabled(rounds > 1);
    scrubber_->blockSignals(false);
    setRound(scrubber_->value());
}

void MainWindow::setRound(int round) {
    const int rounds = shown_ ? static_cast<int>(shown_->rounds.size()) : 0;
    roundLabel_->setText(rounds ? tr(" %1 of %2 ").arg(round).arg(rounds) : tr(" no rounds yet "));
    accuracy_->setRound(rounds ? round : 0);
    histograms_->setRound(round);
    confusion_->setRound(round);
    samples_->setRound(round);
}

void MainWindow::showTab(const QString& name) {
    static const QStringList names = {"accuracy", "weights", "confusion", "flow", "samples"};
    const int index = names.indexOf(name.toLower());
    if (index < 0) throw UsageError("unknown tab '" + name.toStdString() + "' (accuracy, weights, confusion, flow, samples)");
    tabs_->setCurrentIndex(index);
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
        lanes_.clear();
        lane_->clear();
        for (const auto& r : runs) {
            lanes_.append(r);
            if (!r.lane.empty()) lane_->addItem(tr("Lane %1").arg(QString::fromStdString(r.lane)));
        }
        lane_->setVisible(runs.size() > 1);
        runDir_ = QFileInfo(path).isDir() ? path : QFileInfo(path).absolutePath();
        running_ = runs.front().config;
        // The setup shows what produced the run, so Start repeats it.
        ExperimentConfig setup = running_;
        setup.out_dir.clear();
        if (runs.size() > 1) {
            setup.mode = "lanes";
            setup.lanes.clear();
            for (const auto& r : runs) setup.lanes.push_back(r.lane);
            setup.compare = setup.lanes;
        }
        setup_->setConfig(setup);
        followLatest_ = true;
        flow_->setBaseline(running_.baseline);
        flow_->setEnvironments(runs.front().envs, QString::fromStdString(runs.front().config.method));
        flow_->setIdle(tr("Opened %1: %2 round(s). Scrub through the rounds above.").arg(path).arg(runs.front().rounds.size()));
        if (!data_) {
            try {
                data_ = std::make_shared<const FashionMnist>(load_fashion_mnist(resolve_data_dir(running_.data_dir)));
                flow_->setData(data_);
                samples_->setData(data_);
            } catch (const std::exception& e) {
                logger()->warn("no test images for the samples view: {}", e.what());
            }
        }
        refreshViews();
        updateActions();
        setWindowTitle(tr("MergeLab: %1").arg(QFileInfo(runDir_).fileName()));
        phaseLabel_->setText(tr("Opened %1 (%2)").arg(runDir_, QString::fromStdString(runs.front().stopped)));
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
    const RunResult* run = laneRun();
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
    QWidget* page = tabs_->currentWidget();
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
    overlay_->setChecked(settings.value("view/paperOverlay", true).toBool());
    accuracy_->setPaperOverlay(overlay_->isChecked());
}

void MainWindow::saveSettings() {
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    settings.setValue("setup/last", QString::fromStdString(config_to_json(setup_->config())));
    settings.setValue("view/paperOverlay", overlay_->isChecked());
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
