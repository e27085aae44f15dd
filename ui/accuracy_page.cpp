#include "accuracy_page.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QToolButton>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include "accuracy_chart.h"
#include "loss_chart.h"
#include "messages.h"
#include "run_model.h"
#include "traffic.h"
#include "view_export.h"

namespace mergelab::ui {

AccuracyPage::AccuracyPage(QWidget* parent)
    : QSplitter(Qt::Vertical, parent)
    , accuracy_(new AccuracyChart)
    , loss_(new LossChart)
    , paperOverlay_(new QAction(tr("&Paper's published values"), this))
    , intervalBand_(new QAction(tr("Band: 95 % &interval (off: min-max)"), this))
    , bandRow_(new QWidget)
    , trafficAxis_(new QAction(tr("Accuracy against &traffic (cumulative bytes)"), this))
    , roundsButton_(new QToolButton)
    , trafficButton_(new QToolButton)
    , trafficReason_(new QLabel) {
    // Above the chart, visible switches: the x axis, and the band of repeated seeds.
    auto* top = new QWidget;
    auto* column = new QVBoxLayout(top);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    auto* switches = new QWidget;
    auto* switchRow = new QHBoxLayout(switches);
    switchRow->setContentsMargins(8, 2, 8, 0);
    auto* axisLabel = new QLabel(tr("&X axis:"));
    roundsButton_->setObjectName(QStringLiteral("roundsAxisButton"));
    roundsButton_->setText(tr("Rounds"));
    trafficButton_->setObjectName(QStringLiteral("trafficAxisButton"));
    trafficButton_->setText(tr("Cumulative traffic (bytes)"));
    for (QToolButton* button : {roundsButton_, trafficButton_}) {
        button->setCheckable(true);
        button->setAutoExclusive(true);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    }
    roundsButton_->setChecked(true);
    axisLabel->setBuddy(roundsButton_);
    trafficReason_->setObjectName(QStringLiteral("trafficReason"));
    trafficReason_->setStyleSheet(QStringLiteral("color: #666;"));
    trafficReason_->setWordWrap(true);
    switchRow->addWidget(axisLabel);
    switchRow->addWidget(roundsButton_);
    switchRow->addWidget(trafficButton_);
    // The reason takes the row's room while it shows, so it keeps to one
    // line where the window is wide enough.
    switchRow->addWidget(trafficReason_, 1);
    switchRow->addWidget(bandRow_);
    switchRow->addStretch();
    column->addWidget(switches);
    auto* row = new QHBoxLayout(bandRow_);
    row->setContentsMargins(12, 0, 0, 0);
    auto* bandLabel = new QLabel(tr("Seeds' band:"));
    auto* bandButton = new QToolButton;
    bandButton->setObjectName(QStringLiteral("bandButton"));
    bandButton->setDefaultAction(intervalBand_);
    bandButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bandLabel->setBuddy(bandButton);
    row->addWidget(bandLabel);
    row->addWidget(bandButton);
    bandRow_->setVisible(false);
    column->addWidget(accuracy_, 1);
    addWidget(top);
    addWidget(loss_);
    setStretchFactor(0, 3);
    setStretchFactor(1, 1);

    paperOverlay_->setObjectName(QStringLiteral("paperOverlay"));
    paperOverlay_->setCheckable(true);
    paperOverlay_->setChecked(true);
    paperOverlay_->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+P")));
    accuracy_->setPaperOverlay(true);
    connect(paperOverlay_, &QAction::toggled, accuracy_, &AccuracyChart::setPaperOverlay);

    intervalBand_->setObjectName(QStringLiteral("intervalBand"));
    intervalBand_->setCheckable(true);
    intervalBand_->setChecked(true);
    intervalBand_->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+B")));
    intervalBand_->setToolTip(tr("With repeated seeds: draw each strategy's band as the 95 % interval of its "
                                 "mean (on) or as the range from the lowest to the highest seed (off)"));
    connect(intervalBand_, &QAction::toggled, accuracy_, [this](bool interval) {
        accuracy_->setBand(interval ? AccuracyChart::Band::Interval : AccuracyChart::Band::MinMax);
    });

    trafficAxis_->setObjectName(QStringLiteral("trafficAxis"));
    trafficAxis_->setCheckable(true);
    trafficAxis_->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+X")));
    const QString trafficTip =
        tr("Draw each merged model's test accuracy against the bytes that travelled up to its round: every "
           "environment's weights and statistics sent and the merged model received. Methods compared in one "
           "run share that run's traffic; each lane has its own.");
    trafficAxis_->setToolTip(trafficTip);
    trafficButton_->setToolTip(trafficTip);
    roundsButton_->setToolTip(tr("Draw the accuracies round by round"));
    // The action is the choice (remembered, in the View menu); the buttons show it.
    connect(trafficAxis_, &QAction::toggled, this, [this](bool traffic) {
        accuracy_->setXAxis(traffic ? AccuracyChart::XAxis::Traffic : AccuracyChart::XAxis::Rounds);
        updateAxisSwitch();
    });
    connect(trafficButton_, &QToolButton::clicked, this, [this] { trafficAxis_->setChecked(true); });
    connect(roundsButton_, &QToolButton::clicked, this, [this] { trafficAxis_->setChecked(false); });
    updateAxisSwitch();
}

QList<QAction*> AccuracyPage::viewActions() {
    return {paperOverlay_, intervalBand_, trafficAxis_};
}

QString AccuracyPage::trafficReason() const {
    return trafficButton_->isEnabled() ? QString() : trafficReason_->text();
}

void AccuracyPage::updateAxisSwitch() {
    const QString why = accuracy_->trafficUnavailable();
    const bool can = why.isEmpty();
    trafficButton_->setEnabled(can);
    roundsButton_->setEnabled(can);
    trafficAxis_->setEnabled(can);
    // What the chart draws, not what was asked: a run without byte counts
    // is drawn by rounds even when traffic was chosen for another run.
    (accuracy_->trafficShown() ? trafficButton_ : roundsButton_)->setChecked(true);
    trafficReason_->setText(can ? QString() : tr("Traffic unavailable: %1").arg(why));
    trafficReason_->setVisible(!can);
}

namespace {

// Each lane's own traffic by round, under the name its line has; empty
// unless lanes are compared.
AccuracyChart::LaneTraffic traffic_of(const RunModel& model, const RunPtr& shown) {
    AccuracyChart::LaneTraffic traffic;
    // The comparison is marked as lanes; each lane's own run.json says compare.
    if (!shown || model.hasRepeats() || shown->config.mode != Mode::Lanes)
        return traffic;
    for (const RunResult* lane : model.runs()) {
        if (lane->config.seed != shown->config.seed)
            continue;
        std::map<int, double> sums;
        const std::vector<int64_t> totals = cumulative_traffic(*lane);
        for (size_t i = 0; i < totals.size(); ++i)
            sums[lane->rounds[i].round > 0 ? lane->rounds[i].round : static_cast<int>(i) + 1] =
                double(totals[i]);
        traffic[lane->lane] = sums;
        // The comparison names a lane's line by its merged model.
        if (!lane->rounds.empty() && !lane->rounds.front().merged.empty())
            traffic[lane->rounds.front().merged.front().method] = sums;
    }
    return traffic;
}

// Each strategy's accuracy over the seeds; empty without repeats.
std::vector<AccuracyChart::Curve> spread_of(const RunModel& model) {
    std::vector<AccuracyChart::Curve> curves;
    if (!model.hasRepeats())
        return curves;
    const auto runs = model.runs();
    for (const StrategySpread& s : summarize_repeats(runs).strategies)
        curves.push_back({QString::fromStdString(s.strategy), accuracy_by_round(runs, s.strategy)});
    return curves;
}

} // namespace

void AccuracyPage::setRunModel(RunModel* model) {
    auto showRun = [this, model] {
        bandRow_->setVisible(model->hasRepeats());
        const RunPtr shown = model->comparison();
        accuracy_->setLaneTraffic(traffic_of(*model, shown));
        accuracy_->setRun(shown, spread_of(*model));
        updateAxisSwitch();
    };
    auto redraw = [this, model, showRun] {
        showRun();
        accuracy_->setRound(model->selectedRound());
    };
    connect(model, &RunModel::runReset, this, [this, model, redraw] {
        // Another run: the last one's losses must not pass for this one's.
        lossRound_ = 0;
        lossLane_.clear();
        loss_->clear();
        if (!model->isLive())
            loss_->setEmptyText(tr("Training losses are drawn live while a run trains; run files keep only "
                                   "the rounds' accuracies"));
        accuracy_->setEmptyText(model->isLive() ? tr("Round 1 is training: its points appear when it ends")
                                                : tr("No rounds yet: press Start"));
        redraw();
    });
    connect(model, &RunModel::liveFinished, this,
            [this] { accuracy_->setEmptyText(tr("No rounds yet: press Start")); });
    connect(model, &RunModel::laneSelected, this, redraw);
    // Lanes mode compares every lane, so any lane's round (or a new lane) changes the chart.
    connect(model, &RunModel::laneAdded, this, showRun);
    connect(model, &RunModel::laneRoundAdded, this, showRun);
    connect(model, &RunModel::roundSelected, accuracy_, &AccuracyChart::setRound);

    connect(model, &RunModel::phaseChanged, this, [this, model](const PhaseChanged& p) {
        // Before the first round ends, say where it is, as the status bar and
        // a lesson do: "is training" while it was testing read as a contradiction.
        if (model->isLive() && model->roundCount() == 0 && p.phase != Phase::Saving)
            accuracy_->setEmptyText(
                tr("%1. The chart draws a round's points once the round has ended.").arg(phase_caption(p)));
        const QString lane = QString::fromStdString(p.lane);
        if ((p.phase == Phase::Training || p.phase == Phase::Baseline) &&
            (p.round != lossRound_ || lane != lossLane_)) {
            lossRound_ = p.round;
            lossLane_ = lane;
            loss_->startRound(
                p.round, model->config().split.envs,
                lane.isEmpty()
                    ? QString()
                    : tr("%1 (%2 of %3)").arg(lane).arg(model->runningLane() + 1).arg(model->plannedLanes()));
        }
    });
    connect(model, &RunModel::batchProgress, loss_, &LossChart::addBatch);
    redraw();
}

} // namespace mergelab::ui

namespace mergelab::ui {

QSize AccuracyPage::exportSize() {
    return {accuracy_->width(), accuracy_->height() + loss_->height()};
}

void AccuracyPage::renderExport(QCPPainter& painter) {
    // Both charts as the tab shows them, one above the other.
    paint_plot(accuracy_->plot(), painter, QRect(QPoint(0, 0), accuracy_->size()));
    paint_plot(loss_->plot(), painter, QRect(QPoint(0, accuracy_->height()), loss_->size()));
}

} // namespace mergelab::ui
