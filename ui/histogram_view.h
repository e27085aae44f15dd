#pragma once
// Per-layer weight histograms of one round: each environment's local model
// and each merged model overlaid, translucent, with a stats line.
#include <QSet>
#include <QWidget>

#include "run_view.h"

class QCustomPlot;
class QComboBox;
class QLabel;
class QCPItemText;
class QCPTextElement;

class QCPPainter;

namespace mergelab::ui {

class HistogramView : public QWidget, public RunView {
    Q_OBJECT
public:
    explicit HistogramView(QWidget* parent = nullptr);

    QWidget* widget() override { return this; }
    QString name() const override { return QStringLiteral("weights"); }
    QString title() const override { return tr("&Weights"); }
    void setRunModel(RunModel* model) override;

    void setRun(RunPtr run);
    void setRound(int round);             // 1-based; 0 or past the end: the last round
    void setLayer(const QString& tensor); // "conv1.weight" ... "fc2.bias"

    QString layer() const;
    QStringList layers() const;
    QCustomPlot* plot() const;
    // For tests: the counts drawn for `series` ("Env 1", "avg", ...).
    QVector<double> seriesCounts(const QString& series) const;
    QString statsText() const;
    // Series hidden by a click on their legend entry ("Env 1", "avg", ...).
    void setSeriesHidden(const QString& series, bool hidden);
    QSize exportSize() override;
    void renderExport(QCPPainter& painter) override;

private:
    const RoundResult* currentRound() const;
    void refillLayers();
    void redraw();

    QComboBox* combo_ = nullptr;
    QCustomPlot* plot_ = nullptr;
    QLabel* stats_ = nullptr;
    QCPTextElement* title_ = nullptr;
    QCPItemText* emptyText_ = nullptr;
    RunPtr run_;
    int round_ = 0;
    QString wanted_ = QStringLiteral("conv1.weight"); // kept when a round lacks it
    QString statsPlain_;
    QSet<QString> hidden_; // kept across rounds and layers
    bool filling_ = false; // the combo is being refilled: ignore its signals
};

} // namespace mergelab::ui
