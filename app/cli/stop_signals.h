#pragma once
// Ctrl-C or SIGTERM during a run or an environment: the first one cancels
// between batches (what the run has is kept, and the command exits with
// 128 + the signal's number); a second one exits at once.
namespace mergelab {
class RunControl;
}

namespace mergelab::cli {

class StopSignals {
public:
    explicit StopSignals(RunControl& control); // installs the handlers
    ~StopSignals();                            // restores the defaults
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    // The first signal received since the handlers were installed, or 0.
    static int received();
};

} // namespace mergelab::cli
