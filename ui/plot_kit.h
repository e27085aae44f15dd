#pragma once
// The set-up every QCustomPlot chart shares, so the charts look alike: a
// bold title row, a small legend (beside the axes or inside them), axis
// labels without a sub-grid, and a grey text for an empty chart.
#include <QSize>
#include <QString>

class QBoxLayout;
class QObject;
class QCustomPlot;
class QCPItemText;
class QCPTextElement;
class QFont;
class QWidget;

namespace mergelab::ui::plot_kit {

// `text` broken at spaces into lines no wider than `width` px in `font`:
// a chart's text items do not wrap, and a long message ran off both sides.
QString wrap_lines(const QString& text, const QFont& font, double width);

// A plot added to `layout` (with `stretch`) that never shrinks below `minimum`.
QCustomPlot* add_plot(QWidget* owner, QBoxLayout* layout, QSize minimum, int stretch = 0);
// A bold title in a new first row of the layout grid.
QCPTextElement* add_title(QCustomPlot* plot, const QString& text = {});
// Axis labels; no value sub-grid, which only adds noise at these sizes.
void label_axes(QCustomPlot* plot, const QString& x, const QString& y);
// The legend a point smaller than the text around it, rows packed tight.
void style_legend(QCustomPlot* plot, QSize icon);
// The legend in its own column right of the axis rect, at the top: many
// series inside the plot would cover the lines.
void put_legend_beside(QCustomPlot* plot);
// Grey text centred in the axis rect, for a chart with nothing to draw.
QCPItemText* add_empty_text(QCustomPlot* plot, const QString& text = {});
// Before every replot, the text (whatever was set last) is wrapped to the
// width it has: the axis rect's for a text item, the plot's for a title. A
// narrow window otherwise cut a long message or title at both ends.
void keep_wrapped(QCustomPlot* plot, QCPItemText* item);
void keep_wrapped(QCustomPlot* plot, QCPTextElement* title);

// The zoom (zoom.h): every plot made by add_plot applies it before each
// replot, and replots (queued) when it changes. Fonts are set from the
// application's font by role (axes, legend, titles, texts); line widths are
// the ones the view chose, multiplied.
void apply_zoom(QCustomPlot* plot);
// A title or text item drawn at `relative` times the plot's text size.
void set_relative_size(QObject* element, double relative);

} // namespace mergelab::ui::plot_kit
