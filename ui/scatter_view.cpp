#include "scatter_view.h"

#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <numeric>
#include <random>

#include <qcustomplot.h>

#include "insight_kit.h"
#include "mergelab/error.h"
#include "mergelab/state_dict.h"
#include "palette.h"
#include "plot_kit.h"
#include "run_model.h"

namespace mergelab::ui {

struct ScatterView::Points {
    QVector<double> x, y, merged;
    int64_t elements = 0; // in the tensor, of which x.size() are drawn
    QString tensor, method;
    int round = 0;
};

namespace {

constexpr int kColorBins = 12; // one graph per band of merged values
constexpr uint64_t kSampleSeed = 20240501;

const NamedTensor& tensor_in(const WeightSet& set, const std::string& name, const QString& file) {
    const NamedTensor* t = find_tensor(set, name);
    if (!t)
        throw Error(file.toStdString() + " has no tensor '" + name + "'");
    return *t;
}

// Every element, or the same seeded sample for a given size: scrubbing
// rounds shows the same elements moving.
std::vector<size_t> chosen_elements(size_t n) {
    std::vector<size_t> all(n);
    std::iota(all.begin(), all.end(), size_t(0));
    if (n <= size_t(ScatterView::kMaxPoints))
        return all;
    std::mt19937_64 rng(kSampleSeed);
    std::shuffle(all.begin(), all.end(), rng);
    all.resize(ScatterView::kMaxPoints);
    std::sort(all.begin(), all.end());
    return all;
}

} // namespace

ScatterView::ScatterView(QWidget* parent)
    : QWidget(parent) {
    QHBoxLayout* top = nullptr;
    QVBoxLayout* layout = make_view_column(this, top);
    layers_ = add_labelled_combo(top, tr("&Layer:"), this);
    methods_ = add_labelled_combo(top, tr("&Colour:"), this);
    pairBox_ = new QWidget(this);
    auto* pair = new QHBoxLayout(pairBox_);
    pair->setContentsMargins(0, 0, 0, 0);
    xEnv_ = add_labelled_combo(pair, tr("&x:"), this);
    yEnv_ = add_labelled_combo(pair, tr("&y:"), this);
    top->addWidget(pairBox_);
    top->addStretch(1);

    plot_ = plot_kit::add_plot(this, layout, QSize(240, 200), 1);
    title_ = plot_kit::add_title(plot_);
    emptyText_ = plot_kit::add_empty_text(plot_);
    scale_ = new QCPColorScale(plot_);
    plot_->plotLayout()->addElement(1, 1, scale_);
    scale_->setBarWidth(10);
    QCPColorGradient gradient(QCPColorGradient::gpSpectrum);
    scale_->setGradient(gradient);
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    status_->setContentsMargins(6, 0, 6, 4);
    layout->addWidget(status_);

    auto changed = [this] {
        if (filling_)
            return;
        layer_ = layers_->currentText();
        method_ = methods_->currentText();
        x_ = std::max(0, xEnv_->currentIndex());
        y_ = std::max(0, yEnv_->currentIndex());
        if (x_ == y_) { // a pair, never one environment against itself
            y_ = x_ == 0 ? 1 : 0;
            yEnv_->setCurrentIndex(y_);
        }
        request();
    };
    for (QComboBox* box : {layers_, methods_, xEnv_, yEnv_})
        connect(box, &QComboBox::activated, this, changed);
    drawEmpty(tr("No run yet: press Start"));
}

void ScatterView::setRunModel(RunModel* model) {
    model_ = model;
    follow_rounds(
        model, this,
        [this](RunPtr run) {
            run_ = std::move(run);
            refillChoices();
            request();
        },
        [this](int round) {
            round_ = round;
            request();
        });
}

void ScatterView::setLayer(const QString& tensor) {
    layer_ = tensor;
    layers_->setCurrentText(tensor);
    request();
}

void ScatterView::setMethod(const QString& method) {
    method_ = method;
    methods_->setCurrentText(method);
    request();
}

int ScatterView::pointCount() const {
    int n = 0;
    for (int i = 0; i < plot_->graphCount(); ++i)
        n += plot_->graph(i)->dataCount();
    return n;
}

QString ScatterView::status() const {
    return status_->text();
}

void ScatterView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    request();
}

