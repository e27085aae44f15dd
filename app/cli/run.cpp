// The experiment subcommands: run, paper (presets), show.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "cli/stop_signals.h"

#include "cli/cli.h"
#include "cli/run_options.h"
#include "mergelab/error.h"
#include "mergelab/experiment.h"
#include "mergelab/log.h"
#include "mergelab/merge.h"
#include "mergelab/model.h"
#include "mergelab/progress.h"
#include "mergelab/repeats.h"
#include "mergelab/resume.h"
#include "mergelab/run_files.h"
#include "mergelab/run_folder.h"
#include "mergelab/settings.h"
#include "mergelab/split.h"
#include "mergelab/strategy.h"
#include "mergelab/text.h"

namespace mergelab::cli {
namespace {

// Progress on stderr (a live bar on a terminal, a line per round otherwise),
// the paper's round table on stdout.
class ConsoleObserver : public ExperimentObserver {
public:
    explicit ConsoleObserver(const ExperimentConfig& config)
        : config_(config)
        // Every lane once per seed, for the progress and its ETA.
        , lanes_((config.mode == Mode::Lanes ? config.lanes.size() : 1) * size_t(std::max(1, config.repeats)))
        , live_(::isatty(STDERR_FILENO)) {}

    void run_started(const RunStarted& e) override {
        batches_per_round_ = e.batches_per_round;
        if (config_.repeats > 1) {
            // The engine runs every strategy of one seed before the next seed.
            const size_t per_seed = lanes_ / size_t(config_.repeats);
            std::cout << "\nseed " << config_.seed + started_++ / per_seed << (e.lane.empty() ? "\n" : "");
        }
        if (!e.lane.empty())
            std::cout << (config_.repeats > 1 ? ", " : "\nlane ") << e.lane << '\n';
        for (size_t k = 0; k < e.envs.size(); ++k) {
            std::string classes;
            for (int c : e.envs[k].classes)
                classes += (classes.empty() ? "" : ",") + std::to_string(c);
            logger()->info("environment {}: classes {}, {} training and {} validation images", k + 1, classes,
                           e.envs[k].train_size, e.envs[k].val_size);
        }
        header_printed_ = false;
    }

    void batch_progress(const BatchProgress& p) override {
        ++batches_done_;
        if (!live_)
            return;
        const auto now = Clock::now();
        if (now - last_draw_ < std::chrono::milliseconds(100) && p.batch != p.batches)
            return;
        last_draw_ = now;
        const double total = double(batches_per_round_) * config_.rounds * lanes_;
        const double fraction = total > 0 ? std::min(1.0, batches_done_ / total) : 0;
        const double elapsed = std::chrono::duration<double>(now - start_).count();
        const double eta = eta_seconds(elapsed, fraction);
        char bar[31];
        const int filled = static_cast<int>(fraction * 30);
        for (int i = 0; i < 30; ++i)
            bar[i] = i < filled ? '#' : '.';
        bar[30] = 0;
        const std::string who = p.env < 0 ? "baseline" : "env " + std::to_string(p.env + 1);
        std::fprintf(stderr,
                     "\r\033[Kround %d/%d  %s  epoch %d  batch %lld/%lld  loss %.3f  [%s] %3.0f%%  %5.0f "
                     "img/s  ETA %s",
                     p.round, config_.rounds, who.c_str(), p.epoch, static_cast<long long>(p.batch),
                     static_cast<long long>(p.batches), p.loss, bar, 100 * fraction, p.images_per_second,
                     clock_text(eta).c_str());
        std::fflush(stderr);
    }

