#pragma once
// The look every view shares: one colour per merge method, environment and
// the baseline, so a method is recognisable at a glance, and the few text
// formats (numbers, class names) that must read the same in every tab.
#include <QColor>
#include <QFont>
#include <QList>
#include <QString>

#include "class_names.h"

namespace mergelab::ui {

QColor method_color(const QString& method); // avg, max, absmax, others
QColor env_color(int env);                  // 0-based environment
// Strategies side by side ("avg", "avg+fedprox:mu=0.01"): each its method's
// colour, or a spare one when an earlier strategy in `used` took it.
QColor strategy_color(const QString& strategy, QList<QRgb>& used);
QColor central_color();    // the centralised baseline
QColor class_color(int c); // for per-class counts; any class number
// Lanes mode: each lane's lines in their own style (solid, dashed, ...),
// so two lanes of one colour still tell apart. The paper's values are dotted.
Qt::PenStyle lane_pen_style(int lane);
Qt::PenStyle paper_pen_style();
QString env_label(int env); // "Env 1"
QString grouped(qint64 n);  // 10,000 in the UI locale's digit grouping
// `a` towards `b` by t (0..1), for tints of a palette colour.
QColor mix(const QColor& a, const QColor& b, double t);
// Perceived brightness 0..1: picks dark or light text on a coloured fill.
double luminance(const QColor& c);
// Light palette colours (yellow, sky blue) vanish as text on white: darker then.
QColor readable_on_white(const QColor& c);
// `base` at a pixel size (never below 6 px), for views that scale their
// text with their own size.
QFont pixel_font(const QFont& base, double px, bool bold = false, bool italic = false);

} // namespace mergelab::ui
