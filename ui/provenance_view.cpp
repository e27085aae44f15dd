#include "provenance_view.h"

#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

#include <cmath>
#include <tuple>

#include <qcustomplot.h>

#include "insight_kit.h"
#include "mergelab/error.h"
#include "mergelab/provenance.h"
#include "mergelab/state_dict.h"
#include "palette.h"
#include "plot_kit.h"
#include "provenance_map.h"
#include "run_model.h"
#include "zoom.h"

namespace mergelab::ui {

namespace {

const MethodProvenance* find_method(const RoundResult* r, const QString& method) {
    if (!r)
        return nullptr;
    for (const MethodProvenance& m : r->provenance)
        if (QString::fromStdString(m.method) == method)
            return &m;
    return nullptr;
}

struct MapData {
    std::vector<int8_t> sources;
    std::vector<int64_t> shape;
};

// The chosen tensor of every environment's saved model against the saved
// merged model, element by element.
MapData load_map(const QStringList& envFiles, const QString& mergedFile, const std::string& tensor) {
    std::vector<WeightSet> envs;
    for (const QString& f : envFiles)
        envs.push_back(load_state_dict(f.toStdString()));
    const WeightSet merged = load_state_dict(mergedFile.toStdString());
    const NamedTensor* m = find_tensor(merged, tensor);
    if (!m)
        throw Error(mergedFile.toStdString() + " has no tensor '" + tensor + "'");
    std::vector<const float*> inputs;
    for (size_t k = 0; k < envs.size(); ++k) {
        const NamedTensor* t = find_tensor(envs[k], tensor);
        if (!t || t->values.size() != m->values.size())
            throw Error(envFiles[int(k)].toStdString() + " does not match the merged model in '" + tensor +
                        "'");
        inputs.push_back(t->values.data());
    }
    return {element_sources(inputs, m->values.data(), m->values.size()), m->shape};
}

} // namespace

ProvenanceView::ProvenanceView(QWidget* parent)
    : QWidget(parent) {
    QHBoxLayout* top = nullptr;
    QVBoxLayout* layout = make_view_column(this, top);
    methods_ = add_labelled_combo(top, tr("&Method:"), this);
    layers_ = add_labelled_combo(top, tr("&Layer:"), this);
    top->addStretch(1);

    // On a small screen the charts keep the room their labels need and the
    // tab scrolls, rather than squeezing names and numbers over each other.
    auto* scroll = new QScrollArea(this);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    auto* content = new QWidget(scroll);
    auto* body = new QHBoxLayout(content);
    body->setContentsMargins(0, 0, 0, 0);
    scroll->setWidget(content);
    auto* charts = new QVBoxLayout;
    body->addLayout(charts, 3);
    layout->addWidget(scroll, 1);
    // Minimum heights that, grown by presentation zoom (1.6), still add up to
    // less than a 1280x720 screen holds: above that the charts overlap.
    bars_ = plot_kit::add_plot(this, charts, QSize(220, 150), 2);
    barsTitle_ = plot_kit::add_title(bars_);
    plot_kit::label_axes(bars_, tr("Share of the layer's elements (%)"), QString());
    plot_kit::style_legend(bars_, QSize(14, 9));
    // Beside the bars the legend was cut to "Env" at 1280 wide: one row below.
    bars_->plotLayout()->addElement(2, 0, bars_->legend);
    bars_->plotLayout()->setRowStretchFactor(2, 0.001);
    bars_->legend->setFillOrder(QCPLegend::foColumnsFirst);
    bars_->legend->setWrap(5);
    bars_->legend->setBorderPen(Qt::NoPen);
    barsEmpty_ = plot_kit::add_empty_text(bars_);
    plot_kit::keep_wrapped(bars_, barsTitle_);
    // After apply_zoom, connected first: the fonts are those drawn.
    connect(bars_, &QCustomPlot::beforeReplot, this, [this] { fitBars(); });
    connect(bars_, &QCustomPlot::afterLayout, this, [this] { showShareLabelsThatFit(); });
    rounds_ = plot_kit::add_plot(this, charts, QSize(220, 100), 1);
    roundsTitle_ = plot_kit::add_title(rounds_);
    plot_kit::label_axes(rounds_, tr("Round"), tr("From Env 1 (%)"));
    plot_kit::style_legend(rounds_, QSize(14, 9));
    // Below the chart, two rows of layer names left it a 10 px strip at
    // 1280x720 and lost their second row at 1920x1080: two columns of four
    // beside it cost width, of which this chart has plenty.
    plot_kit::put_legend_beside(rounds_);
    rounds_->legend->setFillOrder(QCPLegend::foRowsFirst);
    rounds_->legend->setWrap(4);
    rounds_->legend->setBorderPen(Qt::NoPen);
    // Room on the right for names measured before the zoom reaches their
    // font ("conv1.weigh" at 1280x720 without it).
    rounds_->legend->setMargins(QMargins(7, 5, 20, 4));
    marker_ = new QCPItemStraightLine(rounds_);
    marker_->setPen(QPen(QColor(0, 0, 0, 70), 6));
    QSharedPointer<QCPAxisTickerFixed> whole(new QCPAxisTickerFixed);
    whole->setTickStep(1);
    whole->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    rounds_->xAxis->setTicker(whole);
    connect(rounds_, &QCustomPlot::beforeReplot, this, [this] { fitRounds(); });
    // Empty, the two charts collapsed to a sliver beside a long message: a
    // plain message takes their place instead.
    none_ = new QLabel(this);
    none_->setObjectName(QStringLiteral("provenanceNone"));
    none_->setAlignment(Qt::AlignCenter);
    none_->setWordWrap(true);
    none_->setContentsMargins(12, 12, 12, 12);
    // Grey by its palette: a style sheet would keep it from the zoomed font.
    QPalette grey = none_->palette();
    grey.setColor(QPalette::WindowText, QColor(0x6e, 0x6e, 0x6e));
    none_->setPalette(grey);
    charts->addWidget(none_, 3);
    none_->hide();

    auto* side = new QVBoxLayout;
    mapTitle_ = new QLabel(this);
    mapTitle_->setWordWrap(true);
    map_ = new ProvenanceMap(this);
    side->addWidget(mapTitle_);
    side->addWidget(map_, 1);
    // Under the map, which yields room, not under the charts, which cannot:
    // below them it was the first thing under the fold at 1280x720.
    flips_ = new QLabel(this);
    flips_->setWordWrap(true);
    flips_->setContentsMargins(6, 4, 6, 4);
    side->addWidget(flips_);
    body->addLayout(side, 2);

    connect(methods_, &QComboBox::currentTextChanged, this, [this](const QString& m) {
        if (filling_ || m.isEmpty())
            return;
        method_ = m;
        redraw();
    });
    connect(layers_, &QComboBox::currentTextChanged, this, [this](const QString& t) {
        if (filling_ || t.isEmpty())
            return;
        layer_ = t;
        redraw();
    });
    redraw();
}

void ProvenanceView::setRunModel(RunModel* model) {
    model_ = model;
    follow_rounds(
        model, this,
        [this](RunPtr run) {
            run_ = std::move(run);
            refillChoices();
            redraw();
        },
        [this](int round) {
            round_ = round;
            refillChoices();
            redraw();
        });
}

void ProvenanceView::setMethod(const QString& method) {
    method_ = method;
    methods_->setCurrentText(method);
    redraw();
}

void ProvenanceView::setLayer(const QString& tensor) {
    layer_ = tensor;
    layers_->setCurrentText(tensor);
    redraw();
}

QVector<double> ProvenanceView::shares(int env) const {
    QVector<double> out;
    for (int i = 0; i < bars_->plottableCount(); ++i)
        if (auto* bars = qobject_cast<QCPBars*>(bars_->plottable(i));
            bars && bars->property("env").toInt() == env) {
            const auto data = bars->data();
            for (auto it = data->constBegin(); it != data->constEnd(); ++it)
                out << it->value;
        }
    return out;
}

QString ProvenanceView::signFlips() const {
    return flips_->text();
}
QString ProvenanceView::mapStatus() const {
    return map_->hasMap() ? mapTitle_->text() : map_->message();
}
bool ProvenanceView::mapReady() const {
    return map_->hasMap();
}

void ProvenanceView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    requestMap();
}