void ScatterView::refillChoices() {
    const RoundResult* r = find_round(run_.get(), 0);
    QStringList layers, methods, envs;
    if (r) {
        for (const LayerHistogram& h : r->histograms)
            layers << QString::fromStdString(h.tensor);
        for (const MethodMetrics& m : r->merged)
            methods << QString::fromStdString(m.method);
        for (size_t k = 0; k < r->envs.size(); ++k)
            envs << env_label(int(k));
    }
    filling_ = true;
    auto refill = [](QComboBox* box, const QStringList& items) {
        QStringList now;
        for (int i = 0; i < box->count(); ++i)
            now << box->itemText(i);
        if (now != items)
            box->clear(), box->addItems(items);
    };
    refill(layers_, layers);
    refill(methods_, methods);
    refill(xEnv_, envs);
    refill(yEnv_, envs);
    if (!layers.isEmpty() && !layers.contains(layer_))
        layer_ = layers.first();
    if (!methods.isEmpty() && !methods.contains(method_))
        method_ = methods.first();
    // Until a run has environments the pair is kept: clamped to nothing it
    // would become x == y, every dot on the diagonal.
    if (envs.size() > 1 && (x_ >= envs.size() || y_ >= envs.size() || x_ == y_))
        x_ = 0, y_ = 1;
    layers_->setCurrentText(layer_);
    methods_->setCurrentText(method_);
    xEnv_->setCurrentIndex(x_);
    yEnv_->setCurrentIndex(y_);
    // Two environments are always the pair; the choice matters from three.
    pairBox_->setVisible(envs.size() > 2);
    filling_ = false;
}

void ScatterView::request() {
    const RoundResult* r = find_round(run_.get(), round_);
    if (!r || !model_) {
        ++*generation_;
        key_.clear();
        drawEmpty(run_ ? tr("No rounds yet") : tr("No run yet: press Start"));
        emit loaded();
        return;
    }
    const QString folder = models_folder(*model_, *run_);
    const QString xFile = env_model_path(folder, r->round, x_), yFile = env_model_path(folder, r->round, y_);
    const QString mFile = method_model_path(folder, r->round, method_);
    const QString key = QStringList{xFile, yFile, mFile, layer_}.join('|');
    if (key == key_)
        return;
    if (folder.isEmpty() || !QFileInfo::exists(xFile) || !QFileInfo::exists(yFile) ||
        !QFileInfo::exists(mFile)) {
        ++*generation_;
        key_ = key;
        drawEmpty(missing_models_text(r->round));
        emit loaded();
        return;
    }
    if (!isVisible())
        return; // loaded when the view is shown
    key_ = key;
    status_->setText(tr("Loading the models of round %1…").arg(r->round));
    const std::string tensor = layer_.toStdString();
    const QString method = method_;
    const int round = r->round;
    run_in_background<Points>(
        this, generation_,
        [xFile, yFile, mFile, tensor, method, round] {
            const WeightSet xs = load_state_dict(xFile.toStdString()),
                            ys = load_state_dict(yFile.toStdString()),
                            ms = load_state_dict(mFile.toStdString());
            const NamedTensor &tx = tensor_in(xs, tensor, xFile), &ty = tensor_in(ys, tensor, yFile),
                              &tm = tensor_in(ms, tensor, mFile);
            if (tx.values.size() != ty.values.size() || tx.values.size() != tm.values.size())
                throw Error("the models differ in the size of '" + tensor + "'");
            Points p;
            p.elements = static_cast<int64_t>(tx.values.size());
            p.tensor = QString::fromStdString(tensor), p.method = method, p.round = round;
            for (size_t i : chosen_elements(tx.values.size()))
                p.x << tx.values[i], p.y << ty.values[i], p.merged << tm.values[i];
            return p;
        },
        [this](const Outcome<Points>& outcome) {
            if (outcome.value)
                draw(*outcome.value);
            else
                drawEmpty(tr("Could not read the models: %1").arg(outcome.error));
            emit loaded();
        });
}

