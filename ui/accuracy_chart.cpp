#include "accuracy_chart.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QMouseEvent>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <qcustomplot.h>

#include "accuracy_lines.h"
#include "palette.h"
#include "plot_kit.h"
#include "traffic.h"

namespace mergelab::ui {

namespace accuracy_lines {

// Parsed once: the file is compiled in and never changes.
const QJsonObject& paper_tables() {
    static const QJsonObject tables = [] {
        QFile file(QStringLiteral(":/paper_tables.json"));
        if (!file.open(QIODevice::ReadOnly))
            return QJsonObject();
        return QJsonDocument::fromJson(file.readAll()).object();
    }();
    return tables;
}

QCPScatterStyle::ScatterShape method_shape(const QString& method) {
    if (method == QLatin1String("avg"))
        return QCPScatterStyle::ssCircle;
    if (method == QLatin1String("max"))
        return QCPScatterStyle::ssTriangle;
    if (method == QLatin1String("absmax"))
        return QCPScatterStyle::ssDiamond;
    return QCPScatterStyle::ssSquare;
}

bool is_lanes(const RunResult& run) {
    return run.config.mode == Mode::Lanes && !run.config.lanes.empty();
}

int lane_index(const RunResult& run, const std::string& lane) {
    const auto& lanes = run.config.lanes;
    const auto it = std::find(lanes.begin(), lanes.end(), lane);
    return it == lanes.end() ? 0 : static_cast<int>(it - lanes.begin());
}

} // namespace accuracy_lines

using namespace accuracy_lines;

namespace {

QString split_title(const RunResult& run) {
    const SplitSpec& split = run.config.split;
    const QString kind = QString::fromStdString(split.kind);
    // Two significant digits, as the setup's slider shows it.
    QString text =
        kind == QLatin1String("dirichlet")
            ? AccuracyChart::tr("Dirichlet split (alpha %1)").arg(QLocale().toString(split.alpha, 'g', 2))
            : AccuracyChart::tr("%1 split").arg(kind);
    text += AccuracyChart::tr(", %n environment(s)", nullptr, split.envs);
    if (is_lanes(run))
        text += AccuracyChart::tr(": one experiment per lane; local accuracy of lane %1 (%2 of %3)")
                    .arg(QString::fromStdString(run.lane))
                    .arg(lane_index(run, run.lane) + 1)
                    .arg(run.config.lanes.size());
    else if (!run.lane.empty())
        text += AccuracyChart::tr(" (lane %1)").arg(QString::fromStdString(run.lane));
    return text;
}

// Empty when the run is set up like one of the paper's experiments, else
// what differs: its tables describe nothing else.
QString paper_difference(const ExperimentConfig& c) {
    const QString kind = QString::fromStdString(c.split.kind).toUpper();
    if (kind != QLatin1String("V") && kind != QLatin1String("H"))
        return AccuracyChart::tr("the paper has no %1 split").arg(QString::fromStdString(c.split.kind));
    if (c.split.envs != 2)
        return AccuracyChart::tr("the paper used 2 environments, this run %1").arg(c.split.envs);
    if (kind == QLatin1String("H") && !c.split.classes.empty() &&
        c.split.classes != std::vector<std::vector<int>>{{0, 1, 2, 3, 4}, {5, 6, 7, 8, 9}})
        return AccuracyChart::tr("the paper's H split is classes 0-4 and 5-9");
    if (c.split.train_fraction < 1.0)
        return AccuracyChart::tr("the paper trained on all the data, this run on %1 %")
            .arg(QString::number(c.split.train_fraction * 100, 'g', 3));
    if (c.split.train_limit > 0)
        return AccuracyChart::tr("the paper trained on all the data, this run on %1 images per environment")
            .arg(c.split.train_limit);
    return {};
}

double round_x(const RoundResult& round, int index) {
    return round.round > 0 ? round.round : index + 1;
}

} // namespace

AccuracyChart::AccuracyChart(QWidget* parent)
    : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    plot_ = plot_kit::add_plot(this, layout, QSize(200, 150));
    title_ = plot_kit::add_title(plot_, tr("Accuracy per round"));
    // Nine series inside the plot would cover the lines.
    plot_kit::put_legend_beside(plot_);
    plot_kit::keep_wrapped(plot_, title_);
    plot_kit::style_legend(plot_, QSize(22, 10));
    plot_->legend->setVisible(true);
    plot_kit::label_axes(plot_, tr("Round"), tr("Accuracy (%)"));

    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples); // many rounds: 2, 5, 10... apart
    plot_->xAxis->setTicker(ticker);
    roundTicker_ = ticker;
    plot_->xAxis->setSubTicks(false); // there is nothing between two rounds

    cursor_ = new QCPItemStraightLine(plot_);
    cursor_->setPen(QPen(QColor(0, 0, 0, 110), 1.5, Qt::DashDotLine));
    cursor_->setVisible(false);
    cursor_->setSelectable(false);

    emptyText_ = plot_kit::add_empty_text(plot_, tr("No rounds yet: press Start"));
    // The live caption ("Round 1: testing avg. The chart draws…") ran off
    // both sides at 1024x600.
    plot_kit::keep_wrapped(plot_, emptyText_);
    // Under the axes, in a row of its own that exists only while there is
    // something to say: inside the plot a long note would cover points.
    QFont noteFont = plot_->font();
    noteFont.setPointSizeF(noteFont.pointSizeF() * 0.9);
    paperNote_ = new QCPTextElement(plot_, QString(), noteFont);
    plot_kit::set_relative_size(paperNote_, 0.9);
    paperNote_->setTextColor(QColor(90, 90, 90));
    // The traffic axis's note is a sentence or two: wrapped, not cut.
    plot_kit::keep_wrapped(plot_, paperNote_);

    setMouseTracking(true);
    plot_->setMouseTracking(true);
    connect(plot_, &QCustomPlot::mouseMove, this, &AccuracyChart::onMouseMove);

    rebuild();
}

