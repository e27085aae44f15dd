#include "mergelab/log.h"

#include <cstdlib>

#include <spdlog/sinks/stdout_color_sinks.h>

#include "mergelab/error.h"

namespace mergelab {

std::shared_ptr<spdlog::logger> logger() {
    // Logs go to stderr so that stdout stays clean for tables and JSON.
    static std::shared_ptr<spdlog::logger> instance = [] {
        auto l = spdlog::stderr_color_mt("mergelab");
        l->set_pattern("[%H:%M:%S.%e] [%^%l%$] %v");
        l->set_level(spdlog::level::info);
        return l;
    }();
    return instance;
}

void set_log_level(const std::string& level) {
    static const char* names[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
    for (const char* n : names) {
        if (level == n) {
            logger()->set_level(spdlog::level::from_str(level));
            return;
        }
    }
    throw UsageError("unknown log level '" + level + "' (use trace, debug, info, warn, error or off)");
}

void init_logging(const std::string& fallback) {
    const char* env = std::getenv("MERGELAB_LOG");
    set_log_level(env && *env ? env : fallback);
}

} // namespace mergelab
