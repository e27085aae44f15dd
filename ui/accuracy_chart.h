#pragma once
// Accuracy per round: one line per environment's local accuracy, one per
// merged method's test accuracy, the centralised baseline, and optionally the
// paper's published values for the matching split. Hover shows the values.
// With repeats, each strategy's mean over the seeds instead, in a band that
// is either the seeds' min-max range or the 95 % interval of the mean.
// The x axis counts rounds, or the bytes that travelled up to each round:
// then each merged model's (or lane's) test accuracy against that traffic.
#include <QHash>
#include <QPointF>
#include <QSharedPointer>
#include <QVector>
#include <QWidget>

#include <map>
#include <string>

#include "mergelab/repeats.h"
#include "run_data.h"

class QCustomPlot;
class QCPAxisTicker;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCPTextElement;
class QMouseEvent;

namespace mergelab::ui {

class AccuracyChart : public QWidget {
    Q_OBJECT
public:
    explicit AccuracyChart(QWidget* parent = nullptr);

    // One strategy's accuracy across seeds, round by round.
    struct Curve {
        QString name;
        std::vector<RoundSpread> rounds;
    };
    enum class Band { MinMax, Interval };
    enum class XAxis { Rounds, Traffic };
    // Each lane's traffic summed up to each round, by round number, from
    // the lane's own run: a lanes comparison holds only the shown lane's
    // environments.
    using LaneTraffic = std::map<std::string, std::map<int, double>>;

    // Redraws everything from run->rounds, or with `spread` (repeats) the
    // mean line and band of each curve.
    void setRun(RunPtr run, std::vector<Curve> spread = {});
    void setBand(Band band);
    Band band() const { return band_; }
    // Traffic is drawn only while trafficUnavailable() is empty; otherwise
    // rounds, whatever was asked.
    void setXAxis(XAxis axis);
    XAxis xAxis() const { return xAxis_; }
    bool trafficShown() const;
    void setLaneTraffic(LaneTraffic traffic);
    // Why this run cannot be drawn against its traffic; empty when it can.
    QString trafficUnavailable() const;
    QString xAxisTitle() const;
    // The row under the axes: the paper's note, or what the traffic axis counts.
    QString noteText() const;
    // For tests: the filled bands drawn (a graph filled to another).
    int bandCount() const;
    void setRound(int round); // 1-based; draws a cursor at the scrubbed round (0: none)
    // The paper's Table 1 (V) or 2 (H) as dotted lines, for runs set up
    // like the paper's (2 environments, all the data, its H classes);
    // for any other run a note says what differs instead.
    void setPaperOverlay(bool shown);
    bool paperOverlay() const;
    QString paperNote() const; // empty, or why the paper's values are not drawn
    // What the chart says while it has no rounds to draw.
    void setEmptyText(const QString& text);
    QString emptyText() const;
    QString titleText() const;

    QCustomPlot* plot() const; // for export
    // For tests: the y values (in %) of the line labelled `name` in the
    // legend ("Env 1 local", "avg", "central", ...), empty if absent.
    QVector<double> seriesValues(const QString& name) const;
    QVector<double> seriesKeys(const QString& name) const; // the x values
    QVector<QPointF> seriesPoints(const QString& name) const;
    QStringList seriesNames() const;
    // The hover read-out for a round (1-based): "Round 3\navg 91.20 %\n...",
    // empty when no series has a value there.
    QString readout(int round) const;

private slots:
    void onMouseMove(QMouseEvent* event);

private:
    void rebuild();
    void rebuildSpread();
    void rebuildTraffic();
    void showRoundAxis(bool rounds);
    // The byte axis's unit and title for amounts up to `largest`.
    void labelTrafficAxis(double largest);
    // The shown lane's (or the run's) traffic up to each round, by round number.
    std::map<int, double> shownTraffic() const;
    // Every point goes through here: the read-out finds a line's value for
    // a round by the round each point was added for.
    void addPoint(QCPGraph* graph, int round, double x, double y);
    void addPaperOverlay(const QStringList& methods, double lastX);
    void updateCursor();
    void updateRanges();
    void showPaperNote(const QString& text);

    QCustomPlot* plot_ = nullptr;
    QCPTextElement* title_ = nullptr;
    QCPItemStraightLine* cursor_ = nullptr;
    QCPItemText* emptyText_ = nullptr;
    QCPTextElement* paperNote_ = nullptr; // in the layout only while it has a text
    RunPtr run_;
    std::vector<Curve> spread_;
    Band band_ = Band::Interval;
    XAxis xAxis_ = XAxis::Rounds;
    LaneTraffic laneTraffic_;
    QHash<const QCPGraph*, QVector<int>> graphRounds_;
    QSharedPointer<QCPAxisTicker> roundTicker_;
    QSharedPointer<QCPAxisTicker> byteTicker_;
    int round_ = 0;
    bool paperShown_ = false;
    QString lastTip_;
};

} // namespace mergelab::ui
