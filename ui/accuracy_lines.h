#pragma once
// What the accuracy chart's files share about a run's lines.
#include <QString>

#include <string>

#include <qcustomplot.h>

#include "mergelab/experiment.h"

namespace mergelab::ui::accuracy_lines {

// avg, max and absmax each their own marker; every other method a square.
QCPScatterStyle::ScatterShape method_shape(const QString& method);
bool is_lanes(const RunResult& run);
// The lane's place among the run's lanes (0 when absent): its line style.
int lane_index(const RunResult& run, const std::string& lane);

} // namespace mergelab::ui::accuracy_lines
