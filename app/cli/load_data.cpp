#include <chrono>
#include <cstdio>

#include <unistd.h>

#include "cli/cli.h"
#include "mergelab/progress.h"

namespace mergelab::cli {

FashionMnist load_data(const std::string& dir, DataPart part, double test_fraction, bool colour) {
    DataLoadOptions options;
    options.test_fraction = test_fraction;
    options.colour = colour;
    // Only a terminal gets the redrawn line; a log file gets the loader's
    // one summary line instead.
    if (isatty(STDERR_FILENO)) {
        using Clock = std::chrono::steady_clock;
        const auto start = Clock::now();
        options.progress = [start, last = Clock::time_point{}](int64_t done, int64_t total) mutable {
            const auto now = Clock::now();
            if (done < total && now - last < std::chrono::milliseconds(100))
                return;
            last = now;
            const double fraction = total > 0 ? double(done) / double(total) : 1;
            const double elapsed = std::chrono::duration<double>(now - start).count();
            char bar[31];
            for (int i = 0; i < 30; ++i)
                bar[i] = i < int(fraction * 30) ? '#' : '.';
            bar[30] = 0;
            std::fprintf(stderr, "\r\033[Kdecoding images %lld/%lld  [%s] %3.0f%%  ETA %s", (long long)done,
                         (long long)total, bar, 100 * fraction,
                         clock_text(eta_seconds(elapsed, fraction)).c_str());
            if (done >= total)
                std::fprintf(stderr, "\r\033[K");
            std::fflush(stderr);
        };
    }
    return load_fashion_mnist(resolve_data_dir(dir), part, options);
}

} // namespace mergelab::cli
