#pragma once
// Keyboard focus drawn to be seen from the back of a room: the platform
// style's one-pixel highlight vanishes on a projector, so every focused
// control gets a solid ring of a dark, saturated blue around it.
#include <QColor>

namespace mergelab::ui {

QColor focus_ring_color();
// Wraps the application's style once; later calls do nothing.
void install_focus_rings();

} // namespace mergelab::ui
