#include "flow_view.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <array>
#include <cmath>

#include "palette.h"
#include "run_model.h"

namespace mergelab::ui {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kMaxThumbnails = 6;

// Names short enough to list five of them in a small box.
QString box_class_name(int c) {
    static const std::array<const char*, kNumClasses> names = {"T-shirt", "Trouser", "Pullover", "Dress", "Coat",
                                                                "Sandal",  "Shirt",   "Sneaker",  "Bag",   "Boot"};
    return c >= 0 && c < kNumClasses ? QString::fromLatin1(names[static_cast<size_t>(c)]) : QString::number(c);
}

// "0-4", "0, 2, 4", "3".
QString class_range(const std::vector<int>& classes) {
    if (classes.empty()) return {};
    bool contiguous = true;
    for (size_t i = 1; i < classes.size(); ++i)
        if (classes[i] != classes[i - 1] + 1) contiguous = false;
    if (contiguous && classes.size() > 2) return QStringLiteral("%1-%2").arg(classes.front()).arg(classes.back());
    QStringList parts;
    for (int c : classes) parts << QString::number(c);
    return parts.join(QStringLiteral(", "));
}

// Light palette colours (yellow, sky blue) vanish as text on white.
QColor readable(const QColor& c) { return luminance(c) > 0.55 ? c.darker(luminance(c) > 0.75 ? 175 : 140) : c; }

void draw_arrow(QPainter& p, QPointF from, QPointF to, const QColor& color, double width) {
    const QPointF d = to - from;
    const double len = std::hypot(d.x(), d.y());
    if (len < 1) return;
    const QPointF u = d / len;
    const QPointF n(-u.y(), u.x());
    const double head = std::max(7.0, width * 3.2);
    const QPointF base = to - u * head;
    p.setPen(QPen(color, width, Qt::SolidLine, Qt::FlatCap));
    p.drawLine(from, base + u * 1.0);
    QPolygonF tip;
    tip << to << base + n * head * 0.5 << base - n * head * 0.5;
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    p.drawPolygon(tip);
    p.setBrush(Qt::NoBrush);
}

// Where the ray from the centre of `r` in direction `u` leaves it.
QPointF rect_exit(const QRectF& r, QPointF u) {
    const double tx = std::abs(u.x()) > 1e-9 ? (r.width() / 2) / std::abs(u.x()) : 1e9;
    const double ty = std::abs(u.y()) > 1e-9 ? (r.height() / 2) / std::abs(u.y()) : 1e9;
    return r.center() + u * std::min(tx, ty);
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
        p.drawRoundedRect(r.adjusted(-i * 1.6, -i * 1.6, i * 1.6, i * 1.6), radius + i * 1.6, radius + i * 1.6);
    }
}

} // namespace

struct FlowView::Geometry {
    double font = 12;
    QRectF caption;
    QRectF area;
    std::vector<QRectF> boxes;
    QPointF merge;
    double radius = 0;
    QRectF baseline;
};

FlowView::FlowView(QWidget* parent) : QWidget(parent) {
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
    caption_ = tr("Start an experiment to see how the environments train apart and share only their weights.");
}

QSize FlowView::sizeHint() const { return {960, 600}; }
QSize FlowView::minimumSizeHint() const { return {520, 340}; }

void FlowView::setRunModel(RunModel* model) {
    auto showLane = [this, model](int lane) {
        const RunPtr run = model->lane(lane);
        setBaseline(model->config().baseline);
        setEnvironments(run->envs, QString::fromStdString(run->config.method));
    };
    connect(model, &RunModel::dataChanged, this, [this, model] { setData(model->data()); });
    connect(model, &RunModel::laneAdded, this, showLane);
    connect(model, &RunModel::runReset, this, [this, model, showLane] {
        processes_.clear();
        if (model->isLive() || model->laneCount() == 0)
            return;
        showLane(0);
        setIdle(tr("Opened %1: %2 round(s). Scrub through the rounds above.")
                    .arg(model->origin())
                    .arg(model->lane(0)->rounds.size()));
    });
    connect(model, &RunModel::phaseChanged, this, &FlowView::setPhase);
    connect(model, &RunModel::environmentStatus, this, &FlowView::setEnvironmentStatus);
    connect(model, &RunModel::liveFinished, this, [this, model] {
        const RunPtr run = model->run();
        setIdle(
            run ? tr("Finished after %1 round(s). Scrub through the rounds above.").arg(run->rounds.size())
                : tr("Press Start to train."));
    });
    if (model->data())
        setData(model->data());
}

