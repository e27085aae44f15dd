#include "loss_chart.h"

#include <QVBoxLayout>

#include <algorithm>
#include <qcustomplot.h>

#include "palette.h"
#include "plot_kit.h"

namespace mergelab::ui {

namespace {

constexpr double kMinBatches =
    20; // the x range never starts narrower, so the first points do not fill the width
constexpr int kFrameMs = 100;

} // namespace

LossChart::LossChart(QWidget* parent)
    : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    // 120 px left a 30 px plot at 1280x720 with its three ticks touching.
    plot_ = plot_kit::add_plot(this, layout, QSize(200, 160));
    title_ = plot_kit::add_title(plot_);
    plot_kit::label_axes(plot_, tr("Batch of this round (each model from 0)"), tr("Training loss"));
    // Few ticks: at 1366x768 the chart is short and dense labels collide.
    plot_->yAxis->ticker()->setTickCount(3);
    plot_kit::style_legend(plot_, QSize(18, 8));
    plot_->legend->setBorderPen(QPen(QColor(0, 0, 0, 60)));
    // Environments follow one another along x, so no corner stays clear of
    // data: the legend gets its own column, as in the accuracy chart.
    plot_kit::put_legend_beside(plot_);

    replotTimer_.setSingleShot(true);
    replotTimer_.setInterval(kFrameMs);
    connect(&replotTimer_, &QTimer::timeout, this, [this] { plot_->replot(QCustomPlot::rpQueuedReplot); });

    emptyText_ = plot_kit::add_empty_text(plot_, tr("No training yet"));
    plot_kit::keep_wrapped(plot_, emptyText_);
    plot_kit::keep_wrapped(plot_, title_);

    clear();
}

void LossChart::startRound(int round, int envs, const QString& lane) {
    plot_->clearGraphs();
    lines_.clear();
    round_ = round;
    lane_ = lane;
    points_ = 0;
    maxLoss_ = 0;
    title_->setText(lane.isEmpty()
                        ? tr("Round %1: training loss, batch by batch").arg(round)
                        : tr("Lane %1, round %2: training loss, batch by batch").arg(lane).arg(round));
    for (int k = 0; k < envs; ++k)
        lineFor(k);
    plot_->legend->setVisible(envs > 0);
    emptyText_->setText(tr("Waiting for the first batch"));
    emptyText_->setVisible(true);
    plot_->xAxis->setRange(0, kMinBatches);
    plot_->yAxis->setRange(0, 2.5); // about ln(10): where a fresh 10-class model starts
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LossChart::addBatch(const BatchProgress& progress) {
    if (progress.round != round_) {
        // A batch of a round nobody announced: start it rather than mix two rounds.
        int envs = static_cast<int>(lines_.size()) - (lines_.contains(-1) ? 1 : 0);
        startRound(progress.round, std::max(envs, progress.env + 1), lane_);
    }
    Line& line = lineFor(progress.env);
    // Each model counts its own batches: environments train side by side,
    // so their curves overlay on one x axis.
    const int x = line.batches++;
    ++points_;
    line.pendingSum += progress.loss;
    if (++line.pendingCount == line.bin) {
        // A bin's point sits at the middle of its batches. Appending in key
        // order keeps this O(1).
        line.graph->addData(x - (line.bin - 1) / 2.0, line.pendingSum / line.bin);
        line.pendingSum = 0;
        line.pendingCount = 0;
        if (line.graph->dataCount() >= kMaxPoints) {
            // Equal bins, so a pair's mean is the mean of its batches.
            QVector<double> keys, values;
            for (auto it = line.graph->data()->constBegin(); it + 1 < line.graph->data()->constEnd();
                 it += 2) {
                keys.append((it->key + (it + 1)->key) / 2);
                values.append((it->value + (it + 1)->value) / 2);
            }
            line.graph->setData(keys, values, true);
            line.bin *= 2;
        }
    }
    emptyText_->setVisible(false);
    plot_->legend->setVisible(true);

    // Grow the ranges instead of rescaling over all data: this runs for every batch.
    if (x + 1 > plot_->xAxis->range().upper)
        plot_->xAxis->setRange(0, std::max<double>(kMinBatches, (x + 1) * 1.25));
    if (progress.loss > maxLoss_) {
        maxLoss_ = progress.loss;
        plot_->yAxis->setRange(0, maxLoss_ * 1.08);
    }
    scheduleReplot();
}

void LossChart::scheduleReplot() {
    if (!replotTimer_.isActive())
        replotTimer_.start();
}

void LossChart::clear() {
    plot_->clearGraphs();
    lines_.clear();
    round_ = 0;
    points_ = 0;
    maxLoss_ = 0;
    title_->setText(tr("Training loss, batch by batch"));
    emptyText_->setText(tr("No training yet"));
    emptyText_->setVisible(true);
    plot_->legend->setVisible(false);
    plot_->xAxis->setRange(0, kMinBatches);
    plot_->yAxis->setRange(0, 2.5);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LossChart::setEmptyText(const QString& text) {
    emptyText_->setText(text);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QCustomPlot* LossChart::plot() const {
    return plot_;
}

int LossChart::pointCount() const {
    return points_;
}

LossChart::Line& LossChart::lineFor(int env) {
    if (auto it = lines_.find(env); it != lines_.end())
        return *it;
    Line line;
    line.graph = plot_->addGraph();
    const bool central = env < 0;
    line.graph->setName(central ? tr("central") : env_label(env));
    line.graph->setPen(QPen(central ? central_color() : env_color(env), 1.3));
    return *lines_.insert(env, line);
}

} // namespace mergelab::ui
