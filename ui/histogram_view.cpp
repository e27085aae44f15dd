#include "histogram_view.h"

#include <QApplication>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QVBoxLayout>

#include <algorithm>
#include <qcustomplot.h>

#include "palette.h"
#include "plot_kit.h"
#include "run_model.h"
#include "view_export.h"
#include "zoom.h"

namespace mergelab::ui {

namespace {

QString number(double value) {
    return QLocale().toString(value, 'g', 2);
}

QString stats_line(const QString& name, const Stats& s) {
    return HistogramView::tr("%1: mean %2, std %3, min %4, max %5")
        .arg(name, number(s.mean), number(s.std), number(s.min), number(s.max));
}

QString colored(const QString& line, const QColor& color) {
    // A colour swatch rather than coloured text: light colours are hard to
    // read. Non-breaking spaces so a narrow label wraps between series, never
    // inside one.
    const int colon = line.indexOf(QLatin1Char(':'));
    auto nbsp = [](QString text) {
        return text.toHtmlEscaped().replace(QLatin1Char(' '), QStringLiteral("&nbsp;"));
    };
    return QStringLiteral("<span style=\"color:%1\">&#9632;</span>&nbsp;<b>%2</b>%3")
        .arg(color.name(), nbsp(line.left(colon)), nbsp(line.mid(colon)));
}

} // namespace

HistogramView::HistogramView(QWidget* parent)
    : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);

    auto* top = new QHBoxLayout;
    top->setContentsMargins(6, 4, 6, 0);
    auto* label = new QLabel(tr("Layer:"), this);
    combo_ = new QComboBox(this);
    combo_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    label->setBuddy(combo_);
    top->addWidget(label);
    top->addWidget(combo_);
    top->addStretch(1);
    auto* hint = new QLabel(tr("Click a name in the legend to hide or show its histogram"), this);
    // Grey by its palette: a style sheet would keep it from the zoomed font
    // its parent passes on (13 px in presentation mode).
    QPalette grey = hint->palette();
    grey.setColor(QPalette::WindowText, QColor(0x66, 0x66, 0x66));
    hint->setPalette(grey);
    top->addWidget(hint);
    layout->addLayout(top);

    plot_ = plot_kit::add_plot(this, layout, QSize(200, 120), 1);

    stats_ = new QLabel(this);
    stats_->setWordWrap(true);
    stats_->setTextFormat(Qt::RichText);
    stats_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    stats_->setContentsMargins(6, 0, 6, 4);
    // A point below the application's, at the zoom.
    auto fitStats = [this] {
        const double full = QApplication::font().pointSizeF();
        stats_->setFont(zoomed_app_font(full > 0 ? std::max(6.0, full - 1) / full : 1.0));
    };
    fitStats();
    on_zoom(stats_, fitStats);
    layout->addWidget(stats_);

    title_ = plot_kit::add_title(plot_);
    plot_kit::label_axes(plot_, tr("Weight value"), tr("Count"));
    plot_kit::style_legend(plot_, QSize(18, 9));
    plot_->legend->setBrush(QColor(255, 255, 255, 200));
    plot_->legend->setBorderPen(QPen(QColor(0, 0, 0, 60)));
    // Weights cluster around zero, so the corners hold only the thin tails;
    // left, because a max merge shifts its curve to the right.
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);

    emptyText_ = plot_kit::add_empty_text(plot_);

    connect(plot_, &QCustomPlot::legendClick, this,
            [this](QCPLegend*, QCPAbstractLegendItem* item, QMouseEvent*) {
                if (auto* plottable = qobject_cast<QCPPlottableLegendItem*>(item)) {
                    const QString name = plottable->plottable()->name();
                    setSeriesHidden(name, !hidden_.contains(name));
                }
            });

    connect(combo_, &QComboBox::currentTextChanged, this, [this](const QString& text) {
        if (filling_)
            return;
        wanted_ = text;
        redraw();
    });

    refillLayers();
    redraw();
}

