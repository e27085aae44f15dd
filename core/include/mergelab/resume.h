#pragma once
// Continuing a saved run from its last finished round (mergelab-cli run
// --resume, coordinate --resume). A run needs nothing but its folder: the
// settings and finished rounds are in run.json, and the copied-back model
// of the last finished round is always saved (without --save-all too).
#include <string>
#include <vector>

#include "mergelab/experiment.h"

namespace mergelab {

struct ResumePlan {
    ExperimentConfig config;         // the saved settings, writing into the same folder
    std::vector<ResumePoint> points; // one per lane (one for a compare-mode run)
    int finished_rounds = 0;         // the fewest any lane finished
};

// Reads the run in `dir`. `rounds` > 0 is the new round limit and must
// exceed every lane's finished rounds; 0 keeps the saved limit. Throws
// Error naming the file that is missing or wrong, UsageError for `rounds`.
ResumePlan load_resume_plan(const std::string& dir, int rounds = 0);

} // namespace mergelab
