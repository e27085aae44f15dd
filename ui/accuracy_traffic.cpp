// The accuracy chart against the bytes that travelled: each merged model's
// (or lane's) test accuracy at the traffic summed up to its round.
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "accuracy_chart.h"
#include "accuracy_lines.h"
#include "mergelab/error.h"
#include "mergelab/strategy.h"
#include "palette.h"
#include "traffic.h"

namespace mergelab::ui {

using namespace accuracy_lines;

namespace {

// Ticks in whole bytes, so the default ticker's steps land on round numbers
// of the decimal unit; labelled in that unit, which the axis title names.
class ByteTicker : public QCPAxisTicker {
public:
    double unit = 1e6;

protected:
    QString getTickLabel(double tick, const QLocale& locale, QChar formatChar, int precision) override {
        return QCPAxisTicker::getTickLabel(tick / unit, locale, formatChar, precision);
    }
};

std::map<int, double> by_round(const RunResult& run) {
    std::map<int, double> out;
    const std::vector<int64_t> sums = cumulative_traffic(run);
    for (size_t i = 0; i < sums.size(); ++i)
        out[run.rounds[i].round > 0 ? run.rounds[i].round : static_cast<int>(i) + 1] = double(sums[i]);
    return out;
}

bool any_traffic(const std::map<int, double>& traffic) {
    return !traffic.empty() && traffic.rbegin()->second > 0;
}

// The strategy whose model the environments went on from: a calibration
// that is only evaluated (copy=0) sends its plain merge back.
std::string copied_back(const std::string& primary) {
    try {
        const Strategy s = parse_strategy(primary);
        if (s.calibrated() && !calibration_plan(s.calibration).copy)
            return s.plain;
    } catch (const UsageError&) {
    }
    return primary;
}

} // namespace

void AccuracyChart::setXAxis(XAxis axis) {
    if (xAxis_ == axis)
        return;
    xAxis_ = axis;
    rebuild();
}

bool AccuracyChart::trafficShown() const {
    return xAxis_ == XAxis::Traffic && trafficUnavailable().isEmpty();
}

void AccuracyChart::setLaneTraffic(LaneTraffic traffic) {
    laneTraffic_ = std::move(traffic);
    if (xAxis_ == XAxis::Traffic)
        rebuild();
}

QString AccuracyChart::trafficUnavailable() const {
    if (!run_ || run_->rounds.empty())
        return tr("no rounds yet");
    bool counted = has_traffic(*run_);
    for (const Curve& curve : spread_)
        for (const RoundSpread& r : curve.rounds)
            counted = counted || r.traffic.mean > 0;
    if (is_lanes(*run_))
        for (const auto& [lane, traffic] : laneTraffic_)
            counted = counted || any_traffic(traffic);
    if (!counted)
        return tr("this run was saved before MergeLab counted the bytes that travel");
    return {};
}

QString AccuracyChart::xAxisTitle() const {
    return plot_->xAxis->label();
}

QVector<double> AccuracyChart::seriesKeys(const QString& name) const {
    QVector<double> keys;
    for (const QPointF& p : seriesPoints(name))
        keys.append(p.x());
    return keys;
}

std::map<int, double> AccuracyChart::shownTraffic() const {
    if (!run_)
        return {};
    if (!spread_.empty()) {
        // The shown lane's strategy, or the primary: the first curve.
        const Curve* shown = &spread_.front();
        for (const Curve& c : spread_)
            if (c.name.toStdString() == run_->lane)
                shown = &c;
        std::map<int, double> out;
        for (const RoundSpread& r : shown->rounds)
            out[r.round] = r.traffic.mean;
        return out;
    }
    if (is_lanes(*run_)) {
        const auto lane = laneTraffic_.find(run_->lane);
        if (lane != laneTraffic_.end())
            return lane->second;
    }
    return by_round(*run_);
}

void AccuracyChart::showRoundAxis(bool rounds) {
    if (!byteTicker_)
        byteTicker_.reset(new ByteTicker);
    plot_->xAxis->setTicker(rounds ? roundTicker_ : byteTicker_);
    if (rounds)
        plot_->xAxis->setLabel(tr("Round"));
}

void AccuracyChart::labelTrafficAxis(double largest) {
    const ByteUnit unit = unit_for(largest);
    static_cast<ByteTicker*>(byteTicker_.data())->unit = unit.bytes;
    plot_->xAxis->setLabel(tr("Cumulative traffic: all environments, sent + received (%1)").arg(unit.symbol));
}

void AccuracyChart::rebuildTraffic() {
    const auto& rounds = run_->rounds;
    const bool lanes = is_lanes(*run_);
    title_->setText(tr("Merged models' test accuracy against the bytes that travelled"));

    QStringList methods; // first-seen order, as on the rounds axis
    for (const RoundResult& r : rounds)
        for (const MethodMetrics& m : r.merged)
            if (!methods.contains(QString::fromStdString(m.method)))
                methods.append(QString::fromStdString(m.method));

    const std::map<int, double> runTraffic = by_round(*run_);
    QStringList uncounted;
    QList<QRgb> used;
    double maxX = 0;
    for (const QString& method : methods) {
        const std::string key = method.toStdString();
        // Compared methods merged the same local models: the run's traffic
        // is theirs. A lane's is its own run's.
        const std::map<int, double>* traffic = &runTraffic;
        if (lanes) {
            const auto lane = laneTraffic_.find(key);
            traffic =
                lane != laneTraffic_.end() ? &lane->second : (key == run_->lane ? &runTraffic : nullptr);
        }
        if (!traffic || !any_traffic(*traffic)) {
            uncounted.append(method);
            continue;
        }
        QCPGraph* graph = plot_->addGraph();
        graph->setName(lanes ? tr("lane %1").arg(method) : method);
        const QColor color =
            lanes ? strategy_color(method, used) : method_color(method.section('+', 0, 0).section(':', 0, 0));
        graph->setPen(QPen(color, 2.6, lanes ? lane_pen_style(lane_index(*run_, key)) : Qt::SolidLine));
        graph->setScatterStyle(QCPScatterStyle(method_shape(method), color, Qt::white, 8));
        for (size_t i = 0; i < rounds.size(); ++i) {
            const int number = rounds[i].round > 0 ? rounds[i].round : static_cast<int>(i) + 1;
            const MethodMetrics* m = rounds[i].method(key);
            const auto at = traffic->find(number);
            if (!m || at == traffic->end())
                continue;
            addPoint(graph, number, at->second, m->test_acc * 100.0);
            maxX = std::max(maxX, at->second);
        }
    }

    labelTrafficAxis(maxX);

    QString note;
    if (lanes)
        note = tr("Each lane at its own traffic: its environments' weights and statistics sent and the "
                  "merged model they received, summed up to each round.");
    else if (methods.size() > 1)
        note = tr("Every method is drawn at this run's traffic: all of them merged the same local "
                  "models, and only %1's merged model was sent back.")
                   .arg(QString::fromStdString(copied_back(
                       rounds.back().primary.empty() ? run_->config.method : rounds.back().primary)));
    else
        note = tr("The environments' weights and statistics sent and the merged model they received, "
                  "summed up to each round.");
    if (!uncounted.isEmpty())
        note += QLatin1Char(' ') +
                tr("Not drawn, no bytes counted: %1.").arg(uncounted.join(QStringLiteral(", ")));
    note += QLatin1Char(' ') + tr("Local and central accuracies: on the Rounds axis.");
    showPaperNote(note);

    updateRanges();
    updateCursor();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace mergelab::ui