void HistogramView::setRunModel(RunModel* model) {
    follow_rounds(
        model, this, [this](RunPtr run) { setRun(std::move(run)); }, [this](int round) { setRound(round); });
}

void HistogramView::setRun(RunPtr run) {
    run_ = std::move(run);
    refillLayers();
    redraw();
}

void HistogramView::setRound(int round) {
    round_ = round;
    refillLayers();
    redraw();
}

void HistogramView::setLayer(const QString& tensor) {
    // Remembered even when this round lacks it, for the next run or round.
    wanted_ = tensor;
    const int index = combo_->findText(tensor);
    if (index >= 0 && index != combo_->currentIndex()) {
        filling_ = true;
        combo_->setCurrentIndex(index);
        filling_ = false;
    }
    redraw();
}

QString HistogramView::layer() const {
    return combo_->currentText();
}

QStringList HistogramView::layers() const {
    QStringList names;
    for (int i = 0; i < combo_->count(); ++i)
        names.append(combo_->itemText(i));
    return names;
}

QCustomPlot* HistogramView::plot() const {
    return plot_;
}

QVector<double> HistogramView::seriesCounts(const QString& series) const {
    QVector<double> counts;
    for (int i = 0; i < plot_->graphCount(); ++i) {
        const QCPGraph* graph = plot_->graph(i);
        if (graph->name() != series)
            continue;
        const auto data = graph->data();
        for (auto it = data->constBegin(); it != data->constEnd(); ++it)
            counts.append(it->value);
        break;
    }
    return counts;
}

QString HistogramView::statsText() const {
    return statsPlain_;
}

void HistogramView::setSeriesHidden(const QString& series, bool hidden) {
    if (hidden)
        hidden_.insert(series);
    else
        hidden_.remove(series);
    redraw();
}

QSize HistogramView::exportSize() {
    return {plot_->width(), plot_->height() + stats_->height()};
}

void HistogramView::renderExport(QCPPainter& painter) {
    paint_plot(plot_, painter, QRect(QPoint(0, 0), plot_->size()));
    // The stats line as text, not as the label widget.
    painter.save();
    painter.setFont(stats_->font());
    painter.setPen(QColor(40, 40, 40));
    painter.drawText(QRect(6, plot_->height(), plot_->width() - 12, stats_->height()),
                     Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, statsPlain_);
    painter.restore();
}

const RoundResult* HistogramView::currentRound() const {
    return find_round(run_.get(), round_);
}

void HistogramView::refillLayers() {
    QStringList names;
    if (const RoundResult* round = currentRound())
        for (const LayerHistogram& h : round->histograms)
            names.append(QString::fromStdString(h.tensor));
    if (names == layers())
        return;

    filling_ = true;
    combo_->clear();
    combo_->addItems(names);
    int index = names.indexOf(wanted_);
    if (index < 0)
        index = names.indexOf(QStringLiteral("conv1.weight"));
    if (index < 0 && !names.isEmpty())
        index = 0;
    combo_->setCurrentIndex(index);
    combo_->setEnabled(!names.isEmpty());
    filling_ = false;
}

