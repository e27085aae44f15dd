#pragma once
// Training loss batch by batch during the current round, one line per
// environment (and the baseline), so a long round visibly moves.
#include <QHash>
#include <QTimer>
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

    // Clears and relabels ("Round 3: training loss"); `lane` names the lane
    // in lanes mode ("max, lane 2 of 3"), else empty.
    void startRound(int round, int envs, const QString& lane = {});
    void addBatch(const BatchProgress& progress);
    void clear();
    void setEmptyText(const QString& text); // until the first batch arrives

    QCustomPlot* plot() const;
    int pointCount() const; // for tests: batches drawn this round

    // At most this many points per line: a long round (1,266 batches per
    // environment in the paper's V preset) is drawn as means over bins of
    // batches, and redrawing stays cheap.
    static constexpr int kMaxPoints = 400;

private:
    // One model's line. Points are means over `bin` batches; when the line
    // reaches kMaxPoints, neighbours merge and the bin doubles.
    struct Line {
        QCPGraph* graph = nullptr;
        int batches = 0;
        int bin = 1;
        double pendingSum = 0;
        int pendingCount = 0;
    };
    Line& lineFor(int env);
    void scheduleReplot();

    QCustomPlot* plot_ = nullptr;
    QCPTextElement* title_ = nullptr;
    QCPItemText* emptyText_ = nullptr;
    QHash<int, Line> lines_; // env (-1: baseline) -> its line
    // Batches arrive up to a hundred times a second; the chart redraws at
    // most every kFrameMs (the window must stay responsive while training).
    QTimer replotTimer_;
    int round_ = 0;
    QString lane_;
    int points_ = 0; // batches drawn this round, all models together
    double maxLoss_ = 0;
};

} // namespace mergelab::ui
