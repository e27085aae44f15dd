#pragma once
// The first tab: accuracy per round above, the current round's training
// loss batch by batch below. In lanes mode the accuracy chart compares the
// lanes' merged models; the loss chart always shows the live training.
// A switch above the chart sets its x axis: rounds, or the bytes that
// travelled up to each round.
#include <QSplitter>

#include "run_view.h"

class QAction;
class QLabel;
class QToolButton;

class QCPPainter;

namespace mergelab::ui {

class AccuracyChart;
class LossChart;

class AccuracyPage : public QSplitter, public RunView {
    Q_OBJECT
public:
    explicit AccuracyPage(QWidget* parent = nullptr);

    QWidget* widget() override { return this; }
    QString name() const override { return QStringLiteral("accuracy"); }
    QString title() const override { return tr("&Accuracy"); }
    void setRunModel(RunModel* model) override;
    QList<QAction*> viewActions() override;

    AccuracyChart* chart() const { return accuracy_; }
    QSize exportSize() override;
    void renderExport(QCPPainter& painter) override;
    LossChart* lossChart() const { return loss_; }
    QAction* intervalBandAction() const { return intervalBand_; }
    // Checked: the chart's x axis is the traffic, when the run has its bytes.
    QAction* trafficAxisAction() const { return trafficAxis_; }
    QToolButton* roundsButton() const { return roundsButton_; }
    QToolButton* trafficButton() const { return trafficButton_; }
    QString trafficReason() const; // why the switch is disabled; empty when it is not

private:
    AccuracyChart* accuracy_;
    LossChart* loss_;
    QAction* paperOverlay_;
    QAction* intervalBand_; // repeats: the band is the 95 % interval, else min-max
    QWidget* bandRow_;      // the band's switch, shown with repeats
    QAction* trafficAxis_;
    QToolButton* roundsButton_;
    QToolButton* trafficButton_;
    QLabel* trafficReason_; // shown while the traffic axis cannot be drawn
    void updateAxisSwitch();
    int lossRound_ = 0; // the round the loss chart shows
    QString lossLane_;  // and its lane, in lanes mode
};

} // namespace mergelab::ui
