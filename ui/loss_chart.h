#pragma once
// Training loss batch by batch during the current round, one line per
// environment (and the baseline), so a long round visibly moves.
#include <QHash>
#include <QWidget>

#include "mergelab/experiment.h"

class QCustomPlot;
class QCPGraph;
class QCPItemText;
class QCPTextElement;

namespace mergelab::ui {

class LossChart : public QWidget {
    Q_OBJECT
public:
    explicit LossChart(QWidget* parent = nullptr);

    void startRound(int round, int envs); // clears and relabels ("Round 3: training loss")
    void addBatch(const BatchProgress& progress);
    void clear();

    QCustomPlot* plot() const;
    int pointCount() const; // for tests: batches drawn this round

private:
    QCPGraph* graphFor(int env);

    QCustomPlot* plot_ = nullptr;
    QCPTextElement* title_ = nullptr;
    QCPItemText* emptyText_ = nullptr;
    QHash<int, QCPGraph*> graphs_; // env (-1: baseline) -> its line
    int round_ = 0;
    int points_ = 0;   // batches drawn this round, all models together
    double maxLoss_ = 0;
};

} // namespace mergelab::ui
