#include "methods_view.h"

#include <QComboBox>
#include <QFontMetricsF>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "palette.h"
#include "run_model.h"
#include "zoom.h"

namespace mergelab::ui {

namespace {

// The matrices' side: the classes on screen.
int kN() {
    return class_count();
}

const QColor kShareColor(40, 70, 140); // one hue for every method: the scale is shared
const QColor kMoreColor(33, 102, 172); // A has more than B
const QColor kLessColor(178, 24, 43);  // B has more than A

int64_t row_total(const ConfusionMatrix& m, int t) {
    int64_t n = 0;
    for (int64_t v : m[static_cast<size_t>(t)])
        n += v;
    return n;
}

double accuracy(const ConfusionMatrix& m) {
    const int64_t total = confusion_total(m);
    return total ? static_cast<double>(confusion_correct(m)) / static_cast<double>(total) : 0;
}

} // namespace

struct MethodsView::Panel {
    QString title;
    ConfusionMatrix counts{}; // the difference's may be negative
    bool difference = false;
};

MethodsView::MethodsView(QWidget* parent)
    : QWidget(parent) {
    bar_ = new QWidget(this);
    auto* row = new QHBoxLayout(bar_);
    row->setContentsMargins(0, 0, 0, 0);
    auto* label = new QLabel(tr("&Difference:"), bar_);
    first_ = new QComboBox(bar_);
    second_ = new QComboBox(bar_);
    label->setBuddy(first_);
    row->addWidget(label);
    row->addWidget(first_);
    row->addWidget(new QLabel(tr("minus"), bar_));
    row->addWidget(second_);
    row->addStretch(1);
    caption_ = new QLabel(this);
    caption_->setWordWrap(true);
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(8, 6, 8, 6);
    column->addWidget(bar_);
    column->addWidget(caption_);
    column->addStretch(1);
    auto changed = [this] {
        a_ = first_->currentText();
        b_ = second_->currentText();
        update();
    };
    connect(first_, &QComboBox::activated, this, changed);
    connect(second_, &QComboBox::activated, this, changed);
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
    refillMethods();
}

void MethodsView::setRunModel(RunModel* model) {
    follow_rounds(
        model, this, [this](RunPtr run) { setRun(std::move(run)); }, [this](int round) { setRound(round); });
}

void MethodsView::setRun(RunPtr run) {
    run_ = std::move(run);
    refillMethods();
    update();
}

void MethodsView::setRound(int round) {
    round_ = round;
    refillMethods();
    update();
}

void MethodsView::setDifference(const QString& a, const QString& b) {
    a_ = a, b_ = b;
    first_->setCurrentText(a);
    second_->setCurrentText(b);
    update();
}

void MethodsView::refillMethods() {
    QStringList names;
    if (const RoundResult* r = find_round(run_.get(), round_))
        for (const MethodMetrics& m : r->merged)
            names << QString::fromStdString(m.method);
    QStringList now;
    for (int i = 0; i < first_->count(); ++i)
        now << first_->itemText(i);
    if (now != names) {
        for (QComboBox* box : {first_, second_}) {
            box->clear();
            box->addItems(names);
        }
        if (!names.contains(a_) && !names.isEmpty())
            a_ = names.first();
        if (!names.contains(b_) && names.size() > 1)
            b_ = names[names.first() == a_ ? 1 : 0];
        first_->setCurrentText(a_);
        second_->setCurrentText(b_);
    }
    bar_->setEnabled(names.size() > 1);
    caption_->setText(caption());
}

std::vector<MethodsView::Panel> MethodsView::panels() const {
    std::vector<Panel> out;
    const RoundResult* r = find_round(run_.get(), round_);
    if (!r)
        return out;
    for (const MethodMetrics& m : r->merged)
        if (m.confusion.size() == static_cast<size_t>(kN()))
            out.push_back({QStringLiteral("%1: %2 %")
                               .arg(QString::fromStdString(m.method))
                               .arg(100 * accuracy(m.confusion), 0, 'f', 1),
                           m.confusion, false});
    const MethodMetrics* a = r->method(a_.toStdString());
    const MethodMetrics* b = r->method(b_.toStdString());
    if (a && b && a != b && a->confusion.size() == static_cast<size_t>(kN()) &&
        b->confusion.size() == static_cast<size_t>(kN())) {
        Panel d{tr("%1 minus %2").arg(a_, b_), empty_confusion(kN()), true};
        for (int t = 0; t < kN(); ++t)
            for (int p = 0; p < kN(); ++p)
                d.counts[t][p] = a->confusion[t][p] - b->confusion[t][p];
        out.push_back(d);
    }
    return out;
}

QStringList MethodsView::panelTitles() const {
    QStringList out;
    for (const Panel& p : panels())
        out << p.title;
    return out;
}

ConfusionMatrix MethodsView::difference() const {
    const auto all = panels();
    if (all.empty() || !all.back().difference)
        return {};
    return all.back().counts;
}

QString MethodsView::caption() const {
    const RoundResult* r = find_round(run_.get(), round_);
    if (!run_)
        return tr("No run yet: press Start");
    if (!r)
        return tr("No rounds yet");
    QString text = tr("Round %1: every merged model's confusion matrix on one scale (cell: share of the true "
                      "class; rows: true class, columns: predicted).")
                       .arg(r->round);
    if (r->merged.size() < 2)
        return text + tr(" Only one method was merged: compare more to see a difference.");
    return text +
           tr(" Difference: blue where %1 has more images than %2, red where fewer; on the diagonal blue "
              "means %1 gets that class right more often.")
               .arg(a_, b_);
}

QRectF MethodsView::canvas() const {
    const int top = caption_->geometry().bottom() + 6;
    return QRectF(8, top, width() - 16, height() - top - 6);
}

void MethodsView::paintEvent(QPaintEvent*) {
    const auto all = panels();
    if (all.empty())
        return;
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, false);
    const QRectF area = canvas();
    // The class names left of each row of panels, in the largest font they get.
    const double label =
        QFontMetricsF(pixel_font(font(), 13.0 * zoom())).horizontalAdvance(QStringLiteral("9 Ankle boot")) +
        8;
    const int count = static_cast<int>(all.size());
    // One or two rows of panels, whichever gives larger cells.
    double best = 0;
    int rows = 1;
    for (int r = 1; r <= 2; ++r) {
        const int cols = (count + r - 1) / r;
        const double cell = std::min((area.width() - label - 12.0 * cols) / (cols * kN()),
                                     (area.height() - 40.0 * r) / (r * kN()));
        if (cell > best)
            best = cell, rows = r;
    }
    const double cell = std::floor(std::max(4.0, best));
    const int cols = (count + rows - 1) / rows;
    // In presentation mode every text is at least the least height a room
    // reads; the class names and column numbers that then do not fit their
    // row or column are left out, the colours still say it all.
    const QFont small = legible_font(pixel_font(font(), std::clamp(cell * 0.55, 8.0, 13.0 * zoom())));
    const QFont bold = legible_font(pixel_font(font(), std::clamp(cell * 0.62, 9.0, 14.0 * zoom()), true));
    const bool labelsFit = QFontMetricsF(small).height() <= cell + 2;
    int64_t spread = 1; // the difference's largest magnitude, for its symmetric scale
    for (const Panel& panel : all)
        if (panel.difference)
            for (const auto& row : panel.counts)
                for (int64_t v : row)
                    spread = std::max<int64_t>(spread, std::llabs(v));
    // The counts in the cells: as large as the labels, but the widest count
    // ("+1000" when zoomed) must stay inside its cell.
    int64_t widest = 0;
    for (const Panel& panel : all)
        for (const auto& row : panel.counts)
            for (int64_t v : row)
                widest = std::max<int64_t>(widest, std::llabs(v));
    QFont countFont = small;
    for (double px = small.pixelSize(); px > 7; px -= 0.5) {
        countFont = pixel_font(font(), px);
        if (QFontMetricsF(countFont).horizontalAdvance("+" + QString::number(widest)) <= cell - 3)
            break;
    }
    for (int i = 0; i < count; ++i) {
        const Panel& panel = all[static_cast<size_t>(i)];
        const int r = i / cols, c = i % cols;
        const QPointF origin(area.left() + label + c * (kN() * cell + 12),
                             area.top() + r * (kN() * cell + 40) + 20);
        p.setFont(bold);
        p.setPen(panel.difference ? QColor(60, 60, 60) : method_color(panel.title.section(':', 0, 0)));
        p.drawText(QRectF(origin.x(), origin.y() - 20, kN() * cell + 10, 18),
                   Qt::AlignLeft | Qt::AlignVCenter, panel.title);
        p.setFont(small);
        for (int t = 0; t < kN(); ++t) {
            const int64_t total = std::max<int64_t>(1, row_total(all.front().counts, t));
            for (int q = 0; q < kN(); ++q) {
                const int64_t v = panel.counts[t][q];
                QColor fill = panel.difference ? mix(Qt::white, v >= 0 ? kMoreColor : kLessColor,
                                                     double(std::llabs(v)) / double(spread))
                                               : mix(Qt::white, kShareColor, double(v) / double(total));
                const QRectF box(origin.x() + q * cell, origin.y() + t * cell, cell, cell);
                p.fillRect(box, fill);
                if (cell >= 22 && v != 0 && legible(countFont)) {
                    p.setFont(countFont);
                    p.setPen(luminance(fill) < 0.5 ? Qt::white : QColor(40, 40, 40));
                    p.drawText(box, Qt::AlignCenter,
                               panel.difference && v > 0 ? "+" + QString::number(v) : QString::number(v));
                }
            }
        }
        p.setFont(small);
        p.setPen(QColor(0, 0, 0, 60));
        p.drawRect(QRectF(origin, QSizeF(kN() * cell, kN() * cell)));
        if (c == 0 && labelsFit) {
            p.setPen(QColor(60, 60, 60));
            for (int t = 0; t < kN(); ++t)
                p.drawText(QRectF(area.left(), origin.y() + t * cell, label - 4, cell),
                           Qt::AlignRight | Qt::AlignVCenter,
                           QStringLiteral("%1 %2").arg(t).arg(short_class_name(t)));
        }
        p.setPen(QColor(90, 90, 90));
        for (int q = 0; q < kN() && QFontMetricsF(small).horizontalAdvance(QStringLiteral("9")) <= cell; ++q)
            p.drawText(QRectF(origin.x() + q * cell, origin.y() + kN() * cell, cell, 16), Qt::AlignCenter,
                       QString::number(q));
    }
}

QList<QWidget*> MethodsView::exportParts() {
    return {caption_};
}

} // namespace mergelab::ui