void ProvenanceView::refillChoices() {
    const RoundResult* r = find_round(run_.get(), round_);
    QStringList methods, layers;
    if (r)
        for (const MethodProvenance& m : r->provenance)
            methods << QString::fromStdString(m.method);
    if (const MethodProvenance* m = r && !r->provenance.empty() ? &r->provenance.front() : nullptr)
        for (const TensorProvenance& t : m->tensors)
            layers << QString::fromStdString(t.tensor);
    filling_ = true;
    for (auto [box, items, wanted] :
         {std::tuple{methods_, methods, &method_}, std::tuple{layers_, layers, &layer_}}) {
        QStringList now;
        for (int i = 0; i < box->count(); ++i)
            now << box->itemText(i);
        if (now != items) {
            box->clear();
            box->addItems(items);
        }
        if (!items.isEmpty() && !items.contains(*wanted))
            *wanted = items.first();
        box->setCurrentText(*wanted);
        box->setEnabled(!items.isEmpty());
    }
    filling_ = false;
}

void ProvenanceView::redraw() {
    drawBars();
    drawRounds();
    requestMap();
}

void ProvenanceView::drawBars() {
    bars_->clearPlottables();
    bars_->clearItems();
    barsEmpty_ = plot_kit::add_empty_text(bars_);
    const RoundResult* r = find_round(run_.get(), round_);
    const MethodProvenance* m = find_method(r, method_);
    QSharedPointer<QCPAxisTickerText> names(new QCPAxisTickerText);
    bars_->yAxis->setTicker(names);
    if (!m) {
        QString merged;
        if (r)
            for (const MethodMetrics& mm : r->merged)
                merged += (merged.isEmpty() ? "" : ", ") + QString::fromStdString(mm.method);
        barsEmpty_->setText(!run_                     ? tr("No run yet: press Start")
                            : !r                      ? tr("No rounds yet")
                            : predates_insight(*run_) ? predates_text(tr("provenance"))
                            : model_ && model_->laneCount() > 1
                                ? tr("Provenance needs a method that takes each element from one "
                                     "environment (max, absmax);\nthis lane merges with %1 only: choose a "
                                     "lane with max or absmax above")
                                      .arg(merged)
                                : tr("Provenance needs a method that takes each element from one "
                                     "environment (max, absmax);\nthis run merges with %1 only")
                                      .arg(merged));
        none_->setText(barsEmpty_->text());
        none_->show();
        bars_->hide();
        rounds_->hide();
        barsTitle_->setText(tr("Provenance"));
        bars_->legend->setVisible(false);
        flips_->clear();
        bars_->xAxis->setRange(0, 100);
        bars_->yAxis->setRange(0, 1);
        bars_->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const int layers = static_cast<int>(m->tensors.size());
    layerCount_ = layers;
    for (int i = 0; i < layers; ++i)
        names->addTick(layers - i, QString::fromStdString(m->tensors[size_t(i)].tensor));
    const size_t envs = m->tensors.empty() ? 0 : m->tensors.front().counts.size();
    QCPBars* below = nullptr;
    int64_t flips = 0, elements = 0;
    std::vector<double> starts(size_t(layers), 0.0); // where each layer's next segment begins
    for (size_t k = 0; k < envs; ++k) {
        auto* bars = new QCPBars(bars_->yAxis, bars_->xAxis);
        bars->setProperty("env", int(k));
        bars->setName(env_label(int(k)));
        bars->setPen(Qt::NoPen);
        bars->setBrush(env_color(int(k)));
        bars->setWidth(0.8);
        bars->setStackingGap(0);
        if (below)
            bars->moveAbove(below);
        below = bars;
        for (int i = 0; i < layers; ++i) {
            const TensorProvenance& t = m->tensors[size_t(i)];
            const double share = 100 * t.shares()[k];
            bars->addData(layers - i, share);
            if (share >= 12) {
                auto* label = new QCPItemText(bars_);
                label->setProperty("share", share);
                label->position->setCoords(starts[size_t(i)] + share / 2, layers - i);
                label->setText(QStringLiteral("%1 %").arg(share, 0, 'f', share >= 99.95 ? 0 : 1));
                label->setColor(luminance(env_color(int(k))) < 0.5 ? Qt::white : QColor(30, 30, 30));
            }
            starts[size_t(i)] += share;
            if (k == 0)
                flips += t.sign_flips, elements += t.elements();
        }
    }
    barsEmpty_->setVisible(false);
    none_->hide();
    bars_->show();
    rounds_->show();
    bars_->legend->setVisible(true);
    barsTitle_->setText(tr("Where each layer came from (%1, round %2)").arg(method_).arg(r->round));
    bars_->xAxis->setRange(0, 100);
    bars_->yAxis->setRange(0.4, layers + 0.6);
    QString layerFlips;
    for (const TensorProvenance& t : m->tensors)
        if (QString::fromStdString(t.tensor) == layer_)
            layerFlips =
                tr("%1: %2 of %3 (%4 %); ")
                    .arg(layer_, grouped(t.sign_flips), grouped(t.elements()))
                    .arg(t.elements() ? 100.0 * double(t.sign_flips) / double(t.elements()) : 0.0, 0, 'f', 1);
    flips_->setText(
        tr("Sign flips, elements of the merged model whose sign is opposite to the environments' mean: "
           "%1all layers %2 of %3 (%4 %)")
            .arg(layerFlips, grouped(flips), grouped(elements))
            .arg(elements ? 100.0 * double(flips) / double(elements) : 0.0, 0, 'f', 1));
    bars_->replot(QCustomPlot::rpQueuedReplot);
}

void ProvenanceView::fitBars() {
    const double line = QFontMetricsF(bars_->yAxis->tickLabelFont()).height();
    // A layer name per row, and the title, the x axis and the legend's row.
    const double need = layerCount_ * line * 1.1 + line * 5.5 + 16;
    const int least = std::max(static_cast<int>(150 * zoom()), static_cast<int>(std::ceil(need)));
    if (bars_->minimumHeight() != least)
        bars_->setMinimumHeight(least);
    // Half of "100" hangs past the axis' end, and QCustomPlot leaves out a
    // tick label that would cross the chart's edge: in presentation the
    // axis ended at 80.
    const QFontMetricsF ticks(bars_->xAxis->tickLabelFont());
    QMargins margins = bars_->axisRect()->minimumMargins();
    const int half = static_cast<int>(std::ceil(ticks.horizontalAdvance(QStringLiteral("100")) / 2)) + 2;
    if (margins.right() != half) {
        margins.setRight(half);
        bars_->axisRect()->setMinimumMargins(margins);
    }
}

void ProvenanceView::showShareLabelsThatFit() {
    // A label shows only inside its own segment: thin bars or narrow
    // shares leave the number to the legend and the sign-flip line.
    // Its row's pitch, not the bar's thickness: a label may cover the bar's
    // edges but never reach the next row's.
    const double rowPx = std::abs(bars_->yAxis->coordToPixel(1) - bars_->yAxis->coordToPixel(0)) - 1;
    for (int i = 0; i < bars_->itemCount(); ++i) {
        auto* label = qobject_cast<QCPItemText*>(bars_->item(i));
        if (!label || label == barsEmpty_ || !label->property("share").isValid())
            continue;
        const QFontMetricsF fm(label->font());
        const double segmentPx = std::abs(bars_->xAxis->coordToPixel(label->property("share").toDouble()) -
                                          bars_->xAxis->coordToPixel(0));
        label->setVisible(fm.height() <= rowPx && fm.horizontalAdvance(label->text()) + 4 <= segmentPx);
    }
}

void ProvenanceView::fitRounds() {
    const double line = QFontMetricsF(rounds_->yAxis->tickLabelFont()).height();
    // 0, 50 and 100 where three labels fit with a gap; else 0 and 100.
    const double axisPx = rounds_->axisRect()->height();
    auto ticks = QSharedPointer<QCPAxisTickerFixed>::create();
    ticks->setScaleStrategy(QCPAxisTickerFixed::ssNone);
    ticks->setTickStep(axisPx >= line * 3.6 ? 50 : 100);
    rounds_->yAxis->setTicker(ticks);
    // Three tick labels with a gap (3.6 lines), the title and the x axis.
    const int least = std::max(static_cast<int>(100 * zoom()), static_cast<int>(std::ceil(line * 7.1 + 10)));
    if (rounds_->minimumHeight() != least)
        rounds_->setMinimumHeight(least);
    // The layer names whole beside a chart still wide enough to read.
    const int wide = rounds_->legend->visible()
                         ? rounds_->legend->minimumOuterSizeHint().width() + static_cast<int>(line * 9)
                         : 220;
    if (rounds_->minimumWidth() != wide)
        rounds_->setMinimumWidth(wide);
    // The title sits above the chart only, beside the legend: wrapped to
    // that width, or its length would take the legend's room.
    const int legendW = rounds_->legend->visible() ? rounds_->legend->minimumOuterSizeHint().width() : 0;
    roundsTitle_->setText(plot_kit::wrap_lines(roundsTitleText_, roundsTitle_->font(),
                                               std::max(60.0, rounds_->width() - legendW - 24.0)));
}

void ProvenanceView::drawRounds() {
    rounds_->clearGraphs();
    QStringList layers;
    if (run_)
        for (const RoundResult& r : run_->rounds)
            if (const MethodProvenance* m = find_method(&r, method_))
                for (const TensorProvenance& t : m->tensors)
                    if (!layers.contains(QString::fromStdString(t.tensor)))
                        layers << QString::fromStdString(t.tensor);
    for (int i = 0; i < layers.size(); ++i) {
        QVector<double> xs, ys;
        for (const RoundResult& r : run_->rounds)
            if (const MethodProvenance* m = find_method(&r, method_))
                for (const TensorProvenance& t : m->tensors)
                    if (QString::fromStdString(t.tensor) == layers[i])
                        xs << r.round, ys << 100 * t.shares()[0];
        QCPGraph* g = rounds_->addGraph();
        g->setName(layers[i]);
        g->setPen(QPen(class_color(i), layers[i] == layer_ ? 3.0 : 1.4));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, xs.size() == 1 ? 7 : 4));
        g->setData(xs, ys, true);
    }
    const RoundResult* shown = find_round(run_.get(), round_);
    const bool any = !layers.isEmpty() && shown;
    rounds_->legend->setVisible(any);
    rounds_->xAxis->setVisible(any);
    rounds_->yAxis->setVisible(any);
    marker_->setVisible(any);
    roundsTitleText_ = any ? tr("Env 1's share per layer (%1)").arg(method_) : QString();
    roundsTitle_->setText(roundsTitleText_);
    if (any) {
        marker_->point1->setCoords(shown->round, 0);
        marker_->point2->setCoords(shown->round, 1);
    }
    rounds_->xAxis->setRange(0.5, (run_ && !run_->rounds.empty() ? run_->rounds.back().round : 1) + 0.5);
    rounds_->yAxis->setRange(0, 100);
    rounds_->replot(QCustomPlot::rpQueuedReplot);
}

