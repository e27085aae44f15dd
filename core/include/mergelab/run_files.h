#pragma once
// The run directory: run.json (every setting and every round's metrics),
// metrics.csv (one row per round) and models/ (state_dict files). Lanes mode
// puts one such directory per lane under lanes/METHOD/ and a summary on top.
#include <string>
#include <vector>

#include "mergelab/experiment.h"

namespace mergelab {

constexpr const char* kRunFormat = "mergelab-run";
// 2 added per-class accuracies, provenance and the env 1 -> env 2 barrier;
// 3 the seed column of metrics.csv and the files of repeats (below). Older
// files still open.
constexpr int kRunFormatVersion = 3;

std::string run_to_json(const RunResult& run, int indent = -1);
std::string metrics_csv(const RunResult& run);

class RunFolder;

// Writes run.json and metrics.csv atomically into the claimed `folder`, under
// `prefix` ("" or "lanes/avg/").
void write_run_files(RunFolder& folder, const std::string& prefix, const RunResult& run);
// Lanes mode: lanes.json at the top of the folder (each lane once).
void write_lanes_summary(RunFolder& folder, const std::vector<RunResult>& lanes);

// Repeats: each seed's run keeps its models (and its own run.json as it
// goes) in seed-N/ under the strategy's folder; the strategy's run.json holds
// every seed's run (a list "repeats") and its metrics.csv every seed's rows.
// "seed-N/" for a run with repeats, else "".
std::string repeat_folder(const RunResult& run);
// The strategy's run.json and metrics.csv under `prefix`, from its seeds so far.
void write_repeat_files(RunFolder& folder, const std::string& prefix,
                        const std::vector<const RunResult*>& seeds);

// Reads a run directory (or a run.json path). For a lanes directory returns
// every lane. Throws Error naming the file and the field on anything wrong;
// refuses a newer format version.
std::vector<RunResult> load_runs(const std::string& path);
// One run; a file of repeats is refused (runs_from_json reads both).
RunResult run_from_json(const std::string& text, const std::string& source);
std::vector<RunResult> runs_from_json(const std::string& text, const std::string& source);
// The lanes a lanes.json names (each a folder lanes/METHOD/); throws Error
// naming `source` when it is not a lanes summary or a name could leave the
// folder.
std::vector<std::string> lane_names_from_json(const std::string& text, const std::string& source);

// Settings alone, as in run.json's "config" (the app keeps the last setup).
std::string config_to_json(const ExperimentConfig& config);
ExperimentConfig config_from_json(const std::string& text, const std::string& source);

// The paper's table: local accuracy per environment, test accuracy per
// method (and central), in %.
std::string format_round_table(const RunResult& run);
std::string format_round_row(const RunResult& run, const RoundResult& round, bool header);

// The baseline's model file takes this in place of a method name.
constexpr const char* kCentralModel = "central";

// models/round-NNN-env-K.pt and models/round-NNN-METHOD.pt
std::string model_file_name(int round, int env_from_one);
std::string model_file_name(int round, const std::string& method);
// Every models/ file name `run` may have written: each finished round's, the
// one in progress when it stopped (written before run.json), and round 0's
// starting model.
std::vector<std::string> model_files_of(const RunResult& run);

} // namespace mergelab
