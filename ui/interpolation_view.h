#pragma once
// Test accuracy and loss along (1-t)*A + t*B between two models of the shown
// round: environment 1 and 2, or an environment and a merged model; with and
// without weight alignment, and the barrier (how far the path dips below
// the mean of its ends). Computed on demand on a pool thread from the saved
// models, on the stratified test subset unless the full set is asked for;
// env 1 -> env 2 on the subset comes from the run itself.
#include <QHash>
#include <QWidget>

#include <memory>

#include "mergelab/insight.h"
#include "run_view.h"

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QCPItemText;
class QCPTextElement;
class QLabel;

namespace mergelab::ui {

class InterpolationView : public QWidget, public RunView {
    Q_OBJECT
public:
    explicit InterpolationView(QWidget* parent = nullptr);

    QWidget* widget() override { return this; }
    QString name() const override { return QStringLiteral("interpolation"); }
    QString title() const override { return tr("&Interpolation"); }
    void setRunModel(RunModel* model) override;
    QList<QWidget*> exportParts() override;

    // "env:0>env:1" or "env:K>METHOD".
    void setPath(const QString& path);

    // For tests: the accuracies (%) of the plain and the aligned line, and
    // the text under the chart.
    QVector<double> accuracies(bool aligned = false) const;
    QString status() const;
    bool busy() const { return busy_; }
    QCustomPlot* plot() const { return plot_; }

signals:
    void computed(); // a requested path arrived (or failed)

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct Request;
    struct Answer {
        InterpolationPath plain;
        std::shared_ptr<InterpolationPath> aligned;
    };
    void refillPaths();
    void request();
    Request currentRequest() const;
    void draw(const Answer* answer, const QString& message);
    void drawEmpty(const QString& message);

    RunModel* model_ = nullptr;
    QComboBox* paths_ = nullptr;
    QComboBox* points_ = nullptr;
    QCheckBox* full_ = nullptr;
    QCheckBox* aligned_ = nullptr;
    QCustomPlot* plot_ = nullptr;
    QCPTextElement* title_ = nullptr;
    QCPItemText* emptyText_ = nullptr;
    QLabel* status_ = nullptr;
    RunPtr run_;
    int round_ = 0;
    bool training_ = false; // the engine is training: compute on one thread only
    bool busy_ = false;
    QString path_ = QStringLiteral("env:0>env:1");
    QHash<QString, Answer> cache_; // by request key; cleared with the run
    std::shared_ptr<int> generation_ = std::make_shared<int>(0);
};

} // namespace mergelab::ui