    void round_finished(const std::string& lane, const RoundResult& r) override {
        ++rounds_done_;
        if (live_)
            std::fprintf(stderr, "\r\033[K");
        const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
        const double total_rounds = double(config_.rounds) * lanes_;
        const double eta = elapsed / rounds_done_ * (total_rounds - rounds_done_);
        std::fprintf(stderr, "%sround %d/%d done in %.1f s, elapsed %s, ETA %s (at most)\n",
                     lane.empty() ? "" : ("lane " + lane + ": ").c_str(), r.round, config_.rounds, r.seconds,
                     clock_text(elapsed).c_str(), clock_text(eta).c_str());
        RunResult view;
        view.envs.resize(r.envs.size());
        std::cout << format_round_row(view, r, !header_printed_) << std::flush;
        header_printed_ = true;
    }

    void run_finished(const RunResult& run) override {
        if (live_)
            std::fprintf(stderr, "\r\033[K");
        std::fprintf(stderr, "%sstopped: %s (%s)\n",
                     run.lane.empty() ? "" : ("lane " + run.lane + ": ").c_str(), name_of(run.stopped),
                     printable(run.message).c_str());
    }

private:
    using Clock = std::chrono::steady_clock;
    const ExperimentConfig& config_;
    size_t lanes_;
    bool live_;
    int64_t batches_per_round_ = 0;
    int64_t batches_done_ = 0;
    int rounds_done_ = 0;
    size_t started_ = 0; // runs started, every lane of every seed
    bool header_printed_ = false;
    Clock::time_point start_ = Clock::now();
    Clock::time_point last_draw_{};
};

int execute(ExperimentConfig config, const std::vector<ResumePoint>* resume = nullptr) {
    validate(config);
    if (!config.out_dir.empty() && !resume)
        check_run_folder(config.out_dir, config.replace_out);
    const FashionMnist data =
        load_data(config.data_dir, DataPart::Both, config.test_fraction, colour_for_model(config.model));
    logger()->info("loaded Fashion-MNIST from {}: {} training, {} test images", data.directory,
                   data.train.size(), data.test.size());
    RunControl control;
    StopSignals signals(control);
    ConsoleObserver observer(config);
    const auto results = run_experiment(config, data, &observer, &control, resume);
    for (const auto& r : results)
        if (r.stopped == StopReason::Failed)
            throw Error(r.message);
    if (config.repeats > 1)
        std::cout << '\n' << format_repeats_table(summarize_repeats(results));
    if (!config.out_dir.empty())
        logger()->info("run saved in {}", config.out_dir);
    for (const auto& r : results)
        if (r.stopped == StopReason::Diverged)
            return kExitFailure;
    return StopSignals::received() ? 128 + StopSignals::received() : kExitOk;
}

std::string choices_help(const SettingDescriptor& d) {
    // Registry entries explain themselves in --help.
    std::vector<const RegistryEntry*> entries;
    if (d.key == "split")
        for (const auto& k : split_kinds())
            entries.push_back(&k);
    if (d.key == "model")
        for (const auto& a : architectures())
            entries.push_back(&a);
    if (d.key == "method" || d.key == "compare" || d.key == "lanes")
        for (const auto& m : merge_methods())
            entries.push_back(&m);
    if (d.key == "rule")
        for (const auto& r : local_rules())
            entries.push_back(&r);
    std::string text;
    for (const auto* e : entries)
        text += "\n  " + e->name + ": " + e->description;
    return text;
}

std::string option_help(const SettingDescriptor& d) {
    const std::string range = describe_range(d);
    return d.help + (range.empty() || d.type == SettingType::List ? "" : " (" + range + ")");
}

const char* type_name(const SettingDescriptor& d) {
    switch (d.type) {
    case SettingType::Integer:
        return "INT";
    case SettingType::Real:
        return "NUMBER";
    case SettingType::Choice:
        return "NAME";
    case SettingType::List:
        return "NAME,...";
    case SettingType::ClassGroups:
        return "GROUPS";
    case SettingType::Text:
        return "PATH";
    case SettingType::Flag:
        return "";
    }
    return "";
}

} // namespace

ResumePlan resume_plan(CLI::App* cmd, RunOptions& o) {
    for (const auto& d : settings())
        if (!d.flag.empty() && cmd->count(d.flag) > 0 && d.key != "rounds" && d.key != "threads" &&
            d.key != "data")
            throw UsageError(d.flag +
                             " cannot be given with --resume: a continued run keeps its saved settings "
                             "(only --rounds, --threads and --data may change)");
    if (cmd->count("--out") > 0 || cmd->count("--force") > 0)
        throw UsageError("--resume continues in the run's own folder; --out and --force do not apply");
    int rounds = 0;
    if (cmd->count("--rounds") > 0)
        rounds = int(std::get<int64_t>(parse_setting(setting("rounds"), o.given["rounds"])));
    ResumePlan plan = load_resume_plan(o.resume, rounds);
    for (const char* key : {"threads", "data"})
        if (cmd->count(setting(key).flag) > 0)
            set_setting_text(plan.config, setting(key), o.given[key]);
    if (plan.finished_rounds >= plan.config.rounds)
        throw setting_error("rounds", "is needed: the run in " + o.resume + " has finished all " +
                                          std::to_string(plan.config.rounds) +
                                          " of its rounds; give a larger limit");
    logger()->info("continuing {} after round {} of {}", o.resume, plan.finished_rounds, plan.config.rounds);
    return plan;
}

void add_experiment_options(CLI::App* cmd, RunOptions& o) {
    const ExperimentConfig defaults;
    for (const auto& d : settings()) {
        if (d.flag.empty())
            continue;
        if (d.type == SettingType::Flag) {
            cmd->add_flag(d.flag, o.flags[d.key], d.help);
            continue;
        }
        const std::string shown = format_setting(d, d.get(defaults));
        cmd->add_option(d.flag, o.given[d.key],
                        option_help(d) + (shown.empty() ? "" : " [default: " + shown + "]") + choices_help(d))
            ->type_name(type_name(d));
    }
    cmd->add_option(
        "--out", o.config.out_dir,
        "write run.json, metrics.csv and models/ here: a new or empty folder, or one holding a previous "
        "run with --force");
    cmd->add_flag("--force", o.config.replace_out,
                  "--out may hold a previous MergeLab run: it is removed first");
    cmd->add_flag("--dry-run", o.dry_run, "check the settings, print them as run.json's \"config\" and exit");
}

void finish_options(CLI::App* cmd, RunOptions& o) {
    ExperimentConfig& c = o.config;
    for (const auto& d : settings()) {
        if (d.flag.empty())
            continue;
        if (d.type == SettingType::Flag) {
            if (o.flags[d.key])
                d.set(c, SettingValue(true));
        } else if (cmd->count(d.flag) > 0) {
            set_setting_text(c, d, o.given[d.key]);
        }
    }
    if (cmd->count("--classes") > 0 && c.split.kind != "H")
        throw setting_error("classes", "applies to --split H only");
    if (cmd->count("--lanes") > 0)
        c.mode = Mode::Lanes;
    if (cmd->count("--out") > 0 && c.out_dir.empty())
        throw UsageError("--out must name a folder, got an empty path");
}

std::unique_ptr<ExperimentObserver> make_console_observer(const ExperimentConfig& config) {
    return std::make_unique<ConsoleObserver>(config);
}

void add_run_command(CLI::App& app) {
    auto o = std::make_shared<RunOptions>();
    auto* cmd = app.add_subcommand("run", "Run an experiment: train in every environment, merge, repeat");
    add_experiment_options(cmd, *o);
    cmd->add_option("--resume", o->resume,
                    "continue the run in this folder after its last finished round, with its saved settings "
                    "(give --rounds to raise the limit)");
    cmd->callback([o, cmd] {
        if (!o->resume.empty()) {
            const ResumePlan plan = resume_plan(cmd, *o);
            const int code = execute(plan.config, &plan.points);
            if (code != kExitOk)
                throw ExitRequest{code};
            return;
        }
        finish_options(cmd, *o);
        if (o->dry_run) {
            validate(o->config);
            std::cout << config_to_json(o->config) << '\n';
            return;
        }
        const int code = execute(o->config);
        if (code != kExitOk)
            throw ExitRequest{code};
    });
}

void add_paper_command(CLI::App& app) {
    auto o = std::make_shared<RunOptions>();
    auto* cmd = app.add_subcommand(
        "paper", "Repeat one of the paper's two experiments (the presets V and H; `methods` lists them)");
    auto which_split = std::make_shared<std::string>();
    cmd->add_option("split", *which_split, "V or H")
        ->required()
        ->transform(CLI::IsMember({"V", "H"}, CLI::ignore_case));
    cmd->add_option("--out", o->config.out_dir,
                    "write run.json, metrics.csv and models/ here (a new or empty folder)");
    cmd->add_flag("--force", o->config.replace_out,
                  "--out may hold a previous MergeLab run: it is removed first");
    for (const char* key : {"data", "threads"})
        cmd->add_option(setting(key).flag, o->given[key], option_help(setting(key)))
            ->type_name(type_name(setting(key)));
    cmd->callback([o, which_split] {
        ExperimentConfig c = preset(*which_split == "h" || *which_split == "H" ? "H" : "V");
        c.out_dir = o->config.out_dir;
        c.replace_out = o->config.replace_out;
        for (const auto& [key, text] : o->given)
            if (!text.empty())
                set_setting_text(c, setting(key), text);
        const int code = execute(c);
        if (code != kExitOk)
            throw ExitRequest{code};
    });
}

void add_show_command(CLI::App& app) {
    auto dir = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("show", "Print a saved run as the paper's table");
    cmd->add_option("dir", *dir, "run directory (or its run.json)")->required();
    cmd->callback([dir] {
        const auto runs = load_runs(*dir);
        for (const auto& run : runs) {
            if (run.config.repeats > 1)
                std::cout << "seed " << run.config.seed << (run.lane.empty() ? "\n" : ", ");
            if (!run.lane.empty())
                std::cout << "lane " << run.lane << '\n';
            std::cout << format_round_table(run);
            std::cout << "stopped: " << name_of(run.stopped)
                      << (run.message.empty() ? "" : " (" + printable(run.message) + ")") << "\n";
            if (runs.size() > 1)
                std::cout << '\n';
        }
        if (!runs.empty() && runs.front().config.repeats > 1)
            std::cout << format_repeats_table(summarize_repeats(runs));
    });
}

} // namespace mergelab::cli

