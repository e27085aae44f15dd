#include "class_counts.h"

#include <QHelpEvent>
#include <QPainter>
#include <QResizeEvent>
#include <QToolTip>

#include <algorithm>
#include <numeric>

#include "mergelab/split.h"
#include "palette.h"

namespace mergelab::ui {

namespace {

int64_t total(const ClassCounts& counts) {
    return std::accumulate(counts.begin(), counts.end(), int64_t(0));
}

} // namespace

std::vector<ClassCounts> environment_class_counts(const ExperimentConfig& config,
                                                  const std::vector<uint8_t>& labels) {
    std::vector<ClassCounts> out;
    if (labels.empty())
        return out;
    try {
        for (const EnvironmentData& env :
             make_environments(config.split, labels, config.seed, class_count())) {
            ClassCounts counts(static_cast<size_t>(class_count()), 0);
            for (int64_t i : env.train)
                if (i >= 0 && i < static_cast<int64_t>(labels.size()) &&
                    labels[static_cast<size_t>(i)] < class_count())
                    ++counts[labels[static_cast<size_t>(i)]];
            out.push_back(counts);
        }
    } catch (const std::exception&) {
        out.clear(); // an invalid split: the setup explains it beside its field
    }
    return out;
}

void draw_class_bar(QPainter& p, const QRectF& bar, const ClassCounts& counts, int64_t full) {
    if (full <= 0 || bar.width() <= 0)
        return;
    double x = bar.left();
    p.save();
    p.setPen(Qt::NoPen);
    for (int c = 0; c < class_count(); ++c) {
        if (counts[static_cast<size_t>(c)] == 0)
            continue;
        const double w =
            bar.width() * static_cast<double>(counts[static_cast<size_t>(c)]) / static_cast<double>(full);
        p.setBrush(class_color(c));
        p.drawRect(QRectF(x, bar.top(), w, bar.height()));
        x += w;
    }
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(QColor(120, 120, 120), 0.8));
    p.drawRect(QRectF(bar.left(), bar.top(), x - bar.left(), bar.height()));
    p.restore();
}

void draw_class_legend(QPainter& p, const QRectF& row, const QFont& font) {
    QFont f = font;
    double px = row.height() * 0.8;
    double width = 0;
    for (; px > 6; px -= 0.5) {
        f.setPixelSize(static_cast<int>(px));
        const QFontMetricsF fm(f);
        width = 0;
        for (int c = 0; c < class_count(); ++c)
            width += fm.height() + fm.horizontalAdvance(short_class_name(c)) + px;
        if (width <= row.width())
            break;
    }
    const QFontMetricsF fm(f);
    double x = row.left() + std::max(0.0, (row.width() - width) / 2);
    p.save();
    p.setFont(f);
    for (int c = 0; c < class_count(); ++c) {
        const double box = fm.height() * 0.7;
        p.fillRect(QRectF(x, row.center().y() - box / 2, box, box), class_color(c));
        x += fm.height();
        p.setPen(QColor(60, 60, 60));
        const double w = fm.horizontalAdvance(short_class_name(c));
        p.drawText(QRectF(x, row.top(), w + 2, row.height()), Qt::AlignLeft | Qt::AlignVCenter,
                   short_class_name(c));
        x += w + px;
    }
    p.restore();
}

QString class_counts_text(const ClassCounts& counts) {
    QStringList parts;
    for (int c = 0; c < class_count(); ++c)
        if (counts[static_cast<size_t>(c)] > 0)
            parts << QStringLiteral("%1 %2").arg(short_class_name(c),
                                                 grouped(counts[static_cast<size_t>(c)]));
    return parts.join(QStringLiteral(", "));
}

ClassCountsChart::ClassCountsChart(QWidget* parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("classCounts"));
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    setToolTip(tr("Training images of each class per environment, as the split will divide them"));
}

void ClassCountsChart::setCounts(std::vector<ClassCounts> counts) {
    counts_ = std::move(counts);
    message_.clear();
    fitHeight();
    update();
}

void ClassCountsChart::fitHeight() {
    // The height follows the number of environments and the width, never
    // the messages elsewhere in the panel.
    const int rows = std::max<int>(2, static_cast<int>(counts_.size()));
    setFixedHeight(rows * rowHeight() + legendHeight(width() > 0 ? width() : 260) + 6);
}

void ClassCountsChart::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    if (event->oldSize().width() != width())
        fitHeight();
}

void ClassCountsChart::setMessage(const QString& text) {
    message_ = text;
    update();
}

int ClassCountsChart::rowHeight() const {
    return fontMetrics().height() + 4;
}

int ClassCountsChart::legendHeight(int width) const {
    // Two columns would crowd a narrow panel: as many as fit.
    const int item =
        fontMetrics().horizontalAdvance(QStringLiteral("Ankle boot")) + fontMetrics().height() + 12;
    const int columns = std::max(2, width / item);
    const int rows = (class_count() + columns - 1) / columns;
    return rows * (fontMetrics().height() + 2) + 4;
}

QSize ClassCountsChart::sizeHint() const {
    const int rows = std::max<int>(2, static_cast<int>(counts_.size()));
    return {260, rows * rowHeight() + legendHeight(260) + 6};
}

QSize ClassCountsChart::minimumSizeHint() const {
    return {180, sizeHint().height()};
}

void ClassCountsChart::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, true);
    const QFontMetrics fm = fontMetrics();
    if (counts_.empty()) {
        p.setPen(QColor(110, 110, 110));
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                   message_.isEmpty() ? tr("Class counts appear once the split can be made") : message_);
        return;
    }
    int64_t full = 0;
    for (const auto& c : counts_)
        full = std::max(full, total(c));
    const int labelW = fm.horizontalAdvance(QStringLiteral("Env 10")) + 6;
    const int numberW = fm.horizontalAdvance(QStringLiteral("60,000")) + 6;
    const int barW = std::max(20, width() - labelW - numberW);
    for (size_t k = 0; k < counts_.size(); ++k) {
        const int y = static_cast<int>(k) * rowHeight();
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(QRect(0, y, labelW, rowHeight()), Qt::AlignLeft | Qt::AlignVCenter,
                   env_label(static_cast<int>(k)));
        draw_class_bar(p, QRectF(labelW, y + 3, barW, rowHeight() - 6), counts_[k], full);
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(QRect(labelW + barW, y, numberW, rowHeight()), Qt::AlignRight | Qt::AlignVCenter,
                   grouped(total(counts_[k])));
    }
    // The legend: which colour is which class.
    const int top = static_cast<int>(counts_.size()) * rowHeight() + 4;
    const int item = fm.horizontalAdvance(QStringLiteral("Ankle boot")) + fm.height() + 12;
    const int columns = std::max(2, width() / item);
    for (int c = 0; c < class_count(); ++c) {
        const int x = (c % columns) * item;
        const int y = top + (c / columns) * (fm.height() + 2);
        p.fillRect(QRect(x, y + 3, fm.height() - 6, fm.height() - 6), class_color(c));
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(QRect(x + fm.height() - 2, y, item - fm.height(), fm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, short_class_name(c));
    }
}

bool ClassCountsChart::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int row = help->pos().y() / rowHeight();
        if (row >= 0 && row < static_cast<int>(counts_.size())) {
            QToolTip::showText(help->globalPos(),
                               QStringLiteral("%1: %2").arg(
                                   env_label(row), class_counts_text(counts_[static_cast<size_t>(row)])),
                               this);
            return true;
        }
    }
    return QWidget::event(event);
}

} // namespace mergelab::ui
