#pragma once
// mergelab-cli: one executable, one subcommand per job.
// Exit codes: 0 success, 1 run-time failure (bad file, bad data), 2 bad usage.

#include <string>

#include "mergelab/dataset.h"

namespace CLI {
class App;
}

namespace mergelab::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int main(int argc, char** argv);

// Thrown by a subcommand that finished but must exit with `code` (for
// example 130 after Ctrl-C, 1 after a diverged run).
struct ExitRequest {
    int code;
};

// The data set at `dir` (resolved as --data is). An image folder's first
// decoding can take a while: on a terminal it draws a bar with its ETA.
FashionMnist load_data(const std::string& dir, DataPart part = DataPart::Both, double test_fraction = 0.2,
                       bool colour = false);

// Subcommand registration; each returns after adding its options and callback.
void add_merge_command(CLI::App& app);
void add_align_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_paper_command(CLI::App& app);
void add_show_command(CLI::App& app);
void add_methods_command(CLI::App& app);
void add_interpolate_command(CLI::App& app);
void add_provenance_command(CLI::App& app);
void add_coordinate_command(CLI::App& app);
void add_env_command(CLI::App& app);

} // namespace mergelab::cli