void HistogramView::redraw() {
    plot_->clearGraphs();
    statsPlain_.clear();
    stats_->clear();

    const RoundResult* round = currentRound();
    const LayerHistogram* hist = nullptr;
    if (round) {
        const std::string name = combo_->currentText().toStdString();
        for (const LayerHistogram& h : round->histograms)
            if (h.tensor == name)
                hist = &h;
    }

    if (!hist) {
        emptyText_->setText(!run_    ? tr("No run yet: press Start")
                            : !round ? tr("No rounds yet")
                                     : tr("No weight histograms in this round"));
        emptyText_->setVisible(true);
        plot_->legend->setVisible(false);
        title_->setText(round ? tr("Weight histograms, round %1").arg(round->round)
                              : tr("Weight histograms"));
        plot_->xAxis->setRange(-1, 1);
        plot_->yAxis->setRange(0, 10);
        plot_->replot(QCustomPlot::rpQueuedReplot);
        return;
    }

    emptyText_->setVisible(false);
    title_->setText(tr("%1, round %2").arg(QString::fromStdString(hist->tensor)).arg(round->round));

    double maxCount = 0;
    size_t bins = 0;
    auto add = [&](const QString& name, const QColor& color, const std::vector<int64_t>& counts, double width,
                   int alpha) {
        const size_t n = counts.size();
        if (n == 0)
            return;
        bins = std::max(bins, n);
        // A constant tensor (all-zero bias at init) has lo == hi: one column at lo.
        const double step = hist->hi > hist->lo ? (hist->hi - hist->lo) / static_cast<double>(n) : 0.0;
        QVector<double> xs(static_cast<int>(n)), ys(static_cast<int>(n));
        for (size_t i = 0; i < n; ++i) {
            xs[static_cast<int>(i)] = hist->lo + (static_cast<double>(i) + 0.5) * step;
            ys[static_cast<int>(i)] = static_cast<double>(counts[i]);
            maxCount = std::max(maxCount, ys[static_cast<int>(i)]);
        }
        QCPGraph* graph = plot_->addGraph();
        graph->setName(name);
        graph->setLineStyle(QCPGraph::lsStepCenter);
        graph->setPen(QPen(color, width));
        if (alpha > 0) {
            QColor fill = color;
            fill.setAlpha(alpha);
            graph->setBrush(fill);
        }
        graph->setData(xs, ys, true);
        // Hidden series keep their legend entry, greyed, so a click brings them back.
        const bool hidden = hidden_.contains(name);
        graph->setVisible(!hidden);
        if (auto* item = plot_->legend->itemWithPlottable(graph))
            item->setTextColor(hidden ? QColor(170, 170, 170) : Qt::black);
        if (hidden)
            return;
    };

    QStringList envLines, mergedLines, envRich, mergedRich;
    for (size_t k = 0; k < hist->envs.size(); ++k) {
        const int env = static_cast<int>(k);
        // Outlines only: several filled environments hide one another.
        add(env_label(env), env_color(env), hist->envs[k], 1.6, 0);
        if (k < hist->env_stats.size()) {
            envLines.append(stats_line(env_label(env), hist->env_stats[k]));
            envRich.append(colored(envLines.back(), env_color(env)));
        }
    }
    // The round's evaluation order first, then anything only the histogram knows.
    std::vector<std::string> methods;
    for (const MethodMetrics& m : round->merged)
        methods.push_back(m.method);
    for (const auto& entry : hist->merged)
        if (std::find(methods.begin(), methods.end(), entry.first) == methods.end())
            methods.push_back(entry.first);
    for (const std::string& m : methods) {
        const QString name = QString::fromStdString(m);
        if (auto it = hist->merged.find(m); it != hist->merged.end())
            add(name, method_color(name), it->second, 2.2, 28);
        if (auto it = hist->merged_stats.find(m); it != hist->merged_stats.end()) {
            mergedLines.append(stats_line(name, it->second));
            mergedRich.append(colored(mergedLines.back(), method_color(name)));
        }
    }

    QStringList plain, rich;
    if (!envLines.isEmpty()) {
        plain.append(envLines.join(QStringLiteral("; ")));
        rich.append(envRich.join(QStringLiteral("&nbsp;&nbsp; ")));
    }
    if (!mergedLines.isEmpty()) {
        plain.append(mergedLines.join(QStringLiteral("; ")));
        rich.append(mergedRich.join(QStringLiteral("&nbsp;&nbsp; ")));
    }
    statsPlain_ = plain.join(QLatin1Char('\n'));
    stats_->setText(rich.join(QStringLiteral("<br>")));

    plot_->legend->setVisible(plot_->graphCount() > 0);
    const double step =
        hist->hi > hist->lo && bins > 0 ? (hist->hi - hist->lo) / static_cast<double>(bins) : 0.5;
    plot_->xAxis->setRange(hist->lo - step, std::max(hist->hi, hist->lo) + step);
    plot_->yAxis->setRange(0, maxCount > 0 ? maxCount * 1.15 : 1.0); // headroom for the legend
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace mergelab::ui
