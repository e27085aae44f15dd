#pragma once
// One colour per merge method, environment and the baseline, used the same
// way in every view so a method is recognisable at a glance.
#include <QColor>
#include <QFont>
#include <QString>

namespace mergelab::ui {

QColor method_color(const QString& method); // avg, max, absmax, others
QColor env_color(int env);                  // 0-based environment
QColor central_color();                     // the centralised baseline
QColor paper_color();                       // the paper's published values
QString env_label(int env);                 // "Env 1"
QString short_class_name(int c);            // class_names() with "T-shirt" for "T-shirt/top"
// `base` at a pixel size (never below 6 px), for views that scale their
// text with their own size.
QFont pixel_font(const QFont& base, double px, bool bold = false, bool italic = false);

} // namespace mergelab::ui