void FlowView::setEnvironments(const std::vector<EnvironmentSummary>& envs, const QString& primaryMethod) {
    envs_ = envs;
    if (!primaryMethod.isEmpty()) primary_ = primaryMethod;
    if (!phase_)
        caption_ = tr("Each environment trains on its own images; only the weights meet in the middle (%1).").arg(primary_);
    rebuildThumbnails();
    update();
}

void FlowView::setData(DataPtr data) {
    data_ = std::move(data);
    rebuildThumbnails();
    update();
}

void FlowView::setPhase(const PhaseChanged& phase) {
    phase_ = phase;
    caption_ = phaseCaption(phase);
    update();
}

void FlowView::setIdle(const QString& caption) {
    phase_.reset();
    caption_ = caption;
    update();
}

void FlowView::setBaseline(bool baseline) {
    baseline_ = baseline;
    update();
}

void FlowView::setEnvironmentStatus(const EnvironmentStatus& status) {
    processes_[status.env] = tr("process %1").arg(QString::fromStdString(name_of(status.state)));
    update();
}

QString FlowView::caption() const { return caption_; }

void FlowView::rebuildThumbnails() {
    thumbnails_.assign(envs_.size(), {});
    if (!data_) return;
    const Dataset& test = data_->test;
    if (test.pixels.size() < static_cast<size_t>(test.size()) * kImagePixels) return;
    // The first few test images of every class, found once.
    const size_t perClass = kMaxThumbnails + envs_.size();
    std::array<std::vector<int64_t>, kNumClasses> firstOfClass;
    for (int64_t i = 0; i < test.size(); ++i) {
        const int label = test.labels[static_cast<size_t>(i)];
        if (label < kNumClasses && firstOfClass[static_cast<size_t>(label)].size() < perClass)
            firstOfClass[static_cast<size_t>(label)].push_back(i);
    }
    for (size_t k = 0; k < envs_.size(); ++k) {
        std::vector<int> classes = envs_[k].classes;
        if (classes.empty())
            for (int c = 0; c < kNumClasses; ++c) classes.push_back(c);
        // Round-robin over the environment's classes so every class shows up
        // before any repeats; deterministic so the picture never flickers.
        // Environments sharing classes (V split) start at different classes
        // and images, so no two boxes look alike: their data differs too.
        std::rotate(classes.begin(), classes.begin() + static_cast<long>((k * kMaxThumbnails) % classes.size()),
                    classes.end());
        std::vector<int64_t> picks;
        for (size_t round = 0; round < kMaxThumbnails && picks.size() < kMaxThumbnails; ++round) {
            bool any = false;
            for (int c : classes) {
                if (c < 0 || c >= kNumClasses) continue;
                const auto& list = firstOfClass[static_cast<size_t>(c)];
                const size_t at = round + k;
                if (at < list.size() && picks.size() < kMaxThumbnails) {
                    picks.push_back(list[at]);
                    any = true;
                }
            }
            if (!any) break;
        }
        for (int64_t index : picks) {
            QImage img(kImageSide, kImageSide, QImage::Format_Grayscale8);
            const uint8_t* src = test.pixels.data() + index * kImagePixels;
            for (int y = 0; y < kImageSide; ++y) std::copy_n(src + y * kImageSide, kImageSide, img.scanLine(y));
            thumbnails_[k].push_back(img);
        }
    }
}

