#include "class_accuracy_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include "insight_kit.h"
#include "mergelab/insight.h"
#include "palette.h"
#include "plot_kit.h"
#include "run_model.h"

namespace mergelab::ui {

namespace {

const ConfusionMatrix* matrix_of(const RoundResult& r, const QString& source) {
    if (source.startsWith(QLatin1String("env:"))) {
        const int k = source.mid(4).toInt();
        return k >= 0 && k < static_cast<int>(r.envs.size()) ? &r.envs[static_cast<size_t>(k)].test_confusion
                                                             : nullptr;
    }
    const MethodMetrics* m = r.method(source.toStdString());
    return m ? &m->confusion : nullptr;
}

// "(Env 1)" after a class only some environments held: in a V split every
// environment holds every class and the names stay plain.
QString holders(const RunResult& run, int c) {
    QStringList envs;
    for (size_t k = 0; k < run.envs.size(); ++k)
        for (int held : run.envs[k].classes)
            if (held == c)
                envs << env_label(static_cast<int>(k));
    if (envs.size() == static_cast<int>(run.envs.size()))
        return {};
    return envs.isEmpty() ? QObject::tr(" (no env)") : " (" + envs.join(", ") + ")";
}

} // namespace

ClassAccuracyView::ClassAccuracyView(QWidget* parent)
    : QWidget(parent) {
    QHBoxLayout* top = nullptr;
    QVBoxLayout* layout = make_view_column(this, top);
    selector_ = add_labelled_combo(top, tr("&Model:"), this);
    top->addStretch(1);

    plot_ = plot_kit::add_plot(this, layout, QSize(240, 160), 1);
    title_ = plot_kit::add_title(plot_);
    plot_kit::label_axes(plot_, tr("Round"), tr("Test accuracy of the class (%)"));
    plot_kit::style_legend(plot_, QSize(18, 9));
    plot_kit::put_legend_beside(plot_);
    plot_->xAxis->ticker()->setTickStepStrategy(QCPAxisTicker::tssReadability);
    QSharedPointer<QCPAxisTickerFixed> whole(new QCPAxisTickerFixed);
    whole->setTickStep(1);
    whole->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    plot_->xAxis->setTicker(whole);
    marker_ = new QCPItemStraightLine(plot_);
    marker_->setPen(QPen(QColor(0, 0, 0, 70), 6));
    marker_->setSelectable(false);
    emptyText_ = plot_kit::add_empty_text(plot_);

    connect(selector_, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (filling_ || index < 0)
            return;
        source_ = selector_->itemData(index).toString();
        redraw();
    });
    redraw();
}

void ClassAccuracyView::setRunModel(RunModel* model) {
    follow_rounds(
        model, this, [this](RunPtr run) { setRun(std::move(run)); }, [this](int round) { setRound(round); });
}

void ClassAccuracyView::setRun(RunPtr run) {
    run_ = std::move(run);
    refillSources();
    redraw();
}

void ClassAccuracyView::setRound(int round) {
    round_ = round;
    redraw();
}

void ClassAccuracyView::setSource(const QString& source) {
    source_ = source;
    const int index = selector_->findData(source);
    if (index >= 0)
        selector_->setCurrentIndex(index);
    redraw();
}

QVector<double> ClassAccuracyView::classLine(int c) const {
    QVector<double> out;
    for (int i = 0; i < plot_->graphCount(); ++i)
        if (plot_->graph(i)->property("class").toInt() == c && plot_->graph(i)->property("class").isValid()) {
            const auto data = plot_->graph(i)->data();
            for (auto it = data->constBegin(); it != data->constEnd(); ++it)
                out << it->value;
        }
    return out;
}

void ClassAccuracyView::refillSources() {
    QList<QPair<QString, QString>> items; // text, data
    if (const RoundResult* r = find_round(run_.get(), 0)) {
        for (const MethodMetrics& m : r->merged) {
            const QString name = QString::fromStdString(m.method);
            items.append({tr("Merged: %1").arg(name), name});
        }
        for (size_t k = 0; k < r->envs.size(); ++k)
            items.append({tr("%1's local model").arg(env_label(static_cast<int>(k))),
                          QStringLiteral("env:%1").arg(k)});
    }
    QStringList now;
    for (int i = 0; i < selector_->count(); ++i)
        now << selector_->itemData(i).toString();
    QStringList wanted;
    for (const auto& item : items)
        wanted << item.second;
    if (now == wanted)
        return;
    filling_ = true;
    selector_->clear();
    for (const auto& item : items)
        selector_->addItem(item.first, item.second);
    int index = selector_->findData(source_);
    if (index < 0 && !items.isEmpty())
        index = 0;
    selector_->setCurrentIndex(index);
    selector_->setEnabled(!items.isEmpty());
    filling_ = false;
    if (index >= 0)
        source_ = selector_->itemData(index).toString();
}

void ClassAccuracyView::redraw() {
    plot_->clearGraphs();
    const RoundResult* shown = find_round(run_.get(), round_);
    const bool empty = !shown || !matrix_of(*shown, source_);
    emptyText_->setVisible(empty);
    marker_->setVisible(!empty);
    plot_->legend->setVisible(!empty);
    if (empty) {
        emptyText_->setText(!run_ ? tr("No run yet: press Start") : tr("No rounds yet"));
        title_->setText(tr("Per-class test accuracy"));
        plot_->xAxis->setRange(0.5, 1.5);
        plot_->yAxis->setRange(0, 100);
        plot_->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const bool single = run_->rounds.size() == 1;
    for (int c = 0; c < class_count(); ++c) {
        QVector<double> xs, ys;
        for (const RoundResult& r : run_->rounds)
            if (const ConfusionMatrix* m = matrix_of(r, source_); m && m->size() > static_cast<size_t>(c))
                if (const auto acc = class_accuracy(*m)[static_cast<size_t>(c)])
                    xs << r.round, ys << 100 * *acc;
        QCPGraph* g = plot_->addGraph();
        g->setProperty("class", c);
        g->setName(short_class_name(c) + holders(*run_, c));
        g->setPen(QPen(class_color(c), 1.8));
        // A lone round is a column of dots; more rounds read as lines.
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, single ? 7 : 4));
        g->setData(xs, ys, true);
    }
    const QString who = source_.startsWith(QLatin1String("env:"))
                            ? tr("%1's local model").arg(env_label(source_.mid(4).toInt()))
                            : tr("merged with %1").arg(source_);
    title_->setText(tr("Test accuracy per class, %1 (round %2 marked)").arg(who).arg(shown->round));
    marker_->point1->setCoords(shown->round, 0);
    marker_->point2->setCoords(shown->round, 1);
    plot_->xAxis->setRange(0.5, run_->rounds.back().round + 0.5);
    plot_->yAxis->setRange(0, 102);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QList<QWidget*> ClassAccuracyView::exportParts() {
    return {plot_};
}

} // namespace mergelab::ui
