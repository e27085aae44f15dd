#include "interpolation_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>

#include <qcustomplot.h>

#include "insight_kit.h"
#include "mergelab/error.h"
#include "mergelab/interpolation.h"
#include "mergelab/state_dict.h"
#include "palette.h"
#include "plot_kit.h"
#include "run_model.h"

namespace mergelab::ui {

struct InterpolationView::Request {
    QString key;   // everything the answer depends on
    QString a, b;  // model files
    QString error; // why nothing can be computed
    int points = kDefaultInterpolationPoints;
    bool full = false, aligned = false;
    const InterpolationPath* stored =
        nullptr; // the run's own env 1 -> env 2 path, when it answers the question
};

namespace {

QString end_label(const QString& end) {
    return end.startsWith(QLatin1String("env:")) ? env_label(end.mid(4).toInt()) : end;
}

QVector<double> percent(const InterpolationPath& path, bool loss, QVector<double>* ts = nullptr) {
    QVector<double> out;
    for (const auto& p : path.points) {
        out << (loss ? p.test_loss : 100 * p.test_acc);
        if (ts)
            *ts << p.t;
    }
    return out;
}

QString barrier_text(const InterpolationPath& path, const QString& what) {
    double lowest = path.points.front().test_acc, at = 0;
    for (const auto& p : path.points)
        if (p.test_acc < lowest)
            lowest = p.test_acc, at = p.t;
    return QObject::tr("%1 %2 points of accuracy (ends %3 % and %4 %, lowest %5 % at t = %6)")
        .arg(what)
        .arg(100 * path.barrier, 0, 'f', 1)
        .arg(100 * path.points.front().test_acc, 0, 'f', 1)
        .arg(100 * path.points.back().test_acc, 0, 'f', 1)
        .arg(100 * lowest, 0, 'f', 1)
        .arg(at, 0, 'g', 3);
}

} // namespace

InterpolationView::InterpolationView(QWidget* parent)
    : QWidget(parent) {
    QHBoxLayout* top = nullptr;
    QVBoxLayout* layout = make_view_column(this, top);
    paths_ = add_labelled_combo(top, tr("&Path:"), this);
    points_ = new QComboBox(this);
    points_->addItem(tr("11 points"), 11);
    points_->addItem(tr("25 points"), 25);
    full_ = new QCheckBox(tr("&Full test set"), this);
    full_->setToolTip(tr("All test images instead of a fixed subset of %1, the same share of each class")
                          .arg(grouped(kDefaultInterpolationImages)));
    aligned_ = new QCheckBox(tr("&Aligned"), this);
    top->addWidget(points_);
    top->addWidget(full_);
    top->addWidget(aligned_);
    top->addStretch(1);

    plot_ = plot_kit::add_plot(this, layout, QSize(240, 160), 1);
    title_ = plot_kit::add_title(plot_);
    plot_kit::label_axes(plot_, tr("t: (1 - t) * A + t * B"), tr("Test accuracy (%)"));
    plot_->yAxis2->setVisible(true);
    plot_->yAxis2->setLabel(tr("Test loss"));
    plot_kit::style_legend(plot_, QSize(22, 9));
    plot_kit::put_legend_beside(plot_);
    emptyText_ = plot_kit::add_empty_text(plot_);
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    status_->setContentsMargins(6, 0, 6, 4);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(status_);

    connect(paths_, &QComboBox::activated, this, [this](int i) { setPath(paths_->itemData(i).toString()); });
    connect(points_, &QComboBox::activated, this, [this] { request(); });
    connect(full_, &QCheckBox::toggled, this, [this] { request(); });
    connect(aligned_, &QCheckBox::toggled, this, [this] { request(); });
    drawEmpty(tr("No run yet: press Start"));
}

void InterpolationView::setRunModel(RunModel* model) {
    model_ = model;
    connect(model, &RunModel::runReset, this, [this] {
        training_ = model_->isLive();
        cache_.clear();
    });
    connect(model, &RunModel::liveFinished, this, [this] { training_ = false; });
    connect(model, &RunModel::dataChanged, this, [this] { request(); });
    follow_rounds(
        model, this,
        [this](RunPtr run) {
            if (run != run_)
                cache_.clear();
            run_ = std::move(run);
            refillPaths();
            request();
        },
        [this](int round) {
            round_ = round;
            request();
        });
}

void InterpolationView::setPath(const QString& path) {
    path_ = path;
    const int i = paths_->findData(path);
    if (i >= 0)
        paths_->setCurrentIndex(i);
    request();
}

QString InterpolationView::status() const {
    return status_->text();
}

QVector<double> InterpolationView::accuracies(bool aligned) const {
    for (int i = 0; i < plot_->graphCount(); ++i)
        if (plot_->graph(i)->property("line").toString() == (aligned ? "aligned-acc" : "acc")) {
            QVector<double> out;
            const auto data = plot_->graph(i)->data();
            for (auto it = data->constBegin(); it != data->constEnd(); ++it)
                out << it->value;
            return out;
        }
    return {};
}

void InterpolationView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    request(); // work left for when the view is seen
}

