#include "zoom.h"

#include <QApplication>
#include <QFont>

#include <cmath>

namespace mergelab::ui {

Zoom* Zoom::instance() {
    // Parented to nothing: it outlives every widget, tests included.
    static Zoom* zoom = new Zoom;
    return zoom;
}

void Zoom::setFactor(double factor) {
    if (!(factor > 0) || std::abs(factor - factor_) < 1e-9)
        return;
    factor_ = factor;
    emit changed(factor_);
}

double zoom() {
    return Zoom::instance()->factor();
}

QFont zoomed_app_font(double relative) {
    QFont font = QApplication::font();
    // A platform may give its font in pixels only.
    if (font.pointSizeF() > 0)
        font.setPointSizeF(font.pointSizeF() * zoom() * relative);
    else
        font.setPixelSize(std::max(1, static_cast<int>(std::lround(font.pixelSize() * zoom() * relative))));
    return font;
}

void on_zoom(QObject* receiver, std::function<void()> react) {
    QObject::connect(Zoom::instance(), &Zoom::changed, receiver, [react = std::move(react)] { react(); });
}

} // namespace mergelab::ui