void ScatterView::drawEmpty(const QString& message) {
    plot_->clearGraphs();
    plot_->clearItems();
    emptyText_ = plot_kit::add_empty_text(plot_);
    emptyText_->setText(
        plot_kit::wrap_lines(message, emptyText_->font(), std::max(160, plot_->width() - 60)));
    title_->setText(tr("Weight scatter"));
    status_->clear();
    scale_->setVisible(false);
    plot_kit::label_axes(plot_, QString(), QString());
    plot_->xAxis->setRange(-1, 1);
    plot_->yAxis->setRange(-1, 1);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void ScatterView::draw(const Points& p) {
    plot_->clearGraphs();
    plot_->clearItems();
    emptyText_ = plot_kit::add_empty_text(plot_);
    emptyText_->setVisible(false);
    double lo = 0, hi = 0, mlo = 0, mhi = 0;
    if (!p.x.isEmpty()) {
        lo = std::min(*std::min_element(p.x.begin(), p.x.end()), *std::min_element(p.y.begin(), p.y.end()));
        hi = std::max(*std::max_element(p.x.begin(), p.x.end()), *std::max_element(p.y.begin(), p.y.end()));
        mlo = *std::min_element(p.merged.begin(), p.merged.end());
        mhi = *std::max_element(p.merged.begin(), p.merged.end());
    }
    if (mhi <= mlo)
        mhi = mlo + 1e-6;
    QCPColorGradient gradient = scale_->gradient(); // color() is not const
    const QCPRange range(mlo, mhi);
    std::vector<QVector<double>> bx(kColorBins), by(kColorBins);
    for (int i = 0; i < p.x.size(); ++i) {
        const int bin = std::clamp(int((p.merged[i] - mlo) / (mhi - mlo) * kColorBins), 0, kColorBins - 1);
        bx[size_t(bin)] << p.x[i], by[size_t(bin)] << p.y[i];
    }
    // Small dots, a little transparent: thousands overlap near zero.
    const double dot = p.x.size() > 5000 ? 3 : 5;
    for (int b = 0; b < kColorBins; ++b) {
        QColor color = QColor::fromRgb(gradient.color(mlo + (b + 0.5) * (mhi - mlo) / kColorBins, range));
        color.setAlpha(170);
        QCPGraph* g = plot_->addGraph();
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, color, dot));
        g->setData(bx[size_t(b)], by[size_t(b)]);
    }
    auto* diagonal = new QCPItemStraightLine(plot_);
    diagonal->point1->setCoords(0, 0);
    diagonal->point2->setCoords(1, 1);
    diagonal->setPen(QPen(QColor(0, 0, 0, 120), 1, Qt::DashLine));
    const double pad = (hi - lo) * 0.04 + 1e-6;
    plot_->xAxis->setRange(lo - pad, hi + pad);
    plot_->yAxis->setRange(lo - pad, hi + pad);
    plot_kit::label_axes(plot_, tr("%1's weight").arg(env_label(x_)), tr("%1's weight").arg(env_label(y_)));
    scale_->setVisible(true);
    scale_->setDataRange(range);
    scale_->axis()->setLabel(tr("merged value (%1)").arg(p.method));
    title_->setText(
        tr("%1, round %2: %3 against %4").arg(p.tensor).arg(p.round).arg(env_label(x_), env_label(y_)));
    status_->setText(
        (p.x.size() < p.elements ? tr("A fixed sample of %1 of the layer's %2 elements.")
                                       .arg(grouped(p.x.size()), grouped(p.elements))
                                 : tr("All %1 elements of the layer.").arg(grouped(p.elements))) +
        tr(" On the dashed diagonal both environments hold the same value; far from it they drifted apart. "
           "The colour is what %1 made of the pair.")
            .arg(p.method));
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QList<QWidget*> ScatterView::exportParts() {
    return {plot_, status_};
}

} // namespace mergelab::ui
