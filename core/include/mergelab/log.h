#pragma once
// The one spdlog logger of MergeLab. Front ends may add sinks to it (the app
// adds a Qt sink for its log panel).
#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace mergelab {

std::shared_ptr<spdlog::logger> logger();
// "trace", "debug", "info", "warn", "error", "off". Throws UsageError for
// anything else.
void set_log_level(const std::string& level);
// $MERGELAB_LOG if set, else `fallback`.
void init_logging(const std::string& fallback = "info");

} // namespace mergelab