void InterpolationView::refillPaths() {
    const RoundResult* r = find_round(run_.get(), 0);
    QList<QPair<QString, QString>> items;
    if (r) {
        items.append({tr("Env 1 → Env 2"), QStringLiteral("env:0>env:1")});
        for (size_t k = 0; k < r->envs.size(); ++k)
            for (const MethodMetrics& m : r->merged) {
                const QString method = QString::fromStdString(m.method);
                items.append({tr("%1 → %2").arg(env_label(int(k)), method),
                              QStringLiteral("env:%1>%2").arg(k).arg(method)});
            }
    }
    QStringList now, wanted;
    for (int i = 0; i < paths_->count(); ++i)
        now << paths_->itemData(i).toString();
    for (const auto& item : items)
        wanted << item.second;
    if (now == wanted)
        return;
    paths_->clear();
    for (const auto& item : items)
        paths_->addItem(item.first, item.second);
    if (!wanted.contains(path_))
        path_ = QStringLiteral("env:0>env:1");
    paths_->setCurrentIndex(std::max(0, paths_->findData(path_)));
}

InterpolationView::Request InterpolationView::currentRequest() const {
    Request q;
    const RoundResult* r = find_round(run_.get(), round_);
    if (!r) {
        q.error = run_ ? tr("No rounds yet") : tr("No run yet: press Start");
        return q;
    }
    q.points = points_->currentData().toInt();
    q.full = full_->isChecked();
    q.aligned = aligned_->isChecked() && aligner_available();
    const QString from = path_.section('>', 0, 0), to = path_.section('>', 1, 1);
    const QString folder = model_ ? models_folder(*model_, *run_) : QString();
    auto file = [&](const QString& end) {
        return end.startsWith(QLatin1String("env:")) ? env_model_path(folder, r->round, end.mid(4).toInt())
                                                     : method_model_path(folder, r->round, end);
    };
    q.a = file(from), q.b = file(to);
    q.key = QStringLiteral("%1|%2|%3|%4|%5").arg(q.a, q.b).arg(q.points).arg(q.full).arg(q.aligned);
    if (path_ == "env:0>env:1" && r->env_path && !q.full && q.points == kDefaultInterpolationPoints &&
        !q.aligned) {
        q.stored = &*r->env_path;
    } else if (folder.isEmpty() || !QFileInfo::exists(q.a) || !QFileInfo::exists(q.b)) {
        q.error = missing_models_text(r->round);
        if (path_ == "env:0>env:1" && run_->config.path_images == 0) {
            const SettingDescriptor& images = setting("path_images");
            q.error.prepend(tr("This run recorded no path between the environments (%1: %2).")
                                .arg(coreText(images.label), coreText(images.min_label)) +
                            '\n');
        }
    } else if (!model_->data()) {
        q.error = tr("Waiting for the test images to load");
    }
    return q;
}

void InterpolationView::request() {
    if (!model_)
        return;
    Request q = currentRequest();
    if (!q.error.isEmpty() && run_ && predates_insight(*run_) && find_round(run_.get(), round_))
        q.error = predates_text(tr("the recorded environment 1 → 2 path")) + "\n" + q.error;
    if (!q.error.isEmpty() || q.stored) {
        ++*generation_; // whatever is still computing answers an older question
        busy_ = false;
        if (q.stored) {
            const Answer answer{*q.stored, nullptr};
            draw(&answer, tr("As the run recorded it after the round."));
        } else {
            drawEmpty(q.error);
        }
        emit computed();
        return;
    }
    if (const auto it = cache_.constFind(q.key); it != cache_.constEnd()) {
        ++*generation_;
        busy_ = false;
        draw(&*it, {});
        emit computed();
        return;
    }
    // Computing costs CPU the training would use: only for a view in sight.
    if (!isVisible())
        return;
    busy_ = true;
    const DataPtr data = model_->data();
    const int threads = training_ ? 1 : 0;
    const int64_t images =
        q.full ? data->test.size() : std::min<int64_t>(kDefaultInterpolationImages, data->test.size());
    status_->setText(tr("Computing %1 points on %2 test images…").arg(q.points).arg(grouped(images)));
    const Request job = q;
    run_in_background<Answer>(
        this, generation_,
        [job, data, threads] {
            const WeightSet a = load_state_dict(job.a.toStdString());
            const WeightSet b = load_state_dict(job.b.toStdString());
            const std::string arch = detect_architecture(a);
            if (arch.empty())
                throw Error(job.a.toStdString() + ": its tensors match no architecture");
            const Dataset subset =
                job.full ? Dataset{}
                         : select_images(data->test,
                                         stratified_subset(data->test.labels, kDefaultInterpolationImages));
            const Dataset& eval = job.full ? data->test : subset;
            Answer answer{interpolate(arch, a, b, eval, job.points, threads), nullptr};
            if (job.aligned)
                answer.aligned = std::make_shared<InterpolationPath>(
                    interpolate(arch, a, align_for_interpolation(arch, a, b), eval, job.points, threads));
            return answer;
        },
        [this, key = q.key](const Outcome<Answer>& outcome) {
            busy_ = false;
            if (outcome.value) {
                cache_.insert(key, *outcome.value);
                draw(outcome.value.get(), {});
            } else {
                drawEmpty(tr("Could not compute the path: %1").arg(outcome.error));
            }
            emit computed();
        });
}

