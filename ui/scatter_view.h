#pragma once
// One layer's weights of two environments against each other (x: the
// first, y: the second), every element or a seeded sample of 20,000, each
// dot coloured by the merged value of the chosen method, with the diagonal
// where the two agree. Shows how far the environments drifted apart and
// what max and absmax pick. Loaded on demand on a pool thread.
#include <QWidget>

#include <memory>

#include "run_view.h"

class QComboBox;
class QCustomPlot;
class QCPColorScale;
class QCPItemText;
class QCPTextElement;
class QLabel;

namespace mergelab::ui {

class ScatterView : public QWidget, public RunView {
    Q_OBJECT
public:
    static constexpr int kMaxPoints = 20000;

    explicit ScatterView(QWidget* parent = nullptr);

    QWidget* widget() override { return this; }
    QString name() const override { return QStringLiteral("scatter"); }
    QString title() const override { return tr("Weight sca&tter"); }
    void setRunModel(RunModel* model) override;
    QList<QWidget*> exportParts() override;

    void setLayer(const QString& tensor);
    void setMethod(const QString& method);

    // For tests: points drawn, and the text under the chart.
    int pointCount() const;
    QString status() const;
    QCustomPlot* plot() const { return plot_; }

signals:
    void loaded(); // the requested points arrived (or failed)

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct Points;
    void refillChoices();
    void request();
    void draw(const Points& points);
    void drawEmpty(const QString& message);

    RunModel* model_ = nullptr;
    QComboBox* layers_ = nullptr;
    QComboBox* methods_ = nullptr;
    QComboBox* xEnv_ = nullptr;
    QComboBox* yEnv_ = nullptr;
    QWidget* pairBox_ = nullptr;
    QCustomPlot* plot_ = nullptr;
    QCPTextElement* title_ = nullptr;
    QCPItemText* emptyText_ = nullptr;
    QCPColorScale* scale_ = nullptr;
    QLabel* status_ = nullptr;
    RunPtr run_;
    int round_ = 0;
    QString layer_ = QStringLiteral("conv1.weight"), method_ = QStringLiteral("max");
    int x_ = 0, y_ = 1;
    QString key_;
    bool filling_ = false;
    std::shared_ptr<int> generation_ = std::make_shared<int>(0);
};

} // namespace mergelab::ui
