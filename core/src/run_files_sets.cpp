// Files of runs made of several runs: lanes (lanes.json and lanes/METHOD/)
// and repeats (every seed's run in one run.json), and the paper's table.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "mergelab/error.h"
#include "mergelab/files.h"
#include "mergelab/run_files.h"
#include "mergelab/run_folder.h"
#include "mergelab/text.h"
#include "run_files_internal.h"

namespace mergelab {

using Json = nlohmann::ordered_json;

void write_lanes_summary(RunFolder& folder, const std::vector<RunResult>& lanes) {
    Json j{{"format", kRunFormat}, {"version", kRunFormatVersion}, {"mode", "lanes"}};
    // With repeats a lane appears once per seed; it is listed once, with its
    // latest seed's figures (its folder holds every seed's).
    std::vector<const RunResult*> latest;
    for (const auto& lane : lanes) {
        auto same = std::find_if(latest.begin(), latest.end(),
                                 [&](const RunResult* r) { return r->lane == lane.lane; });
        if (same == latest.end())
            latest.push_back(&lane);
        else
            *same = &lane;
    }
    Json list = Json::array();
    for (const RunResult* lane : latest) {
        Json entry{{"method", lane->lane},
                   {"dir", "lanes/" + lane->lane},
                   {"rounds", lane->rounds.size()},
                   {"stopped", name_of(lane->stopped)}};
        if (!lane->rounds.empty())
            if (const auto* m = lane->rounds.back().method(lane->lane))
                entry["final_test_acc"] = std::isfinite(m->test_acc) ? Json(m->test_acc) : Json(nullptr);
        list.push_back(entry);
    }
    j["lanes"] = list;
    folder.write_file("lanes.json", j.dump(1));
}

std::string repeat_folder(const RunResult& run) {
    return run.config.repeats > 1 ? "seed-" + std::to_string(run.config.seed) + "/" : "";
}

void write_repeat_files(RunFolder& folder, const std::string& prefix,
                        const std::vector<const RunResult*>& seeds) {
    if (seeds.empty())
        return;
    Json j{{"format", kRunFormat}, {"version", kRunFormatVersion}};
    Json list = Json::array();
    std::string csv = metrics_csv_header(*seeds.front());
    for (const RunResult* run : seeds) {
        list.push_back(run_json(*run));
        csv += metrics_csv_rows(*run);
    }
    j["repeats"] = list;
    folder.write_file(prefix + "run.json", j.dump(1));
    folder.write_file(prefix + "metrics.csv", csv);
}

std::vector<RunResult> runs_from_json(const std::string& text, const std::string& source) {
    const Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded())
        throw Error(source + ": not valid JSON");
    if (!j.is_object() || !j.contains("repeats"))
        return {run_from_value(j, source)};
    check_run_header(j, source);
    const Json& list = j["repeats"];
    if (!list.is_array() || list.empty() || list.size() > 1000)
        throw Error(source + ": field 'repeats' is not a list of runs");
    std::vector<RunResult> runs;
    for (size_t i = 0; i < list.size(); ++i) {
        runs.push_back(run_from_value(list[i], source + ": repeats[" + std::to_string(i) + "]"));
        const RunResult& r = runs.back();
        if (r.config.repeats < 2 || r.lane != runs.front().lane)
            throw Error(source + ": repeats[" + std::to_string(i) +
                        "] is not a repeat of the same strategy (config.repeats or lane)");
        for (size_t k = 0; k + 1 < runs.size(); ++k)
            if (runs[k].config.seed == r.config.seed)
                throw Error(source + ": repeats[" + std::to_string(i) + "] repeats seed " +
                            std::to_string(r.config.seed));
    }
    return runs;
}

std::vector<std::string> lane_names_from_json(const std::string& text, const std::string& file) {
    Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("lanes") || !j["lanes"].is_array() ||
        j["lanes"].size() > 64)
        throw Error(file + ": not a MergeLab lanes summary");
    std::vector<std::string> names;
    for (const auto& lane : j["lanes"]) {
        if (!lane.is_object() || !lane.contains("method") || !lane["method"].is_string())
            throw Error(file + ": field 'lanes[].method' is missing");
        const std::string method = lane["method"].get<std::string>();
        // The lane name becomes a path: only a strategy's characters
        // (avg+fedprox:mu=0.01@ccvr), no '/', never "." or "..", so it cannot
        // lead outside the run directory.
        if (method.empty() || method.size() > 200 || method[0] == '.' ||
            method.find_first_not_of(
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+:=,.@") !=
                std::string::npos)
            throw Error(file + ": lane name '" + printable(method, 64) + "' is not a merge strategy");
        names.push_back(method);
    }
    return names;
}

std::vector<RunResult> load_runs(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw Error(path + ": does not exist");
    if (!fs::is_directory(path, ec))
        return runs_from_json(read_file(path, 512u << 20), path);
    const fs::path dir(path);
    if (fs::exists(dir / "run.json", ec)) {
        const std::string file = (dir / "run.json").string();
        return runs_from_json(read_file(file, 512u << 20), file);
    }
    if (fs::exists(dir / "lanes.json", ec)) {
        const std::string file = (dir / "lanes.json").string();
        std::vector<RunResult> runs;
        for (const auto& method : lane_names_from_json(read_file(file, 16u << 20), file)) {
            const std::string lane_file = (dir / "lanes" / method / "run.json").string();
            for (auto& run : runs_from_json(read_file(lane_file, 512u << 20), lane_file))
                runs.push_back(std::move(run));
        }
        // Seed by seed, every lane within a seed: the order a run makes them in.
        std::stable_sort(runs.begin(), runs.end(), [](const RunResult& a, const RunResult& b) {
            return a.config.seed < b.config.seed;
        });
        return runs;
    }
    throw Error(path + ": no run.json or lanes.json in this directory");
}

// ---- the paper's table ---------------------------------------------------------

std::string format_round_row(const RunResult& run, const RoundResult& r, bool header) {
    std::ostringstream out;
    char buf[64];
    if (header) {
        out << "round";
        for (size_t k = 0; k < run.envs.size(); ++k) {
            std::snprintf(buf, sizeof buf, " %8s", ("local " + std::to_string(k + 1)).c_str());
            out << buf;
        }
        out << " |";
        for (const auto& m : r.merged) {
            std::snprintf(buf, sizeof buf, " %7s", m.method.c_str());
            out << buf;
        }
        if (r.central_test_acc)
            out << " | central";
        out << '\n';
    }
    std::snprintf(buf, sizeof buf, "%5d", r.round);
    out << buf;
    for (const auto& e : r.envs) {
        std::snprintf(buf, sizeof buf, " %8.2f", 100 * e.val_acc);
        out << buf;
    }
    out << " |";
    for (const auto& m : r.merged) {
        std::snprintf(buf, sizeof buf, " %7.2f", 100 * m.test_acc);
        out << buf;
    }
    if (r.central_test_acc) {
        std::snprintf(buf, sizeof buf, " | %7.2f", 100 * *r.central_test_acc);
        out << buf;
    }
    out << '\n';
    return out.str();
}

std::string format_round_table(const RunResult& run) {
    std::ostringstream out;
    for (size_t i = 0; i < run.rounds.size(); ++i)
        out << format_round_row(run, run.rounds[i], i == 0);
    return out.str();
}

} // namespace mergelab
