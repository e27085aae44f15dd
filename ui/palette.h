#pragma once
// One colour per merge method, environment and the baseline, used the same
// way in every view so a method is recognisable at a glance.
#include <QColor>
#include <QString>

namespace mergelab::ui {

QColor method_color(const QString& method); // avg, max, absmax, others
QColor env_color(int env);                  // 0-based environment
QColor central_color();                     // the centralised baseline
QColor paper_color();                       // the paper's published values
QString env_label(int env);                 // "Env 1"

} // namespace mergelab::ui
