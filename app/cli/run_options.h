#pragma once
// The experiment settings as command-line options, shared by `run` and
// `coordinate` so both take every setting the same way (settings.cpp).
#include <map>
#include <memory>
#include <string>

#include "mergelab/experiment.h"
#include "mergelab/resume.h"

namespace CLI {
class App;
}

namespace mergelab::cli {

// The text given for each setting's option, applied after parsing so that
// every refusal comes from the setting's declaration (settings.cpp).
struct RunOptions {
    ExperimentConfig config;
    std::map<std::string, std::string> given; // setting key -> text
    std::map<std::string, bool> flags;        // setting key -> flag given
    bool dry_run = false;
    std::string resume; // run --resume DIR
};

void add_experiment_options(CLI::App* cmd, RunOptions& o);
// Applies what was given onto o.config; throws UsageError.
void finish_options(CLI::App* cmd, RunOptions& o);

// --resume DIR: the saved settings, with only what may change between
// sittings (--rounds, --threads, --data) taken from the command line.
// Throws UsageError for any other setting given, Error for a bad folder.
ResumePlan resume_plan(CLI::App* cmd, RunOptions& o);

// Progress on stderr, the round table on stdout, as `run` prints them.
std::unique_ptr<ExperimentObserver> make_console_observer(const ExperimentConfig& config);

} // namespace mergelab::cli
