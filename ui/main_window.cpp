#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSlider>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>

#include "class_names.h"
#include "command_line.h"
#include "experiment_runner.h"
#include "files_controller.h"
#include "flow_view.h"
#include "focus_ring.h"
#include "help_dialog.h"
#include "i18n.h"
#include "lesson.h"
#include "lesson_controller.h"
#include "log_panel.h"
#include "mergelab/error.h"
#include "mergelab/log.h"
#include "mergelab/run_files.h"
#include "presentation_controller.h"
#include "run_model.h"
#include "setup_panel.h"
#include "version.h"
#include "views.h"

namespace mergelab::ui {

MainWindow::MainWindow(QWidget* parent)
    : MainWindow(standard_views(), parent) {}

MainWindow::MainWindow(const std::vector<ViewFactory>& views, QWidget* parent)
    : QMainWindow(parent)
    , runner_(new ExperimentRunner(this))
    , model_(new RunModel(this)) {
    install_focus_rings(); // before any widget is polished
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
    presentation_->applyZoom();
    updateActions();
    syncScrubber();
    syncLanes();
}

MainWindow::~MainWindow() = default;

void MainWindow::setPresentation(bool on) {
    presentation_->setPresentation(on);
}

bool MainWindow::isPresenting() const {
    return presentation_->isPresenting();
}

double MainWindow::zoomFactor() const {
    return presentation_->zoomFactor();
}

void MainWindow::zoomBy(int steps) {
    presentation_->zoomBy(steps);
}

QAction* MainWindow::presentationAction() const {
    return presentation_->presentationAction();
}

void MainWindow::buildViews(const std::vector<ViewFactory>& views) {
    tabs_ = new QTabWidget;
    tabs_->setDocumentMode(true);
    for (const ViewFactory& make : views) {
        RunView* view = make();
        views_.push_back(view);
        tabs_->addTab(view->widget(), view->title());
        view->setRunModel(model_);
    }
    // The shown tab's paragraph of the help, one click from the tab itself.
    auto* help = new QToolButton;
    help->setObjectName("viewHelp");
    help->setText(QStringLiteral("?"));
    help->setToolTip(tr("What this tab shows (opens its paragraph of How merging works)"));
    help->setAccessibleName(tr("Help for this tab"));
    help->setAutoRaise(true);
    connect(help, &QToolButton::clicked, this, [this] {
        const int index = tabs_->currentIndex();
        if (index >= 0)
            showHelp(this, views_[static_cast<size_t>(index)]->helpAnchor());
    });
    tabs_->setCornerWidget(help, Qt::TopRightCorner);
    setCentralWidget(tabs_);
}

void MainWindow::buildDocks() {
    // The panel scrolls inside itself; its problem strip stays in view.
    setup_ = new SetupPanel;
    auto* setupDock = new QDockWidget(tr("Setup"));
    setupDock->setObjectName("setupDock");
    setupDock->setWidget(setup_);
    addDockWidget(Qt::LeftDockWidgetArea, setupDock);

    log_ = new LogPanel;
    auto* logDock = new QDockWidget(tr("Log"));
    logDock->setObjectName("logDock");
    logDock->setWidget(log_);
    addDockWidget(Qt::BottomDockWidgetArea, logDock);
    resizeDocks({logDock}, {120}, Qt::Vertical);
    // At its narrowest that still shows every field: on a 1280 wide screen
    // its preferred width took almost half the window from the charts.
    resizeDocks({setupDock}, {setup_->minimumSizeHint().width()}, Qt::Horizontal);
}

void MainWindow::buildRoundBar() {
    // The round scrubber and the lane selector drive every view.
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
    roundLabel_->setObjectName("roundLabel");
    roundBar->addWidget(roundLabel_);

    auto* laneBox = new QWidget;
    auto* laneLayout = new QHBoxLayout(laneBox);
    laneLayout->setContentsMargins(12, 0, 0, 0);
    auto* laneLabel = new QLabel(tr("Lane:"));
    lane_ = new QComboBox;
    lane_->setObjectName("laneSelector");
    lane_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    lane_->setToolTip(
        tr("Lanes mode: the lane every view shows (each lane is one experiment with one method)"));
    laneLabel->setBuddy(lane_);
    laneLayout->addWidget(laneLabel);
    laneLayout->addWidget(lane_);
    laneAction_ = roundBar->addWidget(laneBox);
    laneAction_->setVisible(false);
    addToolBar(Qt::TopToolBarArea, roundBar);
    connect(scrubber_, &QSlider::valueChanged, model_, &RunModel::selectRound);
    connect(lane_, &QComboBox::activated, model_, &RunModel::selectLane);
}

void MainWindow::buildActions() {
    files_ = new FilesController({this, model_, runner_,
                                  [this]() -> RunView* {
                                      const int tab = tabs_->currentIndex();
                                      return tab < 0 ? nullptr : views_[static_cast<size_t>(tab)];
                                  },
                                  [this] { return runDir_; }},
                                 menuBar()->addMenu(tr("&File")));
    connect(files_, &FilesController::openRequested, this, [this](const QString& path) { openRun(path); });
    auto* run = menuBar()->addMenu(tr("&Run"));
    start_ = run->addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Start"), this,
                            &MainWindow::startRun);
    start_->setShortcuts({QKeySequence("Ctrl+R"), QKeySequence("F5")});
    pause_ = run->addAction(style()->standardIcon(QStyle::SP_MediaPause), tr("&Pause"), this,
                            &MainWindow::togglePause);
    pause_->setShortcut(QKeySequence("Ctrl+P"));
    step_ = run->addAction(style()->standardIcon(QStyle::SP_MediaSkipForward), tr("Step one &round"), this,
                           &MainWindow::stepRun);
    step_->setShortcut(QKeySequence("F10"));
    step_->setToolTip(tr("Run one more round, then pause (F10)"));
    stop_ =
        run->addAction(style()->standardIcon(QStyle::SP_MediaStop), tr("S&top"), this, &MainWindow::stopRun);
    stop_->setShortcuts({QKeySequence("Ctrl+."), QKeySequence("Shift+F5")});

