#pragma once
// Progress as people read it, computed once for the CLI and the app.
#include <string>

namespace mergelab {

// "01:05", "1:02:03"; "--:--" for a negative, NaN or absurd value.
std::string clock_text(double seconds);

// Seconds left when `fraction` (0..1) of the work took `elapsed` seconds,
// assuming the rest goes at the same pace; -1 while nothing is done yet.
double eta_seconds(double elapsed, double fraction);

} // namespace mergelab
