#include "mergelab/progress.h"

#include <cmath>
#include <cstdio>

namespace mergelab {

std::string clock_text(double seconds) {
    if (!(seconds >= 0) || seconds > 1e7)
        return "--:--";
    const long s = std::lround(seconds);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
    return buf;
}

double eta_seconds(double elapsed, double fraction) {
    if (!(fraction > 0) || !(elapsed >= 0))
        return -1;
    if (fraction >= 1)
        return 0;
    return elapsed * (1 - fraction) / fraction;
}

} // namespace mergelab
