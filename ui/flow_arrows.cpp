// The Flow view's arrows between each environment and the merge: weights
// out, the merged model back, each labelled with what travelled in the
// round shown when the run counted it.
#include "flow_geometry.h"

#include <QPainter>
#include <QPainterPath>
#include <QTransform>

#include <cmath>

#include "palette.h"
#include "run_model.h"
#include "traffic.h"
#include "zoom.h"

namespace mergelab::ui {
namespace {

void draw_arrow(QPainter& p, QPointF from, QPointF to, const QColor& color, double width) {
    const QPointF d = to - from;
    const double len = std::hypot(d.x(), d.y());
    if (len < 1)
        return;
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

} // namespace

const RoundResult* FlowView::trafficRound() const {
    if (!model_)
        return nullptr;
    RunPtr run = model_->run();
    for (int i = 0; i < model_->laneCount(); ++i)
        if (model_->lane(i)->lane == shownLane_)
            run = model_->lane(i);
    if (!run)
        return nullptr;
    // A phase on screen is about its round, which has nothing on record
    // until it has ended; without one, the round on the scrubber.
    if (phase_ && phase_->round > 0) {
        for (const RoundResult& r : run->rounds)
            if (r.round == phase_->round)
                return &r;
        return nullptr;
    }
    return find_round(run.get(), model_->selectedRound());
}

void FlowView::drawArrows(QPainter& p, const Geometry& g, bool outLit, bool backLit, bool training,
                          const QColor& methodColor) const {
    const int n = static_cast<int>(envs_.size());
    const RoundResult* round = trafficRound();
    const QFont arrowFont = pixel_font(font(), std::max(8.0, g.font * 0.85));
    // An arrow is about ten of the words' characters long and a payload's
    // line needs twenty: the figures may be a little smaller.
    const QFont bytesFont = pixel_font(font(), std::max(8.0, g.font * 0.72));
    const double offset = std::clamp(g.font * 0.45, 3.0, 9.0);
    std::vector<QPainterPath> labels; // drawn so far, in widget coordinates
    for (int k = 0; k < n; ++k) {
        const QRectF& box = g.boxes[static_cast<size_t>(k)];
        QPointF d = g.merge - box.center();
        const double len = std::hypot(d.x(), d.y());
        if (len < 1)
            continue;
        const QPointF u = d / len;
        // Perpendicular pointing "up" on screen for the outgoing arrow.
        QPointF nrm(u.y(), -u.x());
        if (nrm.y() > 0 || (std::abs(nrm.y()) < 1e-6 && nrm.x() < 0))
            nrm = -nrm;
        const QPointF start = rect_exit(box, u) + u * 4.0;
        const QPointF end = g.merge - u * (g.radius + 4.0);
        const double arrowLen = std::hypot((end - start).x(), (end - start).y());
        if (arrowLen < 8)
            continue;
        const bool envBusy = training && training_.count(k) > 0;
        const QColor outColor = outLit ? readable_on_white(env_color(k)) : QColor(150, 150, 150);
        const QColor backColor = backLit ? methodColor : QColor(150, 150, 150);
        const double outWidth = (outLit ? 3.5 : (envBusy ? 2.0 : 1.6)) * zoom();
        const double backWidth = (backLit ? 3.5 : 1.6) * zoom();
        draw_arrow(p, start + nrm * offset, end + nrm * offset, outColor, outWidth);
        draw_arrow(p, end - nrm * offset, start - nrm * offset, backColor, backWidth);

        // Labels along the arrows, upright, only where they fit.
        double angle = std::atan2(u.y(), u.x()) * 180.0 / kFlowPi;
        if (angle > 90)
            angle -= 180;
        if (angle < -90)
            angle += 180;
        const QPointF mid = (start + end) / 2;
        // Beside the arrow on `side`, clear of its head (half its width)
        // whatever the arrow's length; false when the text does not fit.
        auto label = [&](const QString& text, QPointF side, double width, const QColor& c, bool bold,
                         const QFont& face) {
            QFont f = face;
            f.setBold(bold);
            const QFontMetricsF fm(f);
            const QStringList lines = text.split(QLatin1Char('\n'));
            double w = 0;
            for (const QString& line : lines)
                w = std::max(w, fm.horizontalAdvance(line));
            const double h = fm.height() + fm.lineSpacing() * double(lines.size() - 1);
            if (w + 6 > arrowLen)
                return false;
            const QPointF at = mid + side * (offset + std::max(7.0, width * 3.2) * 0.5 + h * 0.5 + 1);
            // Arrows that converge on the node bring their labels
            // together: a label that would touch one drawn already waits.
            QTransform at_arrow;
            at_arrow.translate(at.x(), at.y());
            at_arrow.rotate(angle);
            QPainterPath shape;
            const QRectF rect(-w / 2 - 2, -h / 2, w + 4, h);
            shape.addRect(rect);
            shape = at_arrow.map(shape);
            for (const QPainterPath& other : labels)
                if (other.intersects(shape))
                    return false;
            labels.push_back(shape);
            p.save();
            p.translate(at);
            p.rotate(angle);
            p.setFont(f);
            p.setPen(c);
            p.drawText(rect, Qt::AlignCenter, text);
            p.restore();
            return true;
        };
        // The bytes of the shown round when they were counted, as long as
        // they fit; else the bare word.
        const EnvRoundMetrics* env = round && k < static_cast<int>(round->envs.size())
                                         ? &round->envs[static_cast<size_t>(k)]
                                         : nullptr;
        const QColor outText = outLit ? outColor : QColor(100, 100, 100);
        const QColor backText = backLit ? methodColor.darker(115) : QColor(100, 100, 100);
        auto first_fitting = [&](const QStringList& texts, const QString& word, QPointF side, double width,
                                 const QColor& c, bool bold) {
            // The words' size before the smaller one, a payload a line before
            // each figure above its word; the total only when neither fits.
            for (const QFont* face : {&arrowFont, &bytesFont})
                for (int i = 0; i + 1 < texts.size(); ++i)
                    if (label(texts[i], side, width, c, bold, *face))
                        return;
            if (!texts.isEmpty() && label(texts.back(), side, width, c, bold, arrowFont))
                return;
            label(word, side, width, c, bold, arrowFont);
        };
        first_fitting(env ? upload_texts(*env) : QStringList(), tr("weights"), nrm, outWidth, outText,
                      outLit);
        first_fitting(env ? download_texts(*env) : QStringList(), tr("merged model"), -nrm, backWidth,
                      backText, backLit);
    }
}

} // namespace mergelab::ui