void InterpolationView::drawEmpty(const QString& message) {
    plot_->clearGraphs();
    emptyText_->setText(plot_kit::wrap_lines(message.section('\n', 0, 0), emptyText_->font(),
                                             std::max(160, plot_->width() - 60)));
    emptyText_->setVisible(true);
    plot_->legend->setVisible(false);
    title_->setText(tr("Interpolation path"));
    status_->setText(message.section('\n', 1));
    plot_->xAxis->setRange(0, 1);
    plot_->yAxis->setRange(0, 100);
    plot_->yAxis2->setRange(0, 3);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void InterpolationView::draw(const Answer* answer, const QString& note) {
    plot_->clearGraphs();
    emptyText_->setVisible(false);
    double lossTop = 0.5;
    auto add = [&](const InterpolationPath& path, const QColor& color, const QString& name,
                   const QString& tag, double width) {
        QVector<double> ts;
        const QVector<double> acc = percent(path, false, &ts), loss = percent(path, true);
        QCPGraph* a = plot_->addGraph();
        a->setProperty("line", tag + "acc");
        a->setName(tr("%1 accuracy").arg(name));
        a->setPen(QPen(color, width));
        a->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
        a->setData(ts, acc, true);
        QCPGraph* l = plot_->addGraph(plot_->xAxis, plot_->yAxis2);
        l->setProperty("line", tag + "loss");
        l->setName(tr("%1 loss (right axis)").arg(name));
        l->setPen(QPen(color, width * 0.6, Qt::DashLine));
        l->setData(ts, loss, true);
        for (double v : loss)
            lossTop = std::max(lossTop, std::isfinite(v) ? v : 0.0);
    };
    const QColor plainColor(0, 114, 178), alignedColor(0, 158, 115);
    // The plain line wider, under the aligned one: where alignment changes
    // nothing the two coincide and the plain one still shows as a rim.
    add(answer->plain, plainColor, answer->aligned ? tr("Not aligned") : tr("Path"), QString(),
        answer->aligned ? 4.5 : 2.2);
    if (answer->aligned)
        add(*answer->aligned, alignedColor, tr("Aligned"), QStringLiteral("aligned-"), 2.0);
    const RoundResult* r = find_round(run_.get(), round_);
    const QString from = end_label(path_.section('>', 0, 0)), to = end_label(path_.section('>', 1, 1));
    title_->setText(tr("%1 (t = 0) → %2 (t = 1), round %3, %4 test images")
                        .arg(from, to)
                        .arg(r ? r->round : 0)
                        .arg(grouped(answer->plain.images)));
    QStringList lines{
        barrier_text(answer->plain, answer->aligned ? tr("Barrier not aligned:") : tr("Barrier:"))};
    if (answer->aligned) {
        lines << barrier_text(*answer->aligned, tr("Barrier aligned:"));
        bool same = answer->aligned->points.size() == answer->plain.points.size();
        for (size_t i = 0; same && i < answer->plain.points.size(); ++i)
            same = answer->aligned->points[i].test_loss == answer->plain.points[i].test_loss;
        if (same)
            lines << tr("The lines coincide: the units already lined up (as after a shared initialisation), "
                        "so alignment changed nothing.");
    }
    if (aligned_->isChecked() && !aligner_available())
        lines << tr("Alignment is not available in this build.");
    if (!note.isEmpty())
        lines << note;
    status_->setText(lines.join('\n'));
    plot_->legend->setVisible(true);
    plot_->xAxis->setRange(-0.02, 1.02);
    plot_->yAxis->setRange(0, 102);
    plot_->yAxis2->setRange(0, lossTop * 1.1);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QList<QWidget*> InterpolationView::exportParts() {
    return {plot_, status_};
}

} // namespace mergelab::ui
