#include "accuracy_page.h"

#include <QAction>

#include "accuracy_chart.h"
#include "loss_chart.h"
#include "run_model.h"

namespace mergelab::ui {

AccuracyPage::AccuracyPage(QWidget* parent)
    : QSplitter(Qt::Vertical, parent)
    , accuracy_(new AccuracyChart)
    , loss_(new LossChart)
    , paperOverlay_(new QAction(tr("&Paper's published values"), this)) {
    addWidget(accuracy_);
    addWidget(loss_);
    setStretchFactor(0, 3);
    setStretchFactor(1, 1);

    paperOverlay_->setObjectName(QStringLiteral("paperOverlay"));
    paperOverlay_->setCheckable(true);
    paperOverlay_->setChecked(true);
    paperOverlay_->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+P")));
    accuracy_->setPaperOverlay(true);
    connect(paperOverlay_, &QAction::toggled, accuracy_, &AccuracyChart::setPaperOverlay);
}

QList<QAction*> AccuracyPage::viewActions() {
    return {paperOverlay_};
}

void AccuracyPage::setRunModel(RunModel* model) {
    auto redraw = [this, model] {
        accuracy_->setRun(model->comparison());
        accuracy_->setRound(model->selectedRound());
    };
    connect(model, &RunModel::runReset, this, [this, model, redraw] {
        // An opened run leaves the last live round's losses in place.
        if (model->isLive()) {
            lossRound_ = 0;
            loss_->clear();
        }
        redraw();
    });
    connect(model, &RunModel::laneSelected, this, redraw);
    // Lanes mode compares every lane, so any lane's round (or a new lane) changes the chart.
    connect(model, &RunModel::laneAdded, this, [this, model] { accuracy_->setRun(model->comparison()); });
    connect(model, &RunModel::laneRoundAdded, this,
            [this, model] { accuracy_->setRun(model->comparison()); });
    connect(model, &RunModel::roundSelected, accuracy_, &AccuracyChart::setRound);

    connect(model, &RunModel::phaseChanged, this, [this, model](const PhaseChanged& p) {
        if ((p.phase == Phase::Training || p.phase == Phase::Baseline) && p.round != lossRound_) {
            lossRound_ = p.round;
            loss_->startRound(p.round, model->config().split.envs);
        }
    });
    connect(model, &RunModel::batchProgress, loss_, &LossChart::addBatch);
    redraw();
}

} // namespace mergelab::ui