QString FlowView::envClassesText(int env) const {
    if (env < 0 || env >= static_cast<int>(envs_.size())) return {};
    const auto& classes = envs_[static_cast<size_t>(env)].classes;
    if (classes.empty() || static_cast<int>(classes.size()) == kNumClasses) return tr("all 10 classes");
    return classes.size() == 1 ? tr("class %1").arg(classes.front()) : tr("classes %1").arg(class_range(classes));
}

QString FlowView::phaseCaption(const PhaseChanged& phase) const {
    const QString round = tr("Round %1").arg(phase.round);
    const QString method = phase.method.empty() ? primary_ : QString::fromStdString(phase.method);
    const QString tests = data_ ? tr("%1 test images").arg(grouped(data_->test.size())) : tr("the test images");
    switch (phase.phase) {
    case Phase::Training: {
        const QString classes = envClassesText(phase.env);
        return classes.isEmpty() ? tr("%1: %2 trains on its own data only").arg(round, env_label(phase.env))
                                 : tr("%1: %2 trains on its own data only (%3)").arg(round, env_label(phase.env), classes);
    }
    case Phase::Baseline:
        return tr("%1: for comparison, one central model trains on all environments' data in one place "
                  "(what merging tries to match without sharing data)")
            .arg(round);
    case Phase::Merging:
        return tr("%1: merging weights element by element with %2; no images leave the environments").arg(round, method);
    case Phase::Evaluating:
        return tr("%1: testing the merged model (%2) on %3").arg(round, method, tests);
    case Phase::CopyingBack:
        return tr("%1: copying the merged model (%2) back to every environment").arg(round, method);
    case Phase::Saving:
        return tr("%1: saving the models and the results to disk").arg(round);
    }
    return round;
}