namespace mergelab::cli {

void add_methods_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("methods", "List every merge method, local rule, step after the merge, "
                                              "split, preset and model with its description "
                                              "and parameters");
    cmd->callback([] {
        std::vector<const RegistryEntry*> methods, rules, steps, splits, presets_list, models;
        for (const auto& m : merge_methods())
            methods.push_back(&m);
        for (const auto& r : local_rules())
            rules.push_back(&r);
        for (const auto& c : calibration_steps())
            steps.push_back(&c);
        for (const auto& k : split_kinds())
            splits.push_back(&k);
        for (const auto& p : presets())
            presets_list.push_back(&p);
        for (const auto& a : architectures())
            models.push_back(&a);
        std::cout
            << describe_entries("Merge methods (--method, --compare, --lanes; METHOD:key=value,...)", methods)
            << '\n'
            << describe_entries("Local rules (--rule, or METHOD+RULE in --method and --lanes)", rules) << '\n'
            << describe_entries("Steps after the merge (METHOD[+RULE][:key=value,...]@STEP[:key=value,...] "
                                "in --method, --compare and --lanes)",
                                steps)
            << '\n'
            << describe_entries("Splits (--split)", splits) << '\n'
            << describe_entries("Presets (mergelab --preset; V and H: mergelab-cli paper)", presets_list)
            << '\n'
            << describe_entries("Models (--model)", models);
    });
}

} // namespace mergelab::cli
