#pragma once
// The one scale for every text and line the views draw. It is 1 in the
// ordinary window; View → Zoom and presentation mode change it. Only the
// main window sets it; the plotting kit and the views read it while they
// draw, and redraw when it changes.
#include <QObject>

#include <functional>

class QFont;

namespace mergelab::ui {

class Zoom : public QObject {
    Q_OBJECT
public:
    static Zoom* instance();
    double factor() const { return factor_; }
    void setFactor(double factor);
    // The least line height (px) a text may be painted at: presentation
    // mode asks 18 px of everything a room reads; 0 is no limit.
    double leastTextPx() const { return least_; }
    void setLeastTextPx(double px);

signals:
    void changed(double factor);

private:
    using QObject::QObject;
    double factor_ = 1.0;
    double least_ = 0;
};

// Zoom::instance()->factor(), for drawing code.
double zoom();
// `px` at the current zoom.
inline double zoomed(double px) {
    return px * zoom();
}
// The application's font at the current zoom, scaled by `relative` (a
// legend a little smaller than the axes, a heading larger).
QFont zoomed_app_font(double relative = 1.0);
// Whether text in `font` is as tall as Zoom asks: what is not (numbers
// in cells too small for them) is left out rather than drawn unreadable.
bool legible(const QFont& font);
// `font`, grown where needed to the least height Zoom asks.
QFont legible_font(QFont font);
// Calls `react` (in `receiver`'s thread, while it lives) after each change.
void on_zoom(QObject* receiver, std::function<void()> react);

} // namespace mergelab::ui