FlowView::Geometry FlowView::computeGeometry() const {
    Geometry g;
    const double W = width(), H = height();
    g.font = std::clamp(std::min(W / 72.0, H / 40.0), 9.0, 34.0);
    // Wide enough for the glow around a lit box at the edge.
    const double margin = std::clamp(g.font * 0.8, 13.0, 24.0);
    const QRectF all = QRectF(rect()).adjusted(margin, margin, -margin, -margin);

    // Two lines of caption at the bottom, always: the caption is the point.
    const QFontMetricsF cfm(pixel_font(font(), g.font * 1.3, true));
    const double captionH = cfm.lineSpacing() * 2 + g.font * 1.2;
    g.caption = QRectF(all.left(), all.bottom() - captionH, all.width(), captionH);
    g.area = QRectF(all.left(), all.top(), all.width(), all.height() - captionH - g.font);
    const QRectF area = g.area;
    const int n = static_cast<int>(envs_.size());
    if (n == 0) return g;
    const double gap = g.font * 1.2;

    if (n <= 4) {
        // Left and right columns, the merge in the middle.
        const int leftCount = (n + 1) / 2;
        const int rightCount = n / 2;
        const double colW = std::floor(area.width() * 0.31);
        auto column = [&](int count, double x) {
            const double h = std::min((area.height() - gap * (count - 1)) / count, area.height() * 0.9);
            const double total = h * count + gap * (count - 1);
            const double y0 = area.top() + (area.height() - total) / 2;
            for (int i = 0; i < count; ++i) g.boxes.emplace_back(x, y0 + i * (h + gap), colW, h);
        };
        column(leftCount, area.left());
        if (rightCount > 0) column(rightCount, area.right() - colW);
        const double midW = area.width() - 2 * colW;
        g.merge = area.center();
        // Small enough that both arrow labels fit between box and node.
        g.radius = std::min(midW * 0.18, area.height() * 0.15);
        if (baseline_) {
            const double bw = midW * 0.8;
            const double bh = std::min(area.height() * 0.22, g.font * 4.0);
            g.baseline = QRectF(area.center().x() - bw / 2, area.top(), bw, bh);
            // Keep the merge node and its arrow labels clear of the dashed box.
            g.merge.setY(std::max(g.merge.y(), g.baseline.bottom() + g.radius + g.font * 2.5));
        }
        return g;
    }

    // A ring around the merge: up to 10 environments.
    // The baseline gets a band of its own above the ring: nothing to collide with.
    QRectF ring = area;
    if (baseline_) {
        const double bh = std::min(area.height() * 0.14, g.font * 4.2);
        const double bw = std::min(area.width() * 0.5, g.font * 30.0);
        g.baseline = QRectF(area.center().x() - bw / 2, area.top(), bw, bh);
        ring.setTop(g.baseline.bottom() + gap * 0.5);
    }
    g.merge = ring.center();
    g.radius = std::min(ring.width(), ring.height()) * 0.11;
    double bw = ring.width() * (n <= 6 ? 0.27 : 0.21);
    double bh = ring.height() * (n <= 6 ? 0.31 : 0.25);
    for (int attempt = 0; attempt < 14; ++attempt) {
        g.boxes.clear();
        const double rx = ring.width() / 2 - bw / 2;
        const double ry = ring.height() / 2 - bh / 2;
        for (int i = 0; i < n; ++i) {
            // Half a step off the vertical so the ring is left/right symmetric.
            const double theta = (-90.0 + (i + 0.5) * 360.0 / n) * kPi / 180.0;
            const QPointF c(g.merge.x() + rx * std::cos(theta), g.merge.y() + ry * std::sin(theta));
            g.boxes.emplace_back(c.x() - bw / 2, c.y() - bh / 2, bw, bh);
        }
        bool clash = false;
        const QRectF node(g.merge.x() - g.radius - gap, g.merge.y() - g.radius - gap, 2 * (g.radius + gap),
                          2 * (g.radius + gap));
        for (int i = 0; i < n && !clash; ++i) {
            const QRectF grown = g.boxes[static_cast<size_t>(i)].adjusted(-gap / 3, -gap / 3, gap / 3, gap / 3);
            if (grown.intersects(node)) clash = true;
            for (int j = i + 1; j < n && !clash; ++j)
                if (grown.intersects(g.boxes[static_cast<size_t>(j)])) clash = true;
        }
        if (!clash) break;
        bw *= 0.95;
        bh *= 0.95;
    }
    return g;
}

