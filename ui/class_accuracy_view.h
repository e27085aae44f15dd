#pragma once
// Per-class test accuracy over the rounds for one model (a merged method or
// an environment's local model): one line per class, the classes each
// environment held named in the legend, the shown round marked. In an H
// split it shows the merged model forgetting one side and recovering.
#include <QWidget>

#include "run_view.h"

class QComboBox;
class QCustomPlot;
class QCPItemStraightLine;
class QCPItemText;
class QCPTextElement;

namespace mergelab::ui {

class ClassAccuracyView : public QWidget, public RunView {
    Q_OBJECT
public:
    explicit ClassAccuracyView(QWidget* parent = nullptr);

    QWidget* widget() override { return this; }
    QString name() const override { return QStringLiteral("classes"); }
    QString title() const override { return tr("Per-c&lass"); }
    void setRunModel(RunModel* model) override;
    QList<QWidget*> exportParts() override;

    void setRun(RunPtr run);
    void setRound(int round);
    // "avg", "max", ... or "env:K" (0-based) for an environment's local model.
    void setSource(const QString& source);
    QString source() const { return source_; }
    // For tests: the accuracies drawn for class `c`, one per round.
    QVector<double> classLine(int c) const;
    QCustomPlot* plot() const { return plot_; }

private:
    void refillSources();
    void redraw();

    QComboBox* selector_ = nullptr;
    QCustomPlot* plot_ = nullptr;
    QCPTextElement* title_ = nullptr;
    QCPItemText* emptyText_ = nullptr;
    QCPItemStraightLine* marker_ = nullptr;
    RunPtr run_;
    int round_ = 0;
    QString source_ = QStringLiteral("avg");
    bool filling_ = false;
};

} // namespace mergelab::ui
