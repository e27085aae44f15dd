#include "cli/stop_signals.h"

#include <unistd.h>

#include <atomic>
#include <csignal>

#include "mergelab/experiment.h"

namespace mergelab::cli {
namespace {

// A signal handler can reach only globals; the one run it may cancel.
RunControl* g_control = nullptr;
std::atomic<int> g_signal{0};

extern "C" void on_stop_signal(int signal_number) {
    int none = 0;
    if (!g_signal.compare_exchange_strong(none, signal_number))
        _exit(128 + signal_number);
    if (g_control)
        g_control->request_cancel_from_signal();
}

} // namespace

StopSignals::StopSignals(RunControl& control) {
    g_signal = 0;
    g_control = &control;
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

StopSignals::~StopSignals() {
    g_control = nullptr;
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
}

int StopSignals::received() {
    return g_signal.load();
}

} // namespace mergelab::cli