void ProvenanceView::requestMap() {
    const RoundResult* r = find_round(run_.get(), round_);
    const MethodProvenance* m = find_method(r, method_);
    if (!m || !model_) {
        ++*generation_;
        mapKey_.clear();
        mapTitle_->clear();
        // The bars say why; the map only repeats the short reason.
        map_->setMessage(!r ? QString()
                            : tr("No element map: no method in this round takes each element from "
                                 "one environment"));
        return;
    }
    const QString folder = models_folder(*model_, *run_);
    QStringList envFiles;
    for (size_t k = 0; k < r->envs.size(); ++k)
        envFiles << env_model_path(folder, r->round, int(k));
    const QString mergedFile = method_model_path(folder, r->round, method_);
    const QString key = QStringList(envFiles + QStringList{mergedFile, layer_}).join('|');
    if (key == mapKey_)
        return;
    mapTitle_->setText(tr("%1 in round %2, every element coloured by the environment %3 took it from")
                           .arg(layer_)
                           .arg(r->round)
                           .arg(method_));
    bool present = !folder.isEmpty() && QFileInfo::exists(mergedFile);
    for (const QString& f : envFiles)
        present = present && QFileInfo::exists(f);
    if (!present) {
        ++*generation_;
        mapKey_ = key;
        map_->setMessage(missing_models_text(r->round));
        emit mapLoaded();
        return;
    }
    if (!isVisible())
        return; // loaded when the view is shown
    mapKey_ = key;
    map_->setMessage(tr("Loading the models of round %1…").arg(r->round));
    const std::string tensor = layer_.toStdString();
    run_in_background<MapData>(
        this, generation_, [envFiles, mergedFile, tensor] { return load_map(envFiles, mergedFile, tensor); },
        [this](const Outcome<MapData>& outcome) {
            if (outcome.value)
                map_->setSources(outcome.value->sources, outcome.value->shape);
            else
                map_->setMessage(tr("Could not read the models: %1").arg(outcome.error));
            emit mapLoaded();
        });
}

QList<QWidget*> ProvenanceView::exportParts() {
    return {bars_, rounds_, none_, flips_, mapTitle_, map_};
}

} // namespace mergelab::ui