void FlowView::drawEnvBox(QPainter& p, const QRectF& box, int env, bool lit, bool dimmed, double basePx) const {
    const QColor color = env_color(env);
    const double radius = std::min(10.0, box.width() * 0.04);
    const double pad = std::clamp(box.width() * 0.04, 4.0, 12.0);
    const EnvironmentSummary& summary = envs_[static_cast<size_t>(env)];

    if (lit) draw_glow(p, box, radius, color);
    p.setPen(Qt::NoPen);
    p.setBrush(lit ? mix(Qt::white, color, 0.12) : QColor(252, 252, 252));
    p.drawRoundedRect(box, radius, radius);

    p.save();
    if (dimmed) p.setOpacity(0.45);
    const QRectF inner = box.adjusted(pad, pad * 0.7, -pad, -pad * 0.7);

    // Fonts from the box size, never larger than the picture's base font.
    double bf = std::clamp(std::min(box.width() / 14.0, box.height() / 8.0), 8.0, basePx * 1.25);
    QFont titleFont, lineFont, smallFont;
    QString classesText;
    double titleH = 0, lineH = 0, smallH = 0, classesH = 0;
    const QString names = [&] {
        QStringList list;
        for (int c : summary.classes) list << box_class_name(c);
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
        if (!summary.classes.empty() && static_cast<int>(summary.classes.size()) < kNumClasses) {
            const QString full = QStringLiteral("%1: %2").arg(range, names);
            const QRectF need = lf.boundingRect(QRectF(0, 0, inner.width(), 1e6), Qt::TextWordWrap, full);
            if (need.height() <= lf.lineSpacing() * 2 + 1) classesText = full;
        }
        classesH = lf.boundingRect(QRectF(0, 0, inner.width(), 1e6), Qt::TextWordWrap, classesText).height();
        classesH = std::min(classesH, lf.lineSpacing() * 2 + 1);
        if (titleH + classesH + lineH + smallH <= inner.height() || bf <= 7.0) break;
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
    p.setPen(readable(color));
    p.drawText(QRectF(inner.left(), y, inner.width(), titleH), Qt::AlignLeft | Qt::AlignVCenter, env_label(env));
    y += titleH;

    p.setFont(lineFont);
    p.setPen(QColor(35, 35, 35));
    p.drawText(QRectF(inner.left(), y, inner.width(), classesH), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
               classesText);
    y += classesH;
    p.setPen(QColor(70, 70, 70));
    const QString sizes = tr("%1 train / %2 val").arg(grouped(summary.train_size), grouped(summary.val_size));
    p.drawText(QRectF(inner.left(), y, inner.width(), lineH), Qt::AlignLeft | Qt::AlignVCenter,
               QFontMetricsF(lineFont).elidedText(sizes, Qt::ElideRight, inner.width()));
    y += lineH;

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
    p.setPen(QPen(lit ? readable(color) : QColor(95, 95, 95), lit ? 3.5 : 2.5));
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
        for (int count = std::min(most, kMaxThumbnails); count >= std::min(most, 4) && bestSide < 42; --count) {
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
                const QRectF r(x0 + (i % bestCols) * (bestSide + tg), y0 + (i / bestCols) * (bestSide + tg), bestSide,
                               bestSide);
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
    if (lit) draw_glow(p, box, radius, QColor(120, 120, 120));
    p.setBrush(lit ? QColor(238, 238, 238) : QColor(250, 250, 250));
    p.setPen(QPen(color, lit ? 2.5 : 1.5, Qt::DashLine));
    p.drawRoundedRect(box, radius, radius);
    p.setBrush(Qt::NoBrush);

    int64_t train = 0;
    for (const auto& e : envs_) train += e.train_size;
    const double pad = std::clamp(box.width() * 0.04, 4.0, 10.0);
    const QRectF inner = box.adjusted(pad, pad * 0.6, -pad, -pad * 0.6);
    const QString title = tr("Central model (comparison)");
    const QString body = tr("trained on all %1 images together").arg(grouped(train));
    double bf = std::min(basePx, box.width() / 14.0);
    for (; bf > 7; bf -= 0.5) {
        const QFontMetricsF tf(pixel_font(font(), bf, true)), lf(pixel_font(font(), bf * 0.85));
        const double need = tf.height() * 1.1 + lf.boundingRect(QRectF(0, 0, inner.width(), 1e6), Qt::TextWordWrap, body).height();
        if (need <= inner.height() && tf.horizontalAdvance(title) <= inner.width()) break;
    }
    const QFont tf = pixel_font(font(), bf, true);
    const QFont bodyFont = pixel_font(font(), bf * 0.85);
    const double th = QFontMetricsF(tf).height() * 1.1;
    const double bh = QFontMetricsF(bodyFont).boundingRect(QRectF(0, 0, inner.width(), 1e6), Qt::TextWordWrap, body).height();
    const double top = inner.top() + std::max(0.0, (inner.height() - th - bh) / 2);
    p.setFont(tf);
    p.setPen(color);
    p.drawText(QRectF(inner.left(), top, inner.width(), th), Qt::AlignCenter, title);
    p.setFont(bodyFont);
    p.setPen(QColor(70, 70, 70));
    p.drawText(QRectF(inner.left(), top + th, inner.width(), inner.bottom() - top - th),
               Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, body);
}

// The merge node in the middle; lit (filled with the method's colour)
// while merging or testing.
void FlowView::drawMergeNode(QPainter& p, const Geometry& g, bool lit, const QColor& color,
                             const QString& verb, const QString& method) const {
    if (lit) {
        for (int i = 6; i >= 1; --i) {
            QColor c = color;
            c.setAlpha(22 + (6 - i) * 14);
            p.setPen(QPen(c, 2.2));
            p.drawEllipse(g.merge, g.radius + i * 1.8, g.radius + i * 1.8);
        }
    }
    p.setPen(QPen(lit ? color.darker(120) : QColor(80, 80, 80), lit ? 3 : 2));
    p.setBrush(lit ? color : QColor(245, 245, 245));
    p.drawEllipse(g.merge, g.radius, g.radius);
    p.setBrush(Qt::NoBrush);
    const double nf = std::clamp(g.radius * 0.36, 7.0, g.font * 1.2);
    const QColor nodeText = lit && luminance(color) < 0.6 ? Qt::white : QColor(25, 25, 25);
    const QFont nodeFont = pixel_font(font(), nf, true);
    const QFont methodFont = pixel_font(font(), nf * 0.9);
    const QFontMetricsF nfm(nodeFont);
    p.setPen(nodeText);
    p.setFont(nodeFont);
    const QRectF nodeBox(g.merge.x() - g.radius, g.merge.y() - g.radius, 2 * g.radius, 2 * g.radius);
    p.drawText(QRectF(nodeBox.left(), g.merge.y() - nfm.height(), nodeBox.width(), nfm.height()),
               Qt::AlignHCenter | Qt::AlignBottom, verb);
    p.setFont(methodFont);
    p.drawText(QRectF(nodeBox.left(), g.merge.y(), nodeBox.width(), nfm.height()),
               Qt::AlignHCenter | Qt::AlignTop, QStringLiteral("(%1)").arg(method));
}

void FlowView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    const Geometry g = computeGeometry();
    const int n = static_cast<int>(envs_.size());

    // Idle reads as "no phase": nothing lit.
    const bool active = phase_.has_value();
    const Phase now = active ? phase_->phase : Phase::Saving;
    auto is = [&](Phase which) { return active && now == which; };
    const int activeEnv = is(Phase::Training) ? phase_->env : -1;
    const QString method = active && !phase_->method.empty() && (is(Phase::Merging) || is(Phase::Evaluating))
                               ? QString::fromStdString(phase_->method)
                               : primary_;
    const QColor methodColor = method_color(method);
    const bool nodeLit = is(Phase::Merging) || is(Phase::Evaluating);
    const bool outLit = is(Phase::Merging);
    const bool backLit = is(Phase::CopyingBack);

    if (n > 0) {
        // Arrows first, so boxes and the node sit on top of their ends.
        const QFont arrowFont = pixel_font(font(), std::max(8.0, g.font * 0.85));
        const QFontMetricsF afm(arrowFont);
        const double offset = std::clamp(g.font * 0.45, 3.0, 9.0);
        for (int k = 0; k < n; ++k) {
            const QRectF& box = g.boxes[static_cast<size_t>(k)];
            QPointF d = g.merge - box.center();
            const double len = std::hypot(d.x(), d.y());
            if (len < 1) continue;
            const QPointF u = d / len;
            // Perpendicular pointing "up" on screen for the outgoing arrow.
            QPointF nrm(u.y(), -u.x());
            if (nrm.y() > 0 || (std::abs(nrm.y()) < 1e-6 && nrm.x() < 0)) nrm = -nrm;
            const QPointF start = rect_exit(box, u) + u * 4.0;
            const QPointF end = g.merge - u * (g.radius + 4.0);
            const double arrowLen = std::hypot((end - start).x(), (end - start).y());
            if (arrowLen < 8) continue;
            const bool envBusy = k == activeEnv;
            const QColor outColor = outLit ? readable(env_color(k)) : QColor(150, 150, 150);
            const QColor backColor = backLit ? methodColor : QColor(150, 150, 150);
            const double outWidth = outLit ? 3.5 : (envBusy ? 2.0 : 1.6);
            const double backWidth = backLit ? 3.5 : 1.6;
            draw_arrow(p, start + nrm * offset, end + nrm * offset, outColor, outWidth);
            draw_arrow(p, end - nrm * offset, start - nrm * offset, backColor, backWidth);

            // Labels along the arrows, upright, only where they fit.
            double angle = std::atan2(u.y(), u.x()) * 180.0 / kPi;
            if (angle > 90) angle -= 180;
            if (angle < -90) angle += 180;
            const QPointF mid = (start + end) / 2;
            auto label = [&](const QString& text, QPointF at, const QColor& c, bool bold) {
                QFont f = arrowFont;
                f.setBold(bold);
                const QFontMetricsF fm(f);
                const double w = fm.horizontalAdvance(text);
                if (w + 6 > arrowLen) return;
                p.save();
                p.translate(at);
                p.rotate(angle);
                p.setFont(f);
                p.setPen(c);
                p.drawText(QRectF(-w / 2 - 2, -fm.height() / 2, w + 4, fm.height()), Qt::AlignCenter, text);
                p.restore();
            };
            // Clear of the arrowhead (half its width), whatever the arrow's length.
            auto away = [&](double width) { return offset + std::max(7.0, width * 3.2) * 0.5 + afm.height() * 0.5 + 1; };
            label(tr("weights"), mid + nrm * away(outWidth), outLit ? outColor : QColor(100, 100, 100), outLit);
            label(tr("merged model"), mid - nrm * away(backWidth), backLit ? methodColor.darker(115) : QColor(100, 100, 100),
                  backLit);
        }

        drawMergeNode(p, g, nodeLit, methodColor, is(Phase::Evaluating) ? tr("Test") : tr("Merge"), method);

        for (int k = 0; k < n; ++k) {
            const bool lit = k == activeEnv;
            const bool dimmed = activeEnv >= 0 && !lit;
            drawEnvBox(p, g.boxes[static_cast<size_t>(k)], k, lit, dimmed, g.font);
        }
        if (baseline_ && !g.baseline.isNull())
            drawBaselineBox(p, g.baseline, is(Phase::Baseline), g.font);
    }

    // The caption band: what is happening now, in words.
    const QRectF band = n > 0 ? g.caption : QRectF(rect()).adjusted(20, 20, -20, -20);
    QColor accent = QColor(170, 170, 170);
    if (activeEnv >= 0)
        accent = env_color(activeEnv);
    else if (is(Phase::Baseline))
        accent = central_color();
    else if (is(Phase::Merging) || is(Phase::Evaluating) || is(Phase::CopyingBack))
        accent = methodColor;
    if (n > 0) {
        p.setPen(QPen(QColor(210, 210, 210), 1));
        p.setBrush(QColor(246, 246, 246));
        p.drawRoundedRect(band, 8, 8);
        p.setPen(Qt::NoPen);
        p.setBrush(accent);
        p.drawRoundedRect(QRectF(band.left(), band.top(), std::max(6.0, g.font * 0.5), band.height()), 3, 3);
        p.setBrush(Qt::NoBrush);
    }
    const QRectF textBox = band.adjusted(g.font * 1.2, 2, -g.font * 0.8, -2);
    double cf = n > 0 ? g.font * 1.3 : std::clamp(std::min(width() / 40.0, height() / 22.0), 11.0, 26.0);
    for (; cf > 8; cf -= 0.5) {
        const QFontMetricsF fm(pixel_font(font(), cf, active));
        if (fm.boundingRect(QRectF(0, 0, textBox.width(), 1e6), Qt::TextWordWrap, caption_).height() <= textBox.height())
            break;
    }
    p.setFont(pixel_font(font(), cf, active));
    p.setPen(QColor(25, 25, 25));
    p.drawText(textBox, Qt::AlignCenter | Qt::TextWordWrap, caption_);
}

} // namespace mergelab::ui