    buildViewMenu();
    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&How merging works"), QKeySequence::HelpContents, this, [this] { showHelp(this); });
    help->addSeparator();
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
    bar->addAction(files_->openAction());
    bar->addAction(files_->saveAction());
    buildLesson(run, bar);

    connect(setup_, &SetupPanel::validityChanged, this, [this] { updateActions(); });
    // Before the first run Flow draws what Start will do with this setup.
    auto plan = [this] {
        if (FlowView* flow = view<FlowView>())
            flow->showPlan(setup_->config(), setup_->classCounts()->counts());
    };
    connect(setup_, &SetupPanel::changed, this, plan);
    connect(setup_, &SetupPanel::classCountsChanged, this, plan);
    QTimer::singleShot(0, this, plan);
}

void MainWindow::connectRunner() {
    // The names first: the views read them when the data arrives.
    connect(runner_, &ExperimentRunner::dataLoaded, this, [](const DataPtr& data) {
        if (data)
            set_class_names(data->class_names);
    });
    connect(runner_, &ExperimentRunner::dataLoaded, model_, &RunModel::setData);
    connect(runner_, &ExperimentRunner::runStarted, this, &MainWindow::onRunStarted);
    connect(runner_, &ExperimentRunner::phaseChanged, this, &MainWindow::onPhaseChanged);
    connect(runner_, &ExperimentRunner::batchProgress, this, &MainWindow::onBatchProgress);
    connect(runner_, &ExperimentRunner::dataProgress, this, &MainWindow::onDataProgress);
    if (FlowView* flow = view<FlowView>())
        connect(flow, &FlowView::phaseShown, this, &MainWindow::showPhase);
    connect(runner_, &ExperimentRunner::roundFinished, this,
            [this](const QString& lane, const RoundResult& r) {
                model_->appendRound(lane.toStdString(), r);
                // After a Step the run is paused from this round on.
                if (runner_->isPaused())
                    updateActions();
            });
    connect(runner_, &ExperimentRunner::runFinished, this, &MainWindow::onLaneFinished);
    connect(runner_, &ExperimentRunner::failed, this, [this](const QString& message, const QString& field) {
        runFailed_ = true;
        setup_->setRefusal(message, field);
        statusBar()->showMessage(message, 15000);
    });
    connect(runner_, &ExperimentRunner::pausedChanged, this, &MainWindow::onPausedChanged);
    connect(runner_, &ExperimentRunner::environmentStatus, model_, &RunModel::relayEnvironmentStatus);
    connect(runner_, &ExperimentRunner::coordinatorListening, this,
            [this](const QString& address, const QString& token, const QString& fingerprint) {
                QString join =
                    tr("Each environment K joins with: mergelab-cli env --connect %1 --rank K --token %2")
                        .arg(address, token);
                if (!fingerprint.isEmpty())
                    join += " --fingerprint " + fingerprint;
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
    connect(model_, &RunModel::runReset, this, &MainWindow::syncLanes);
    connect(model_, &RunModel::laneAdded, this, &MainWindow::syncLanes);
    connect(model_, &RunModel::laneSelected, this, &MainWindow::syncLanes);
    connect(model_, &RunModel::liveFinished, this, &MainWindow::syncLanes);
    connect(model_, &RunModel::liveFinished, this, &MainWindow::syncScrubber);
}

void MainWindow::buildLesson(QMenu* runMenu, QToolBar* runBar) {
    lesson_ = new LessonController({this, runner_, model_, tabs_, view<FlowView>(),
                                    [this] { return running_; }, [this] { return lanePrefix(); }},
                                   runMenu, runBar, stop_);
    connect(lesson_, &LessonController::statusText, phaseLabel_, &QLabel::setText);
    connect(lesson_, &LessonController::holdChanged, this, &MainWindow::syncClock);
    connect(lesson_, &LessonController::actionsChanged, this, &MainWindow::updateActions);
    // Back from a step, the status bar says what the run is doing again.
    connect(lesson_, &LessonController::continued, this, [this] {
        if (!lastPhaseText_.isEmpty() && runner_->isRunning())
            phaseLabel_->setText(lastPhaseText_);
    });
}

QAction* MainWindow::nextStepAction() const {
    return lesson_->nextStepAction();
}

QAction* MainWindow::replayLessonAction() const {
    return lesson_->replayAction();
}

LessonGuide* MainWindow::lesson() const {
    return lesson_->guide();
}

bool MainWindow::replayLesson() {
    return lesson_->replay();
}

QString MainWindow::newRunDirectory() const {
    return runsFolder() + "/" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss-zzz");
}

void MainWindow::startRun() {
    if (runner_->isRunning() || !setup_->isValid())
        return;
    running_ = setup_->config();
    runDir_ = newRunDirectory();
    runDirIsOurs_ = true;
    running_.out_dir = runDir_.toStdString();
    model_->startLive(running_);
    // The run shown is this one now, not the one opened before.
    setWindowTitle(tr("MergeLab: %1").arg(QFileInfo(runDir_).fileName()));
    batchesDone_ = 0;
    batchesTotal_ = 0;
    liveRound_ = 0;
    pausedMs_ = 0;
    lastFraction_ = 0;
    runFailed_ = false;
    elapsed_.start();
    setup_->setLocked(true);
    setup_->setRefusal({}, {});
    saveSettings();
    logger()->info("{}", tr("starting: %1 split, %2 environments, %3 rounds; saving to %4")
                             .arg(QString::fromStdString(running_.split.kind))
                             .arg(running_.split.envs)
                             .arg(running_.rounds)
                             .arg(runDir_)
                             .toStdString());
    setup_->setJoinInfo({});
    runner_->setEnvironmentsMode(setup_->environmentsMode());
    runner_->setLessonMode(setup_->lessonMode());
    lesson_->runStarting(setup_->lessonMode());
    runner_->start(running_);
    phaseLabel_->setText(tr("Loading the data…"));
    updateActions();
}

void MainWindow::stepRun() {
    if (runner_->isRunning() && runner_->lessonMode()) {
        // A lesson steps by itself: Step goes on to its next stop.
        runner_->next();
        updateActions();
        return;
    }
    if (!runner_->isRunning() && setup_->lessonMode()) {
        startRun();
        return;
    }
    if (runner_->isRunning()) {
        runner_->step(running_);
        updateActions();
        return;
    }
    startRun();
    if (runner_->isRunning())
        runner_->step(running_);
    updateActions();
}

void MainWindow::togglePause() {
    if (!runner_->isRunning())
        return;
    if (runner_->isAtLessonStop())
        runner_->next(); // shown as Resume there: it goes on
    else if (runner_->isPaused())
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
    // A lesson stop holds the run as a pause does, and Resume goes on.
    const bool paused = runner_->isPaused() || runner_->isAtLessonStop();
    // Progress bars only mean something during a run.
    phaseProgress_->setVisible(running);
    runProgress_->setVisible(running);
    start_->setEnabled(!running && setup_->isValid());
    start_->setToolTip(setup_->isValid() ? tr("Start training (Ctrl+R)")
                                         : tr("Cannot start: %1").arg(setup_->problem()));
    pause_->setEnabled(running);
    pause_->setText(paused ? tr("Resume") : tr("Pause"));
    pause_->setToolTip(paused ? tr("Resume training (Ctrl+P)")
                              : tr("Pause after the current batch (Ctrl+P)"));
    pause_->setIcon(style()->standardIcon(paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
    step_->setEnabled((!running && setup_->isValid()) || paused);
    stop_->setEnabled(running);
    files_->saveAction()->setEnabled(!runDir_.isEmpty() && !running && model_->roundCount() > 0);
    lesson_->updateActions(running);
    if (!setup_->isValid() && !running)
        phaseLabel_->setText(tr("Setup: %1").arg(setup_->problem()));
    else if (!running && phaseLabel_->text().startsWith(tr("Setup:")))
        phaseLabel_->setText(tr("Ready"));
}

void MainWindow::syncScrubber() {
    const int rounds = model_->roundCount();
    const int round = model_->selectedRound();
    const QSignalBlocker block(scrubber_);
    scrubber_->setRange(rounds ? 1 : 0, std::max(rounds, 1));
    scrubber_->setValue(round);
    scrubber_->setEnabled(rounds > 1);
    roundLabel_->setText(rounds             ? tr(" %1 of %2 ").arg(round).arg(rounds)
                         : model_->isLive() ? tr(" round 1 under way ")
                                            : tr(" no rounds yet "));
}

void MainWindow::syncLanes() {
    const int lanes = model_->laneCount();
    const bool lanesMode = model_->config().mode == Mode::Lanes || lanes > 1;
    const int total = model_->plannedLanes();
    const QSignalBlocker block(lane_);
    lane_->clear();
    for (int i = 0; i < lanes; ++i) {
        QString name = QString::fromStdString(model_->lane(i)->lane);
        if (model_->hasRepeats()) {
            const auto seed = static_cast<qulonglong>(model_->lane(i)->config.seed);
            name = name.isEmpty() ? tr("seed %1").arg(seed) : tr("%1, seed %2").arg(name).arg(seed);
        }
        QString text = tr("%1 of %2: %3").arg(i + 1).arg(total).arg(name);
        if (i == model_->runningLane())
            text += model_->isPaused() ? tr(" (paused)") : tr(" (running)");
        lane_->addItem(text);
    }
    lane_->setCurrentIndex(model_->selectedLane());
    laneAction_->setVisible(lanesMode && lanes > 0);
}

QString MainWindow::lanePrefix() const {
    const int running = model_->runningLane();
    const ExperimentConfig& c = model_->config();
    if (c.mode != Mode::Lanes || running < 0)
        return {};
    return tr("Lane %1 of %2: %3 · ")
        .arg(running + 1)
        .arg(model_->plannedLanes())
        .arg(QString::fromStdString(model_->lane(running)->lane));
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
    presentation_ = new PresentationController(this, tabs_, phaseLabel_, menu);
    menu->addSeparator();
    menu->addMenu(makeLanguageMenu(this));
    menu->addSeparator();
    // Window-wide, unlike QTabWidget's own Ctrl+Tab that needs the focus
    // inside the tabs: past the ninth tab this is the way there.
    auto* nextTab = menu->addAction(tr("Next tab"), this, [this] {
        tabs_->setCurrentIndex((tabs_->currentIndex() + 1) % tabs_->count());
    });
    nextTab->setShortcuts({QKeySequence("Ctrl+PgDown"), QKeySequence("Ctrl+Tab")});
    auto* previousTab = menu->addAction(tr("Previous tab"), this, [this] {
        tabs_->setCurrentIndex((tabs_->currentIndex() + tabs_->count() - 1) % tabs_->count());
    });
    previousTab->setShortcuts({QKeySequence("Ctrl+PgUp"), QKeySequence("Ctrl+Shift+Tab")});
    for (int i = 0; i < static_cast<int>(views_.size()); ++i) {
        auto* a =
            menu->addAction(views_[i]->title().remove('&'), this, [this, i] { tabs_->setCurrentIndex(i); });
        // Ctrl+1..9; past nine tabs Ctrl+Tab and Ctrl+PgDown reach the rest
        // ("Ctrl+10" is not a key).
        if (i < 9)
            a->setShortcut(QKeySequence(QString("Ctrl+%1").arg(i + 1)));
    }
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

void MainWindow::applyPreset(const QString& name) {
    const QString preset = preset_key(name);
    if (preset.isEmpty())
        throw UsageError("unknown preset '" + name.toStdString() + "' (use " + preset_names().toStdString() +
                         ")");
    setup_->applyPreset(preset);
}

void MainWindow::setQuitWhenDone(bool quit, const QString& screenshot_path) {
    quitWhenDone_ = quit;
    files_->setQuiet(quit);
    screenshotPath_ = screenshot_path;
}

void MainWindow::finishAutomation(int exit_code) {
    // Let queued replots land before the window is grabbed.
    QTimer::singleShot(300, this, [this, exit_code] {
        int code = exit_code;
        if (!screenshotPath_.isEmpty()) {
            QApplication::processEvents();
            if (!grab().save(screenshotPath_)) {
                logger()->error("{}",
                                tr("could not save the screenshot to %1").arg(screenshotPath_).toStdString());
                code = 1;
            }
        }
        QApplication::exit(code);
    });
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, tr("About MergeLab"),
        tr("<h3>MergeLab %1</h3>"
           "<p>Watch neural networks trained in separate environments being merged into one. Each "
           "environment "
           "trains on its own data; only weights travel.</p>"
           "<p>Implements: Yun-Ho Lee, Su-Hang Lee, Hye-Jin Ju, Jong-Lark Lee, Ill-Young Weon, "
           "<i>Integration of neural network models trained in different environments</i> "
           "(다른 환경에서 학습된 신경망 모델의 통합), Seoul Hoseo College / Yeungnam Technical College; "
           "journal version: Jong-Lark Lee, <i>Unification of Deep Learning Model trained by Parallel "
           "Learning "
           "in Security environment</i>, JKSCI 26(12):69, 2021.</p>"
           "<p>Data: Fashion-MNIST. Built with Qt, LibTorch and QCustomPlot.</p>")
            .arg(application_version()));
}

RunPtr MainWindow::shownRun() const {
    return model_->run();
}

int MainWindow::shownRound() const {
    return scrubber_->value();
}

void MainWindow::fitToScreen() {
    // The window opens on whatever screen it is on, down to a 1024x768
    // projector, and never larger than that screen; the frame and the
    // desktop's panels need a little room.
    const QScreen* screen = this->screen() ? this->screen() : QGuiApplication::primaryScreen();
    if (!screen)
        return;
    const QRect available = screen->availableGeometry();
    const QSize room = available.size() - QSize(16, 40);
    // A short screen (a 1024x600 netbook, a 1280x720 projector): the log
    // shares the setup panel's place, a tab each, so the views keep their
    // height and the window its status bar on the screen. Under the views
    // at 720 px the log took 150 px, and Provenance's round chart went
    // below the fold in Korean.
    auto* setupDock = findChild<QDockWidget*>(QStringLiteral("setupDock"));
    auto* logDock = findChild<QDockWidget*>(QStringLiteral("logDock"));
    if (setupDock && logDock && !setupDock->isFloating() && !logDock->isFloating() &&
        (available.height() < 760 || minimumSizeHint().height() > room.height()) &&
        !tabifiedDockWidgets(setupDock).contains(logDock)) {
        tabifyDockWidget(setupDock, logDock);
        setupDock->raise();
    }
    const QSize size = this->size();
    if (size.width() < 400 || size.height() < 300)
        resize(QSize(1400, 900).boundedTo(room));
    else if (size.width() > room.width() || size.height() > room.height())
        resize(size.boundedTo(room));
    QRect frame = frameGeometry();
    if (!available.contains(frame))
        move(available.topLeft());
}

void MainWindow::showEvent(QShowEvent* event) {
    // The screen is known for sure only now.
    if (!fitted_) {
        fitted_ = true;
        fitToScreen();
        // A setup width saved on a wide screen would leave the charts a strip
        // on a 1280 one: the panel gets at most a third of the window, never
        // less than its fields need. Once laid out, the dock's width is true.
        QTimer::singleShot(0, this, [this] {
            auto* dock = findChild<QDockWidget*>("setupDock");
            const int most = std::max(setup_->minimumSizeHint().width(), width() / 3);
            if (dock && !dock->isFloating() && dock->width() > most)
                resizeDocks({dock}, {most}, Qt::Horizontal);
        });
    }
    QMainWindow::showEvent(event);
}

void MainWindow::restoreSettings() {
    QSettings settings;
    resize(QSize(1400, 900));
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray());
    fitToScreen();
    const QString setup = settings.value("setup/last").toString();
    if (!setup.isEmpty()) {
        try {
            setup_->setConfig(config_from_json(setup.toStdString(), "settings"));
        } catch (const std::exception& e) {
            logger()->warn("{}",
                           tr("ignored the saved setup: %1").arg(QString::fromUtf8(e.what())).toStdString());
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
    // Presentation mode is for now; the window to come back to is the one before it.
    settings.setValue("window/geometry", presentation_->windowGeometry());
    settings.setValue("window/state", presentation_->windowState());
    settings.setValue("setup/last", QString::fromStdString(config_to_json(setup_->config())));
    for (RunView* view : views_)
        for (QAction* action : view->viewActions())
            if (action->isCheckable() && !action->objectName().isEmpty())
                settings.setValue("view/" + action->objectName(), action->isChecked());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (runner_->isRunning() && !quitWhenDone_ && !quitConfirmed_) {
        // Quitting loses the round in progress: ask, without blocking the
        // run's updates meanwhile.
        event->ignore();
        const int rounds = model_->roundCount();
        auto* box = new QMessageBox(
            QMessageBox::Question, tr("Quit MergeLab?"),
            rounds == 0 ? tr("A run is in progress. Quitting stops it before its first round has ended: "
                             "nothing of it is kept.")
                        : tr("A run is in progress. Quitting stops it: the round in progress is lost, the "
                             "%n finished round(s) stay saved in %1.",
                             nullptr, rounds)
                              .arg(runDir_),
            QMessageBox::NoButton, this);
        box->setObjectName("confirmQuit");
        box->setAttribute(Qt::WA_DeleteOnClose);
        QPushButton* quit = box->addButton(tr("Stop and quit"), QMessageBox::AcceptRole);
        box->addButton(QMessageBox::Cancel);
        box->setDefaultButton(QMessageBox::Cancel);
        connect(box, &QMessageBox::finished, this, [this, box, quit] {
            if (box->clickedButton() != quit)
                return;
            quitConfirmed_ = true;
            close();
        });
        box->open();
        return;
    }
    saveSettings();
    if (runner_->isRunning()) {
        // Cancel is checked between batches: the worker ends within one.
        runner_->stop();
        runner_->wait(5000);
    }
    event->accept();
}

} // namespace mergelab::ui
