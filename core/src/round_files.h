#pragma once
// Saving a finished round, the same for the in-process round loop and the
// coordinator of a distributed run. Internal to the core.
#include <map>
#include <string>
#include <vector>

#include "mergelab/experiment.h"
#include "mergelab/run_folder.h"

namespace mergelab {

struct RoundModels {
    const std::vector<WeightSet>* locals = nullptr;           // one per environment
    const std::map<std::string, WeightSet>* merged = nullptr; // per method
    const WeightSet* central = nullptr;                       // the baseline's, or nullptr
};

// Writes `weights` as `prefix`models/`name`.
void save_model_file(RunFolder& folder, const std::string& prefix, const std::string& name,
                     const WeightSet& weights);

// Writes round `round`'s models under `prefix`models/, removes the previous
// round's unless `save_all`, then rewrites the run files with `result`
// (marked running).
void save_round_files(RunFolder& folder, const std::string& prefix, int round, const RoundModels& models,
                      bool save_all, RunResult& result);

} // namespace mergelab
