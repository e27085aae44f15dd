#pragma once
// Where a run's environments live: threads of the app's own engine, or
// `mergelab-cli env` processes joining the app as a distributed run's
// coordinator (started by the app on this computer, or by people on others).
#include <QString>

namespace mergelab::ui {

enum class EnvironmentsMode { Threads, LocalProcesses, OtherComputers };

} // namespace mergelab::ui
