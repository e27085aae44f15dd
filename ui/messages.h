#pragma once
// Messages the window shows without blocking: the event loop (and a
// running experiment's updates) carries on while they are open.
#include <QString>

#include "mergelab/experiment.h"

class QWidget;

namespace mergelab::ui {

void show_warning(QWidget* parent, const QString& title, const QString& text);

// How a run ended, in words: "finished all 4 round(s)", "stopped by the
// user after 2 finished round(s)"; never the raw status name.
QString stop_summary(const RunResult& run);

// What the engine does now, for the status bar: "Round 2: Env 1 training".
QString phase_caption(const PhaseChanged& p);

} // namespace mergelab::ui
