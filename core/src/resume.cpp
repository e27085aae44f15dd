#include "mergelab/resume.h"

#include <filesystem>

#include "mergelab/error.h"
#include "mergelab/merge.h"
#include "mergelab/model.h"
#include "mergelab/run_files.h"
#include "mergelab/settings.h"
#include "mergelab/state_dict.h"

namespace mergelab {

namespace {

WeightSet load_model(const std::filesystem::path& models, int round, const std::string& name,
                     const std::string& arch) {
    const std::string path = (models / model_file_name(round, name)).string();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw Error(path + ": missing; a run continues from the models of its last finished round");
    WeightSet weights = load_state_dict(path);
    check_weights(arch, weights, path);
    check_finite(weights, path);
    return weights;
}

ResumePoint point_of(RunResult run, const std::filesystem::path& folder) {
    ResumePoint p;
    if (!run.rounds.empty()) {
        const RoundResult& last = run.rounds.back();
        const auto models = folder / "models";
        p.model = load_model(models, last.round, last.primary, run.config.model);
        if (run.config.baseline)
            p.central = load_model(models, last.round, kCentralModel, run.config.model);
    }
    p.done = std::move(run);
    return p;
}

} // namespace

ResumePlan load_resume_plan(const std::string& dir, int rounds) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        throw UsageError(
            "--resume takes a run's folder, and " + dir + " is not one; give the folder that holds it (" +
            (fs::path(dir).has_parent_path() ? fs::path(dir).parent_path().string() : std::string(".")) +
            ")");
    std::vector<RunResult> runs = load_runs(dir);
    if (runs.empty())
        throw Error(dir + ": holds no run to continue");
    if (runs.front().config.repeats > 1)
        throw UsageError(dir + ": a run with repeats cannot be continued (each seed's run would need its own "
                               "resume point); start it again, or run the missing seeds with --seed");
    ResumePlan plan;
    plan.config = runs.front().config;
    const bool lanes = !runs.front().lane.empty();
    if (lanes) {
        // Each lane's saved settings are its compare-mode run; the run as a
        // whole was one lane per method.
        plan.config.mode = Mode::Lanes;
        plan.config.lanes.clear();
        for (const auto& r : runs)
            plan.config.lanes.push_back(r.lane);
    }
    // Rounds of a fixed number of batches continue mid-epoch, and where each
    // environment stood is not saved.
    if (plan.config.local_steps > 0 && !runs.front().rounds.empty())
        throw Error(dir +
                    ": a run with local steps cannot be continued (its place in each epoch is not saved)");
    plan.finished_rounds = int(runs.front().rounds.size());
    for (auto& run : runs) {
        plan.finished_rounds = std::min(plan.finished_rounds, int(run.rounds.size()));
        if (rounds > 0 && rounds <= int(run.rounds.size()))
            throw setting_error("rounds", "must exceed the " + std::to_string(run.rounds.size()) +
                                              " round(s) the run in " + dir + " has finished, got " +
                                              std::to_string(rounds));
        const fs::path folder = lanes ? fs::path(dir) / "lanes" / run.lane : fs::path(dir);
        plan.points.push_back(point_of(std::move(run), folder));
    }
    if (rounds > 0)
        plan.config.rounds = rounds;
    plan.config.out_dir = dir;
    plan.config.replace_out = false;
    return plan;
}

} // namespace mergelab