void AccuracyChart::setRun(RunPtr run, std::vector<Curve> spread) {
    run_ = std::move(run);
    spread_ = std::move(spread);
    rebuild();
}

void AccuracyChart::setBand(Band band) {
    if (band_ == band)
        return;
    band_ = band;
    rebuild();
}

int AccuracyChart::bandCount() const {
    int bands = 0;
    for (int i = 0; i < plot_->graphCount(); ++i)
        bands += plot_->graph(i)->channelFillGraph() != nullptr;
    return bands;
}

void AccuracyChart::setRound(int round) {
    round_ = round;
    updateCursor();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void AccuracyChart::setPaperOverlay(bool shown) {
    if (paperShown_ == shown)
        return;
    paperShown_ = shown;
    rebuild();
}

bool AccuracyChart::paperOverlay() const {
    return paperShown_;
}

QString AccuracyChart::paperNote() const {
    return trafficShown() ? QString() : noteText();
}

QString AccuracyChart::noteText() const {
    return paperNote_->layout() ? QString(paperNote_->text()).replace('\n', ' ') : QString();
}

void AccuracyChart::showPaperNote(const QString& text) {
    paperNote_->setText(text);
    const bool shown = paperNote_->layout() != nullptr;
    if (!text.isEmpty() && !shown) {
        plot_->plotLayout()->insertRow(plot_->plotLayout()->rowCount());
        plot_->plotLayout()->addElement(plot_->plotLayout()->rowCount() - 1, 0, paperNote_);
    } else if (text.isEmpty() && shown) {
        plot_->plotLayout()->take(paperNote_);
        plot_->plotLayout()->simplify();
    }
}

void AccuracyChart::setEmptyText(const QString& text) {
    if (emptyText_->text() == text)
        return;
    emptyText_->setText(text);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QString AccuracyChart::emptyText() const {
    return QString(emptyText_->text()).replace('\n', ' ');
}

QString AccuracyChart::titleText() const {
    // As set, not as wrapped to the chart's width.
    return QString(title_->text()).replace('\n', ' ');
}

QCustomPlot* AccuracyChart::plot() const {
    return plot_;
}

QVector<QPointF> AccuracyChart::seriesPoints(const QString& name) const {
    QVector<QPointF> points;
    for (int i = 0; i < plot_->graphCount(); ++i) {
        const QCPGraph* graph = plot_->graph(i);
        if (graph->name() != name)
            continue;
        const auto data = graph->data();
        for (auto it = data->constBegin(); it != data->constEnd(); ++it)
            points.append({it->key, it->value});
        break;
    }
    return points;
}

QVector<double> AccuracyChart::seriesValues(const QString& name) const {
    QVector<double> values;
    for (const QPointF& p : seriesPoints(name))
        values.append(p.y());
    return values;
}

QStringList AccuracyChart::seriesNames() const {
    QStringList names;
    for (int i = 0; i < plot_->graphCount(); ++i)
        names.append(plot_->graph(i)->name());
    return names;
}

void AccuracyChart::addPoint(QCPGraph* graph, int round, double x, double y) {
    graph->addData(x, y);
    graphRounds_[graph].append(round);
}

QString AccuracyChart::readout(int round) const {
    QStringList lines;
    const bool traffic = trafficShown();
    for (int i = 0; i < plot_->graphCount(); ++i) {
        const QCPGraph* graph = plot_->graph(i);
        // Points are added round by round, so a point's index is its round's.
        const int at = graphRounds_.value(graph).indexOf(round);
        if (at < 0 || at >= graph->dataCount())
            continue;
        const auto point = graph->data()->at(at);
        const QString value = QLocale().toString(point->value, 'f', 2);
        lines.append(traffic ? tr("%1 %2 % after %3").arg(graph->name(), value, format_bytes(point->key))
                             : tr("%1 %2 %").arg(graph->name(), value));
    }
    if (lines.isEmpty())
        return {};
    lines.prepend(tr("Round %1").arg(round));
    return lines.join(QLatin1Char('\n'));
}

void AccuracyChart::onMouseMove(QMouseEvent* event) {
    const QPointF pos = event->position();
    QString tip;
    if (run_ && !run_->rounds.empty() && plot_->axisRect()->rect().contains(pos.toPoint())) {
        // Snap to the nearest point drawn (the run's rounds, the paper's
        // last round past them, a lane's traffic), so the read-out never
        // falls between two points.
        const double x = plot_->xAxis->pixelToCoord(pos.x());
        int best = 0;
        double bestDistance = 1e300;
        for (int i = 0; i < plot_->graphCount(); ++i) {
            const QCPGraph* graph = plot_->graph(i);
            const QVector<int> rounds = graphRounds_.value(graph);
            const auto data = graph->data();
            for (int k = 0; k < data->size() && k < rounds.size(); ++k) {
                const double distance = std::abs(data->at(k)->key - x);
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = rounds[k];
                }
            }
        }
        tip = readout(best);
    }
    if (tip.isEmpty()) {
        if (!lastTip_.isEmpty())
            QToolTip::hideText();
    } else if (tip != lastTip_) {
        QToolTip::showText(event->globalPosition().toPoint(), tip, plot_);
    }
    lastTip_ = tip;
}

void AccuracyChart::rebuild() {
    plot_->clearGraphs();
    graphRounds_.clear();
    const bool empty = !run_ || run_->rounds.empty();
    title_->setText(run_ ? split_title(*run_) : tr("Accuracy per round"));
    emptyText_->setVisible(empty);
    plot_->legend->setVisible(!empty);
    showPaperNote({});
    showRoundAxis(!trafficShown());

    if (trafficShown() && spread_.empty()) {
        rebuildTraffic();
        return;
    }

    if (!empty && !spread_.empty()) {
        rebuildSpread();
        return;
    }
    if (empty) {
        plot_->xAxis->setRange(0.5, 10.5);
        plot_->yAxis->setRange(0, 100);
        updateCursor();
        plot_->replot(QCustomPlot::rpQueuedReplot);
        return;
    }

    const auto& rounds = run_->rounds;
    const auto number = [&rounds](size_t i) {
        return static_cast<int>(round_x(rounds[i], static_cast<int>(i)));
    };
    size_t envs = 0;
    bool central = false;
    QStringList methods; // first-seen order, which is evaluated_methods() order
    for (const RoundResult& r : rounds) {
        envs = std::max(envs, r.envs.size());
        central = central || r.central_test_acc.has_value();
        for (const MethodMetrics& m : r.merged) {
            const QString name = QString::fromStdString(m.method);
            if (!methods.contains(name))
                methods.append(name);
        }
    }

    // Lanes: every line of a lane in that lane's style.
    const bool lanes = is_lanes(*run_);
    const Qt::PenStyle shownStyle = lanes ? lane_pen_style(lane_index(*run_, run_->lane)) : Qt::SolidLine;
    // Local lines first so the merged ones are drawn on top of them.
    for (size_t k = 0; k < envs; ++k) {
        QCPGraph* graph = plot_->addGraph();
        graph->setName(tr("%1 local").arg(env_label(static_cast<int>(k))));
        const QColor color = env_color(static_cast<int>(k));
        // Thin: dots are kept for the paper's values, dashes for lanes.
        graph->setPen(QPen(color, 1.3, shownStyle));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, 5));
        for (size_t i = 0; i < rounds.size(); ++i)
            if (k < rounds[i].envs.size())
                addPoint(graph, number(i), number(i), rounds[i].envs[k].val_acc * 100.0);
    }
    if (central) {
        QCPGraph* graph = plot_->addGraph();
        graph->setName(tr("central"));
        graph->setPen(QPen(central_color(), 2.0));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCross, central_color(), 7));
        for (size_t i = 0; i < rounds.size(); ++i)
            if (rounds[i].central_test_acc)
                addPoint(graph, number(i), number(i), *rounds[i].central_test_acc * 100.0);
    }
    // A lane of a method with a local rule ("avg+scaffold") would share its
    // method's colour with the method's own lane: each lane its own colour.
    QList<QRgb> used;
    for (const QString& method : methods) {
        QCPGraph* graph = plot_->addGraph();
        graph->setName(lanes ? tr("lane %1").arg(method) : method);
        const QColor color =
            lanes ? strategy_color(method, used) : method_color(method.section('+', 0, 0).section(':', 0, 0));
        graph->setPen(QPen(color, 2.6,
                           lanes ? lane_pen_style(lane_index(*run_, method.toStdString())) : Qt::SolidLine));
        graph->setScatterStyle(QCPScatterStyle(method_shape(method), color, Qt::white, 8));
        const std::string key = method.toStdString();
        for (size_t i = 0; i < rounds.size(); ++i)
            if (const MethodMetrics* m = rounds[i].method(key))
                addPoint(graph, number(i), number(i), m->test_acc * 100.0);
    }

    const double lastX = round_x(rounds.back(), static_cast<int>(rounds.size()) - 1);
    if (paperShown_) {
        const QString differs = paper_difference(run_->config);
        if (differs.isEmpty()) {
            addPaperOverlay(methods, lastX);
        } else {
            showPaperNote(tr("Paper's values not shown: %1").arg(differs));
        }
    }

    updateRanges();
    updateCursor();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void AccuracyChart::rebuildSpread() {
    int seeds = 0;
    for (const Curve& c : spread_)
        for (const RoundSpread& r : c.rounds)
            seeds = std::max(seeds, r.acc.n);
    title_->setText(
        tr("Test accuracy over %n seed(s): the mean, in a band of %1", nullptr, seeds)
            .arg(band_ == Band::Interval ? tr("its 95 % interval") : tr("the seeds' min to max")));
    const bool lanes = is_lanes(*run_) || !run_->lane.empty();
    const bool traffic = trafficShown();
    double maxX = 0;
    int index = 0;
    QList<QRgb> used;
    for (const Curve& curve : spread_) {
        const QColor color = strategy_color(curve.name, used);
        const Qt::PenStyle style = lanes ? lane_pen_style(index++) : Qt::SolidLine;
        // The band: a lower edge without a line, and an upper edge filled
        // down to it; then the mean on top.
        QCPGraph* lower = plot_->addGraph();
        lower->setName(tr("%1 band, lower edge").arg(curve.name));
        lower->setPen(Qt::NoPen);
        lower->removeFromLegend();
        QCPGraph* upper = plot_->addGraph();
        upper->setName(tr("%1 band").arg(curve.name));
        QColor edge = color;
        edge.setAlpha(90);
        upper->setPen(QPen(edge, 1.0, style));
        QColor fill = color;
        fill.setAlpha(55);
        upper->setBrush(fill);
        upper->setChannelFillGraph(lower);
        QCPGraph* mean = plot_->addGraph();
        mean->setName(tr("%1 mean").arg(curve.name));
        mean->setPen(QPen(color, 2.6, style));
        mean->setScatterStyle(QCPScatterStyle(method_shape(curve.name), color, Qt::white, 7));
        for (const RoundSpread& r : curve.rounds) {
            // Against traffic, each round at its mean over the seeds: the
            // seeds' byte counts differ only by their statistics' sizes.
            if (traffic && r.traffic.mean <= 0)
                continue;
            const double x = traffic ? r.traffic.mean : r.round;
            maxX = std::max(maxX, x);
            const bool interval = band_ == Band::Interval;
            addPoint(lower, r.round, x, 100.0 * (interval ? r.acc.lo : r.acc.min));
            addPoint(upper, r.round, x, 100.0 * (interval ? r.acc.hi : r.acc.max));
            addPoint(mean, r.round, x, 100.0 * r.acc.mean);
        }
    }
    if (traffic) {
        labelTrafficAxis(maxX);
        showPaperNote(tr("Each strategy at the bytes its runs had sent and received by each round, the "
                         "mean over the seeds; the band is the accuracy's. Local accuracies: on the "
                         "Rounds axis."));
    }
    updateRanges();
    updateCursor();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void AccuracyChart::addPaperOverlay(const QStringList& methods, double lastX) {
    const QString kind = QString::fromStdString(run_->config.split.kind).toUpper();
    if (kind != QLatin1String("V") && kind != QLatin1String("H"))
        return; // the paper has no Dirichlet table
    const QJsonObject table = paper_tables().value(kind).toObject();
    const QJsonArray rounds = table.value(QStringLiteral("rounds")).toArray();
    for (const QString& method : methods) {
        const QJsonArray values = table.value(method).toArray();
        if (values.isEmpty())
            continue;
        QCPGraph* graph = plot_->addGraph();
        graph->setName(tr("paper %1").arg(method));
        // The method's own colour, a little faded, and its marker, so the
        // two lines read as a pair; a lighter tint would be mistaken for an
        // environment's colour.
        QColor color = method_color(method);
        color.setAlpha(190);
        graph->setPen(QPen(color, 1.8, paper_pen_style()));
        graph->setScatterStyle(QCPScatterStyle(method_shape(method), color, Qt::white, 6));
        for (int i = 0; i < values.size() && i < rounds.size(); ++i) {
            // Rounds 1..3 as they are; "n" (the paper's last round) at the
            // run's last round once the run is past round 3. Nothing beyond
            // the run: the axis is the run's.
            const double x = rounds[i].isDouble() ? rounds[i].toDouble() : (lastX > 3 ? lastX : -1);
            if (x < 1 || x > lastX)
                continue;
            addPoint(graph, static_cast<int>(std::lround(x)), x, values[i].toDouble());
        }
    }
}

void AccuracyChart::updateRanges() {
    double lo = 100, hi = 0, maxX = 1;
    for (int i = 0; i < plot_->graphCount(); ++i) {
        const auto data = plot_->graph(i)->data();
        for (auto it = data->constBegin(); it != data->constEnd(); ++it) {
            lo = std::min(lo, it->value);
            hi = std::max(hi, it->value);
            maxX = std::max(maxX, it->key);
        }
    }
    if (lo > hi) {
        lo = 0;
        hi = 100;
    }
    // Room for the markers, on a multiple of 5 so the ticks look tidy; at
    // least 10 points tall so a flat line is not magnified into noise.
    lo = std::max(0.0, std::floor((lo - 3) / 5) * 5);
    hi = std::min(100.0, std::ceil((hi + 3) / 5) * 5);
    if (hi - lo < 10) {
        hi = std::min(100.0, lo + 10);
        lo = std::max(0.0, hi - 10);
    }
    // A little beyond 0..100 so markers at 100 % are not cut in half; the
    // ticks stay within 0..100.
    plot_->yAxis->setRange(lo - (lo <= 0 ? 1.5 : 0), hi + (hi >= 100 ? 1.5 : 0));
    if (trafficShown())
        plot_->xAxis->setRange(0, maxX * 1.05);
    else
        plot_->xAxis->setRange(0.6, std::max(maxX, 2.0) + 0.4);
}

void AccuracyChart::updateCursor() {
    int round = round_;
    if (run_ && !run_->rounds.empty()) {
        const int last =
            static_cast<int>(round_x(run_->rounds.back(), static_cast<int>(run_->rounds.size()) - 1));
        round = std::min(round, last);
    } else {
        round = 0;
    }
    double x = round;
    if (trafficShown() && round > 0) {
        // The shown lane's (or the run's) traffic up to that round.
        const auto own = shownTraffic();
        const auto it = own.lower_bound(round);
        x = it != own.end() ? it->second : (own.empty() ? 0.0 : own.rbegin()->second);
    }
    cursor_->setVisible(round > 0);
    cursor_->point1->setCoords(x, 0);
    cursor_->point2->setCoords(x, 1);
}

} // namespace mergelab::ui
