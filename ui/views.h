#pragma once
#include <vector>

#include "run_view.h"

namespace mergelab::ui {

// Every tab of the window, in tab order (Ctrl+1, Ctrl+2, ...).
std::vector<ViewFactory> standard_views();

} // namespace mergelab::ui
