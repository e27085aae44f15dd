#pragma once
// Pieces of run.json and metrics.csv that the files of several runs (lanes,
// repeats; run_files_sets.cpp) reuse. Internal to the core.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "mergelab/experiment.h"

namespace mergelab {

// One run's object, as its run.json holds it.
nlohmann::ordered_json run_json(const RunResult& run);
// Checks "format" and "version" (refusing a newer one); returns the version.
int64_t check_run_header(const nlohmann::ordered_json& j, const std::string& source);
// One run from its object; throws Error naming `source` and the field.
RunResult run_from_value(const nlohmann::ordered_json& j, const std::string& source);

// metrics.csv in two parts, so the rows of several seeds share one header.
std::string metrics_csv_header(const RunResult& run);
std::string metrics_csv_rows(const RunResult& run);

} // namespace mergelab
