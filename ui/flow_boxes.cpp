// The Flow view's boxes: an environment with its classes, sizes, class
// counts and thumbnails, and the dashed central model beside them.
#include "flow_view.h"

#include <QPainter>
#include <QPainterPath>
#include <QToolButton>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "lesson.h"
#include "palette.h"
#include "zoom.h"

namespace mergelab::ui {
namespace {

constexpr int kMaxThumbnails = 6;

// Names short enough to list five of them in a small box.
QString box_class_name(int c) {
    if (!showing_fashion_mnist())
        return short_class_name(c);
    static const std::array<const char*, kFashionClasses> names = {
        QT_TRANSLATE_NOOP("mergelab::ui::FlowView", "T-shirt"),
        QT_TRANSLATE_NOOP("mergelab::ui::FlowView", "Trouser"),
        QT_TRANSLATE_NOOP("mergelab::ui::FlowView", "Pullover"),
        QT_TRANSLATE_NOOP("mergelab::ui::FlowView", "Dress"),
        QT_TRANSLATE_NOOP("mergelab::ui::FlowView", "Coat"),
        QT_TRANSLATE_NOOP("mergelab::ui::FlowView", "Sandal"),
        QT_TRANSLATE_NOOP("mergelab::ui::FlowView", "Shirt"),
        QT_TRANSLATE_NOOP("mergelab::ui::FlowView", "Sneaker"),
        QT_TRANSLATE_NOOP("mergelab::ui::FlowView", "Bag"),
        QT_TRANSLATE_NOOP("mergelab::ui::FlowView", "Boot")};
    return c >= 0 && c < kFashionClasses ? FlowView::tr(names[static_cast<size_t>(c)]) : QString::number(c);
}

// A small padlock: the picture says "locked in" faster than words.
void draw_lock(QPainter& p, const QRectF& r, const QColor& color) {
    const double w = r.width() * 0.8;
    const QRectF body(r.center().x() - w / 2, r.top() + r.height() * 0.45, w, r.height() * 0.55);
    const QRectF shackle(r.center().x() - w * 0.32, r.top(), w * 0.64, r.height() * 0.9);
    p.setPen(QPen(color, std::max(1.2, r.width() * 0.13)));
    p.setBrush(Qt::NoBrush);
    p.drawArc(shackle, 0, 180 * 16);
    p.drawLine(QPointF(shackle.left(), shackle.center().y()), QPointF(shackle.left(), body.top()));
    p.drawLine(QPointF(shackle.right(), shackle.center().y()), QPointF(shackle.right(), body.top()));
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    p.drawRoundedRect(body, 1.5, 1.5);
    p.setBrush(Qt::NoBrush);
}

void draw_glow(QPainter& p, const QRectF& r, double radius, const QColor& color) {
    for (int i = 6; i >= 1; --i) {
        QColor c = color;
        c.setAlpha(22 + (6 - i) * 14);
        p.setPen(QPen(c, 2.2));
        p.drawRoundedRect(r.adjusted(-i * 1.6, -i * 1.6, i * 1.6, i * 1.6), radius + i * 1.6,
                          radius + i * 1.6);
    }
}

} // namespace

void FlowView::rebuildThumbnails() {
    thumbnails_.assign(envs_.size(), {});
    if (!data_)
        return;
    const Dataset& test = data_->test;
    if (test.pixels.size() < static_cast<size_t>(test.size() * test.image_bytes()))
        return;
    // The first few test images of every class, found once.
    const size_t perClass = kMaxThumbnails + envs_.size();
    std::vector<std::vector<int64_t>> firstOfClass(static_cast<size_t>(class_count()));
    for (int64_t i = 0; i < test.size(); ++i) {
        const int label = test.labels[static_cast<size_t>(i)];
        if (label < class_count() && firstOfClass[static_cast<size_t>(label)].size() < perClass)
            firstOfClass[static_cast<size_t>(label)].push_back(i);
    }
    for (size_t k = 0; k < envs_.size(); ++k) {
        std::vector<int> classes = envs_[k].classes;
        if (classes.empty())
            for (int c = 0; c < class_count(); ++c)
                classes.push_back(c);
        // Round-robin over the environment's classes so every class shows up
        // before any repeats; deterministic so the picture never flickers.
        // Environments sharing classes (V split) start at different classes
        // and images, so no two boxes look alike: their data differs too.
        std::rotate(classes.begin(),
                    classes.begin() + static_cast<long>((k * kMaxThumbnails) % classes.size()),
                    classes.end());
        std::vector<int64_t> picks;
        for (size_t round = 0; round < kMaxThumbnails && picks.size() < kMaxThumbnails; ++round) {
            bool any = false;
            for (int c : classes) {
                if (c < 0 || c >= class_count())
                    continue;
                const auto& list = firstOfClass[static_cast<size_t>(c)];
                const size_t at = round + k;
                if (at < list.size() && picks.size() < kMaxThumbnails) {
                    picks.push_back(list[at]);
                    any = true;
                }
            }
            if (!any)
                break;
        }
        for (int64_t index : picks) {
            thumbnails_[k].push_back(dataset_image(test, index));
        }
    }
}

void FlowView::drawEnvBox(QPainter& p, const QRectF& box, int env, bool lit, bool dimmed,
                          double basePx) const {
    const QColor color = env_color(env);
    const double radius = std::min(10.0, box.width() * 0.04);
    const double pad = std::clamp(box.width() * 0.04, 4.0, 12.0);
    const EnvironmentSummary& summary = envs_[static_cast<size_t>(env)];

    if (lit)
        draw_glow(p, box, radius, color);
    p.setPen(Qt::NoPen);
    p.setBrush(lit ? mix(Qt::white, color, 0.12) : QColor(252, 252, 252));
    p.drawRoundedRect(box, radius, radius);

    p.save();
    if (dimmed)
        p.setOpacity(0.45);
    const QRectF inner = box.adjusted(pad, pad * 0.7, -pad, -pad * 0.7);

    // Fonts from the box size, never larger than the picture's base font.
    double bf = std::clamp(std::min(box.width() / 14.0, box.height() / 8.0) * zoom(), 8.0, basePx * 1.25);
    QFont titleFont, lineFont, smallFont;
    QString classesText;
    double titleH = 0, lineH = 0, smallH = 0, classesH = 0;
    const QString names = [&] {
        QStringList list;
        for (int c : summary.classes)
            list << box_class_name(c);
        return list.join(QStringLiteral(", "));
    }();
    const QString range = envClassesText(env);
    for (;; bf -= 0.5) {
        titleFont = pixel_font(font(), bf * 1.2, true);
        lineFont = pixel_font(font(), bf * 0.92);
        smallFont = pixel_font(font(), bf * 0.8, false, true);
        const QFontMetricsF tf(titleFont), lf(lineFont), sf(smallFont);
        titleH = tf.height() * 1.15;
        lineH = lf.height() * 1.1;
        smallH = sf.height() * 1.2;
        // The class names teach more than their numbers; fall back to the
        // range when the names need more than two lines.
        classesText = range;
        if (!summary.classes.empty() && static_cast<int>(summary.classes.size()) < class_count()) {
            const QString full = QStringLiteral("%1: %2").arg(range, names);
            const QRectF need = lf.boundingRect(QRectF(0, 0, inner.width(), 1e6), Qt::TextWordWrap, full);
            if (need.height() <= lf.lineSpacing() * 2 + 1)
                classesText = full;
        }
        classesH = lf.boundingRect(QRectF(0, 0, inner.width(), 1e6), Qt::TextWordWrap, classesText).height();
        classesH = std::min(classesH, lf.lineSpacing() * 2 + 1);
        if (titleH + classesH + lineH + barH(lineH) + smallH <= inner.height() || bf <= 7.0)
            break;
    }

    double y = inner.top();
    // A coloured bar ties the box to this environment's colour in the charts.
    {
        // Clipped to the box so the bar follows its rounded corners.
        QPainterPath outline;
        outline.addRoundedRect(box, radius, radius);
        p.save();
        p.setClipPath(outline);
        p.fillRect(QRectF(box.left(), box.top(), box.width(), std::max(4.0, pad * 0.6)), color);
        p.restore();
    }
    p.setFont(titleFont);
    p.setPen(readable_on_white(color));
    p.drawText(QRectF(inner.left(), y, inner.width(), titleH), Qt::AlignLeft | Qt::AlignVCenter,
               env_label(env));
    y += titleH;

    p.setFont(lineFont);
    p.setPen(QColor(35, 35, 35));
    p.drawText(QRectF(inner.left(), y, inner.width(), classesH),
               Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, classesText);
    y += classesH;
    p.setPen(QColor(70, 70, 70));
    // Before Start the validation share is not taken yet (a negative size).
    const QString sizes =
        summary.val_size < 0
            ? tr("%1 images").arg(grouped(summary.train_size))
            : tr("%1 train / %2 val").arg(grouped(summary.train_size), grouped(summary.val_size));
    p.drawText(QRectF(inner.left(), y, inner.width(), lineH), Qt::AlignLeft | Qt::AlignVCenter,
               QFontMetricsF(lineFont).elidedText(sizes, Qt::ElideRight, inner.width()));
    y += lineH;
    if (env < static_cast<int>(counts_.size())) {
        // How many images of each class: a Dirichlet split shows its skew here.
        int64_t full = 0;
        for (const auto& c : counts_)
            full = std::max(full, std::accumulate(c.begin(), c.end(), int64_t(0)));
        draw_class_bar(p, QRectF(inner.left(), y + barH(lineH) * 0.15, inner.width(), barH(lineH) * 0.7),
                       counts_[static_cast<size_t>(env)], full);
        y += barH(lineH);
    }

    // The lock line at the bottom.
    const QRectF lockLine(inner.left(), inner.bottom() - smallH, inner.width(), smallH);
    const double lockSize = smallH * 0.75;
    draw_lock(p, QRectF(lockLine.left(), lockLine.center().y() - lockSize / 2, lockSize * 0.8, lockSize),
              QColor(90, 90, 90));
    p.setFont(smallFont);
    p.setPen(QColor(80, 80, 80));
    p.drawText(lockLine.adjusted(lockSize + 4, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
               QFontMetricsF(smallFont).elidedText(processes_.count(env)
                                                       ? tr("data stays here · %1").arg(processes_.at(env))
                                                       : tr("data stays here"),
                                                   Qt::ElideRight, lockLine.width() - lockSize - 4));

    drawThumbnails(p, QRectF(inner.left(), y + pad * 0.4, inner.width(), lockLine.top() - y - pad * 0.8), env,
                   pad);
    p.restore();

    // The wall: a heavy border, brighter when this environment is busy.
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(lit ? readable_on_white(color) : QColor(95, 95, 95), (lit ? 3.5 : 2.5) * zoom()));
    p.drawRoundedRect(box, radius, radius);
}

// The thumbnails in the space the texts leave: the layout (count, rows)
// with the largest images.
void FlowView::drawThumbnails(QPainter& p, const QRectF& thumbArea, int env, double pad) const {
    const auto& thumbs = thumbnails_[static_cast<size_t>(env)];
    if (!thumbs.empty() && thumbArea.height() >= 14) {
        const double tg = std::max(2.0, pad * 0.5);
        // As many images as stay recognisable (1.5x their size), else the
        // layout with the largest ones.
        int bestCount = 0, bestCols = 0, bestRows = 0;
        double bestSide = 0;
        const int most = static_cast<int>(thumbs.size());
        for (int count = std::min(most, kMaxThumbnails); count >= std::min(most, 4) && bestSide < 42;
             --count) {
            for (int rows = 1; rows <= 2; ++rows) {
                const int cols = (count + rows - 1) / rows;
                const double side = std::min((thumbArea.width() - (cols - 1) * tg) / cols,
                                             (thumbArea.height() - (rows - 1) * tg) / rows);
                if (side > bestSide) {
                    bestSide = side;
                    bestCount = count;
                    bestCols = cols;
                    bestRows = rows;
                }
            }
        }
        bestSide = std::floor(std::min(bestSide, 28.0 * 7));
        if (bestSide >= 12) {
            const double gridH = bestRows * bestSide + (bestRows - 1) * tg;
            const double x0 = thumbArea.left();
            const double y0 = thumbArea.top() + (thumbArea.height() - gridH) / 2;
            p.setRenderHint(QPainter::SmoothPixmapTransform, false);
            for (int i = 0; i < bestCount; ++i) {
                const QRectF r(x0 + (i % bestCols) * (bestSide + tg), y0 + (i / bestCols) * (bestSide + tg),
                               bestSide, bestSide);
                p.drawImage(r, thumbs[static_cast<size_t>(i)]);
                p.setPen(QPen(QColor(150, 150, 150), 1));
                p.drawRect(r);
            }
        }
    }
}

void FlowView::drawBaselineBox(QPainter& p, const QRectF& box, bool lit, double basePx) const {
    const QColor color = central_color();
    const double radius = 8;
    if (lit)
        draw_glow(p, box, radius, QColor(120, 120, 120));
    p.setBrush(lit ? QColor(238, 238, 238) : QColor(250, 250, 250));
    p.setPen(QPen(color, lit ? 2.5 : 1.5, Qt::DashLine));
    p.drawRoundedRect(box, radius, radius);
    p.setBrush(Qt::NoBrush);

    int64_t train = 0;
    for (const auto& e : envs_)
        train += e.train_size;
    const double pad = std::clamp(box.width() * 0.04, 4.0, 10.0);
    const QRectF inner = box.adjusted(pad, pad * 0.6, -pad, -pad * 0.6);
    const QString title = tr("Central model (comparison)");
    const QString body = tr("trained on all %1 images together").arg(grouped(train));
    double bf = std::min(basePx, box.width() / 14.0 * zoom());
    for (; bf > 7; bf -= 0.5) {
        const QFontMetricsF tf(pixel_font(font(), bf, true)), lf(pixel_font(font(), bf * 0.85));
        const double need =
            tf.height() * 1.1 +
            lf.boundingRect(QRectF(0, 0, inner.width(), 1e6), Qt::TextWordWrap, body).height();
        if (need <= inner.height() && tf.horizontalAdvance(title) <= inner.width())
            break;
    }
    const QFont tf = pixel_font(font(), bf, true);
    const QFont bodyFont = pixel_font(font(), bf * 0.85);
    const double th = QFontMetricsF(tf).height() * 1.1;
    const double bh = QFontMetricsF(bodyFont)
                          .boundingRect(QRectF(0, 0, inner.width(), 1e6), Qt::TextWordWrap, body)
                          .height();
    const double top = inner.top() + std::max(0.0, (inner.height() - th - bh) / 2);
    p.setFont(tf);
    p.setPen(color);
    p.drawText(QRectF(inner.left(), top, inner.width(), th), Qt::AlignCenter, title);
    p.setFont(bodyFont);
    p.setPen(QColor(70, 70, 70));
    p.drawText(QRectF(inner.left(), top + th, inner.width(), inner.bottom() - top - th),
               Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, body);
}

void FlowView::drawBadge(QPainter& p, QPointF center, const QString& text, const QColor& color,
                         double px) const {
    const QFont f = pixel_font(font(), px, true);
    const QFontMetricsF fm(f);
    const double w = fm.horizontalAdvance(text) + px * 1.2;
    const double h = fm.height() * 1.25;
    QRectF pill(center.x() - w / 2, center.y() - h / 2, w, h);
    // Inside the view, whatever the anchor.
    pill.moveLeft(std::clamp(pill.left(), 2.0, std::max(2.0, width() - w - 2)));
    pill.moveTop(std::clamp(pill.top(), 2.0, std::max(2.0, height() - h - 2)));
    p.setPen(QPen(color.darker(130), 1.5));
    p.setBrush(color);
    p.drawRoundedRect(pill, h / 2, h / 2);
    p.setBrush(Qt::NoBrush);
    p.setFont(f);
    p.setPen(luminance(color) < 0.6 ? Qt::white : QColor(20, 20, 20));
    p.drawText(pill, Qt::AlignCenter, text);
}

// What the step produced, where it was produced: each local model's
// accuracy on its box after training and merging, the merged model's under
// the merge node after testing and copying back.
void FlowView::drawLessonBadges(QPainter& p, const std::vector<QRectF>& boxes, QPointF merge, double radius,
                                double basePx) const {
    if (!lesson_)
        return;
    const StepFinished& s = lesson_->step;
    const double px = std::max(basePx * 1.2, 13.0);
    const QFontMetricsF fm(pixel_font(font(), px, true));
    if (s.step == Phase::Training || s.step == Phase::Merging) {
        for (size_t k = 0; k < s.env_val_acc.size() && k < boxes.size(); ++k) {
            const QString text = lesson_percent(s.env_val_acc[k]);
            const double w = fm.horizontalAdvance(text) + px * 1.2;
            const QRectF& box = boxes[k];
            drawBadge(p, QPointF(box.right() - w / 2 - px * 0.6, box.top()), text,
                      readable_on_white(env_color(static_cast<int>(k))), px);
        }
        return;
    }
    for (const auto& [method, acc] : s.merged_test_acc) {
        if (method != s.primary)
            continue;
        drawBadge(p, QPointF(merge.x(), merge.y() + radius + fm.height() * 1.1), lesson_percent(acc),
                  method_color(QString::fromStdString(method)), px * 1.15);
    }
}

// The step's title in bold over its sentences, left-aligned like a slide,
// as large as the band allows up to `px`.
void FlowView::drawLessonCaption(QPainter& p, const QRectF& box, double px) const {
    const QString title = lanePrefix_ + lesson_->title;
    const QString& text = lesson_->text;
    const int flags = Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap;
    // The title shares its line with the Next button; the sentences start
    // below both.
    const QRect button = next_->isHidden() ? QRect() : next_->geometry();
    const double titleW =
        button.isNull() ? box.width() : std::max(box.width() * 0.4, button.left() - box.left() - 8.0);
    double f = px;
    double titleH = 0;
    double bodyTop = 0;
    for (; f > 8; f -= 0.5) {
        const QFontMetricsF tf(pixel_font(font(), f * 1.05, true)), bf(pixel_font(font(), f));
        titleH = tf.boundingRect(QRectF(0, 0, titleW, 1e6), flags, title).height();
        bodyTop =
            std::max(box.top() + f * 0.3 + titleH, button.isNull() ? 0.0 : button.bottom() + 1.0) + f * 0.3;
        const double bodyH = bf.boundingRect(QRectF(0, 0, box.width(), 1e6), flags, text).height();
        if (bodyTop + bodyH <= box.bottom() - f * 0.3)
            break;
    }
    p.setPen(QColor(25, 25, 25));
    p.setFont(pixel_font(font(), f * 1.05, true));
    p.drawText(QRectF(box.left(), box.top() + f * 0.3, titleW, titleH + 1), flags, title);
    p.setFont(pixel_font(font(), f));
    p.drawText(QRectF(box.left(), bodyTop, box.width(), box.bottom() - bodyTop), flags, text);
}

} // namespace mergelab::ui
