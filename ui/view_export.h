#pragma once
// Writes a view as a picture: PNG at a multiple of its size, PDF and SVG as
// vectors (charts through QCustomPlot's own painter), never with the
// selectors and buttons around it.
#include <QString>

class QCustomPlot;
class QCPPainter;
class QPainter;
class QRect;

namespace mergelab::ui {

class RunView;

// "png", "pdf" and, when built with Qt SVG, "svg".
QStringList export_formats();
// Empty on success, else what went wrong.
QString export_view(RunView& view, const QString& path, double png_scale);
// A chart into `target` of `painter`: as vectors on a PDF or SVG device
// (export_view sets the painter's vectorised, uncached mode there).
void paint_plot(QCustomPlot* plot, QCPPainter& painter, const QRect& target);

} // namespace mergelab::ui
