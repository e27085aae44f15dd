#include "mergelab/log.h"

#include <cstdlib>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include "mergelab/error.h"
#include "mergelab/text.h"

namespace mergelab {

namespace {

// Every log line passes printable(): messages quote file names, tensor
// names and settings that come from outside. The level's colour range lies
// before the message, so escaping cannot shift it.
class PrintableFormatter : public spdlog::formatter {
public:
    explicit PrintableFormatter(const std::string& pattern)
        : pattern_(pattern)
        , inner_(pattern) {}
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        spdlog::memory_buf_t raw;
        inner_.format(msg, raw);
        std::string line(raw.data(), raw.size());
        const bool eol = !line.empty() && line.back() == '\n';
        if (eol)
            line.pop_back();
        const std::string safe = printable(line, 1 << 16) + (eol ? "\n" : "");
        dest.append(safe.data(), safe.data() + safe.size());
    }
    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<PrintableFormatter>(pattern_);
    }

private:
    std::string pattern_;
    spdlog::pattern_formatter inner_;
};

} // namespace

std::shared_ptr<spdlog::logger> logger() {
    // Logs go to stderr so that stdout stays clean for tables and JSON.
    static std::shared_ptr<spdlog::logger> instance = [] {
        auto l = spdlog::stderr_color_mt("mergelab");
        l->set_formatter(std::make_unique<PrintableFormatter>("[%H:%M:%S.%e] [%^%l%$] %v"));
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
    set_log_level(fallback);
    const char* env = std::getenv("MERGELAB_LOG");
    if (!env || !*env)
        return;
    // A bad variable must not stop every command (--help included): it is
    // named and ignored.
    try {
        set_log_level(env);
    } catch (const UsageError&) {
        logger()->warn(
            "MERGELAB_LOG='{}' is not a log level (trace, debug, info, warn, error, off); using {}", env,
            fallback);
    }
}

} // namespace mergelab
