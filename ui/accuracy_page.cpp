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
#include "view_export.h"

namespace mergelab::ui {

AccuracyPage::AccuracyPage(QWidget* parent)
    : QSplitter(Qt::Vertical, parent)
    , accuracy_(new AccuracyChart)
    , loss_(new LossChart)
    , paperOverlay_(new QAction(tr("&Paper's published values"), this))
    , intervalBand_(new QAction(tr("Band: 95 % &interval (off: min-max)"), this))
    , bandRow_(new QWidget) {
    // Above the chart, a visible switch for the band of repeated seeds.
    auto* top = new QWidget;
    auto* column = new QVBoxLayout(top);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    auto* row = new QHBoxLayout(bandRow_);
    row->setContentsMargins(8, 2, 8, 0);
    auto* bandLabel = new QLabel(tr("Seeds' band:"));
    auto* bandButton = new QToolButton;
    bandButton->setObjectName(QStringLiteral("bandButton"));
    bandButton->setDefaultAction(intervalBand_);
    bandButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bandLabel->setBuddy(bandButton);
    row->addWidget(bandLabel);
    row->addWidget(bandButton);
    row->addStretch(1);
    bandRow_->setVisible(false);
    column->addWidget(bandRow_);
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
}

QList<QAction*> AccuracyPage::viewActions() {
    return {paperOverlay_, intervalBand_};
}

namespace {

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
        accuracy_->setRun(model->comparison(), spread_of(*model));
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
            const int lanes = static_cast<int>(model->config().lanes.size());
            loss_->startRound(p.round, model->config().split.envs,
                              lane.isEmpty()
                                  ? QString()
                                  : tr("%1 (%2 of %3)").arg(lane).arg(model->runningLane() + 1).arg(lanes));
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
