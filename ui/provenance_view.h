#pragma once
// Where the elements of a picking merge (max, absmax) came from: per layer
// the share taken from each environment in the shown round, environment 1's
// share over the rounds, the sign flips, and for the chosen layer a map of
// every element coloured by its environment (conv filters as a grid of small
// maps, fully connected layers as rows).
#include <QWidget>

#include <memory>

#include "run_view.h"

class QComboBox;
class QCustomPlot;
class QCPItemStraightLine;
class QCPItemText;
class QCPTextElement;
class QLabel;

namespace mergelab::ui {

class ProvenanceMap;

class ProvenanceView : public QWidget, public RunView {
    Q_OBJECT
public:
    explicit ProvenanceView(QWidget* parent = nullptr);

    QWidget* widget() override { return this; }
    QString name() const override { return QStringLiteral("provenance"); }
    QString title() const override { return tr("&Provenance"); }
    void setRunModel(RunModel* model) override;
    QList<QWidget*> exportParts() override;

    void setMethod(const QString& method);
    void setLayer(const QString& tensor);

    // For tests: the shares (%) drawn for environment `env`, one per layer
    // in the model's order; the sign-flip line; the map's state.
    QVector<double> shares(int env) const;
    QString signFlips() const;
    QString mapStatus() const;
    bool mapReady() const;
    QCustomPlot* plot() const { return bars_; }

signals:
    void mapLoaded(); // the per-element map arrived (or failed)

protected:
    void showEvent(QShowEvent* event) override;

private:
    void refillChoices();
    void redraw();
    void drawBars();
    void drawRounds();
    void requestMap();
    // Before each replot: the room the labels need, and the labels that fit.
    void fitBars();
    void showShareLabelsThatFit();
    void fitRounds();

    RunModel* model_ = nullptr;
    QComboBox* methods_ = nullptr;
    QComboBox* layers_ = nullptr;
    QCustomPlot* bars_ = nullptr;
    QCustomPlot* rounds_ = nullptr;
    QCPTextElement* barsTitle_ = nullptr;
    QCPTextElement* roundsTitle_ = nullptr;
    QCPItemText* barsEmpty_ = nullptr;
    QCPItemStraightLine* marker_ = nullptr;
    QLabel* flips_ = nullptr;
    QLabel* none_ = nullptr; // in place of both charts when no method picks
    QLabel* mapTitle_ = nullptr;
    ProvenanceMap* map_ = nullptr;
    RunPtr run_;
    int round_ = 0;
    int layerCount_ = 0;      // rows of the bar chart
    QString roundsTitleText_; // unwrapped
    QString method_ = QStringLiteral("max"), layer_ = QStringLiteral("conv1.weight");
    QString mapKey_;
    bool filling_ = false;
    std::shared_ptr<int> generation_ = std::make_shared<int>(0);
};

} // namespace mergelab::ui
