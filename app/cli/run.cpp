// The experiment subcommands: run, paper (presets), show.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "cli/cli.h"
#include "mergelab/error.h"
#include "mergelab/experiment.h"
#include "mergelab/log.h"
#include "mergelab/merge.h"
#include "mergelab/run_files.h"

namespace mergelab::cli {
namespace {

// Ctrl-C cancels between batches; a second Ctrl-C exits at once.
RunControl* g_control = nullptr;
std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) {
    if (g_interrupted.exchange(true)) _exit(130);
    if (g_control) g_control->request_cancel_from_signal();
}

std::string clock_text(double seconds) {
    if (!(seconds >= 0) || seconds > 1e7) return "--:--";
    const long s = static_cast<long>(seconds + 0.5);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
    return buf;
}

// Progress on stderr (a live bar on a terminal, a line per round otherwise),
// the paper's round table on stdout.
class ConsoleObserver : public ExperimentObserver {
public:
    explicit ConsoleObserver(const ExperimentConfig& config)
        : config_(config), lanes_(config.mode == "lanes" ? config.lanes.size() : 1),
          live_(::isatty(STDERR_FILENO)) {}

    void run_started(const RunStarted& e) override {
        batches_per_round_ = e.batches_per_round;
        if (!e.lane.empty()) std::cout << "\nlane " << e.lane << '\n';
        for (size_t k = 0; k < e.envs.size(); ++k) {
            std::string classes;
            for (int c : e.envs[k].classes) classes += (classes.empty() ? "" : ",") + std::to_string(c);
            logger()->info("environment {}: classes {}, {} training and {} validation images", k + 1, classes,
                           e.envs[k].train_size, e.envs[k].val_size);
        }
        header_printed_ = false;
    }

    void batch_progress(const BatchProgress& p) override {
        ++batches_done_;
        if (!live_) return;
        const auto now = Clock::now();
        if (now - last_draw_ < std::chrono::milliseconds(100) && p.batch != p.batches) return;
        last_draw_ = now;
        const double total = double(batches_per_round_) * config_.rounds * lanes_;
        const double fraction = total > 0 ? std::min(1.0, batches_done_ / total) : 0;
        const double elapsed = std::chrono::duration<double>(now - start_).count();
        const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : -1;
        char bar[31];
        const int filled = static_cast<int>(fraction * 30);
        for (int i = 0; i < 30; ++i) bar[i] = i < filled ? '#' : '.';
        bar[30] = 0;
        const std::string who = p.env < 0 ? "baseline" : "env " + std::to_string(p.env + 1);
        std::fprintf(stderr, "\r\033[Kround %d/%d  %s  epoch %d  batch %lld/%lld  loss %.3f  [%s] %3.0f%%  %5.0f img/s  ETA %s",
                     p.round, config_.rounds, who.c_str(), p.epoch, static_cast<long long>(p.batch),
                     static_cast<long long>(p.batches), p.loss, bar, 100 * fraction, p.images_per_second,
                     clock_text(eta).c_str());
        std::fflush(stderr);
    }

    void round_finished(const std::string& lane, const RoundResult& r) override {
        ++rounds_done_;
        if (live_) std::fprintf(stderr, "\r\033[K");
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
        if (live_) std::fprintf(stderr, "\r\033[K");
        std::fprintf(stderr, "%sstopped: %s (%s)\n", run.lane.empty() ? "" : ("lane " + run.lane + ": ").c_str(),
                     run.stopped.c_str(), run.message.c_str());
    }

private:
    using Clock = std::chrono::steady_clock;
    const ExperimentConfig& config_;
    size_t lanes_;
    bool live_;
    int64_t batches_per_round_ = 0;
    int64_t batches_done_ = 0;
    int rounds_done_ = 0;
    bool header_printed_ = false;
    Clock::time_point start_ = Clock::now();
    Clock::time_point last_draw_{};
};

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::string item;
    for (char ch : text + ",") {
        if (ch == ',') {
            if (!item.empty()) out.push_back(item);
            item.clear();
        } else if (!std::isspace(static_cast<unsigned char>(ch))) {
            item += ch;
        }
    }
    return out;
}

int execute(ExperimentConfig config) {
    validate(config);
    const FashionMnist data = load_fashion_mnist(resolve_data_dir(config.data_dir));
    logger()->info("loaded Fashion-MNIST from {}: {} training, {} test images", data.directory, data.train.size(),
                   data.test.size());
    RunControl control;
    g_control = &control;
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    ConsoleObserver observer(config);
    const auto results = run_experiment(config, data, &observer, &control);
    g_control = nullptr;
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (!config.out_dir.empty()) logger()->info("run saved in {}", config.out_dir);
    for (const auto& r : results)
        if (r.stopped == "failed") throw Error(r.message);
    for (const auto& r : results)
        if (r.stopped == "diverged") return kExitFailure;
    return g_interrupted ? 130 : kExitOk;
}

struct RunOptions {
    ExperimentConfig config;
    std::string split = "V";
    std::string classes;
    std::string compare = "avg,max,absmax";
    std::string lanes;
    int exit_code = 0;
};

void add_experiment_options(CLI::App* cmd, RunOptions& o) {
    ExperimentConfig& c = o.config;
    cmd->add_option("--split", o.split, "V (all classes everywhere), H (class-disjoint) or dirichlet")
        ->capture_default_str()
        ->transform(CLI::IsMember({"V", "H", "dirichlet"}, CLI::ignore_case));
    cmd->add_option("--envs", c.split.envs, "number of environments")->capture_default_str()->check(CLI::Range(2, 10));
    cmd->add_option("--classes", o.classes, "H: classes per environment, e.g. 0-4;5-9 (default: even groups)");
    cmd->add_option("--alpha", c.split.alpha, "dirichlet concentration (> 0; small = skewed)")->capture_default_str();
    cmd->add_option("--val-fraction", c.split.val_fraction, "share of each environment held out for validation")
        ->capture_default_str();
    cmd->add_option("--train-limit", c.split.train_limit, "training images per environment (0: all)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--train-fraction", c.split.train_fraction, "share of each environment's training images used (0..1]")
        ->capture_default_str();
    cmd->add_option("--model", c.model, "cnn or mlp")->capture_default_str()->check(CLI::IsMember({"cnn", "mlp"}));
    cmd->add_option("--method", c.method, "primary merge method: the one copied back")
        ->capture_default_str()
        ->check(CLI::IsMember(merge_method_names()));
    cmd->add_option("--compare", o.compare, "merge methods evaluated side by side each round")->capture_default_str();
    cmd->add_option("--lanes", o.lanes, "lanes mode: one full experiment per listed method, e.g. avg,absmax");
    cmd->add_flag("--baseline", c.baseline, "also train one model on all environments' data (central)");
    cmd->add_option("--rounds", c.rounds, "round limit")->capture_default_str()->check(CLI::Range(1, 10000));
    cmd->add_option("--local-epochs", c.local_epochs, "local epochs per round (the maximum with --local-target)")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    cmd->add_option("--local-target", c.local_target, "train locally until validation accuracy >= this (0..1, 0: off)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--target", c.target, "stop when every environment's copied-back accuracy >= this (0..1, 0: off)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--optimizer", c.optimizer, "adam or sgd (with momentum)")
        ->capture_default_str()
        ->check(CLI::IsMember({"adam", "sgd"}));
    cmd->add_option("--lr", c.lr, "learning rate")->capture_default_str();
    cmd->add_option("--momentum", c.momentum, "sgd momentum")->capture_default_str();
    cmd->add_option("--batch", c.batch_size, "batch size")->capture_default_str()->check(CLI::Range(1, 65536));
    cmd->add_option("--seed", c.seed, "seed of splits, initial weights and data order")->capture_default_str();
    cmd->add_option("--init", c.init, "shared (same initial weights everywhere) or independent")
        ->capture_default_str()
        ->check(CLI::IsMember({"shared", "independent"}));
    cmd->add_option("--init-from", c.init_from, "start every environment from this saved model (.pt)");
    cmd->add_option("--threads", c.threads, "threads (0: every core)")
        ->capture_default_str()
        ->check(CLI::Range(0, 256));
    cmd->add_option("--bins", c.histogram_bins, "histogram bins per layer")->capture_default_str()->check(CLI::Range(2, 4096));
    cmd->add_option("--data", c.data_dir, "Fashion-MNIST directory (default: $MERGELAB_DATA or the Debian package)");
    cmd->add_option("--out", c.out_dir, "write run.json, metrics.csv and models/ here");
    cmd->add_flag("--save-all", c.save_all, "keep the models of every round, not only the last");
}

void finish_options(RunOptions& o) {
    ExperimentConfig& c = o.config;
    c.split.kind = o.split == "v" ? "V" : o.split == "h" ? "H" : o.split;
    c.split.seed = c.seed;
    if (!o.classes.empty()) {
        if (c.split.kind != "H") throw UsageError("--classes applies to --split H only");
        c.split.classes = parse_class_assignment(o.classes);
    }
    c.compare = split_list(o.compare);
    if (c.compare.empty()) throw UsageError("--compare: name at least one merge method");
    if (!o.lanes.empty()) {
        c.mode = "lanes";
        c.lanes = split_list(o.lanes);
    }
}

} // namespace

void add_run_command(CLI::App& app) {
    auto o = std::make_shared<RunOptions>();
    auto* cmd = app.add_subcommand("run", "Run an experiment: train in every environment, merge, repeat");
    add_experiment_options(cmd, *o);
    cmd->callback([o] {
        finish_options(*o);
        const int code = execute(o->config);
        if (code != kExitOk) throw ExitRequest{code};
    });
}

void add_paper_command(CLI::App& app) {
    auto o = std::make_shared<RunOptions>();
    std::string which;
    auto* cmd = app.add_subcommand("paper", "Repeat one of the paper's two experiments (presets; see README)");
    cmd->add_option("split", o->split, "V or H")->required()->transform(CLI::IsMember({"V", "H"}, CLI::ignore_case));
    cmd->add_option("--out", o->config.out_dir, "write run.json, metrics.csv and models/ here");
    cmd->add_option("--data", o->config.data_dir, "Fashion-MNIST directory");
    cmd->add_option("--threads", o->config.threads, "threads (0: every core)")->check(CLI::Range(0, 256));
    cmd->callback([o] {
        ExperimentConfig c = preset(o->split == "h" || o->split == "H" ? "H" : "V");
        c.out_dir = o->config.out_dir;
        c.data_dir = o->config.data_dir;
        c.threads = o->config.threads;
        const int code = execute(c);
        if (code != kExitOk) throw ExitRequest{code};
    });
}

void add_show_command(CLI::App& app) {
    auto dir = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("show", "Print a saved run as the paper's table");
    cmd->add_option("dir", *dir, "run directory (or its run.json)")->required();
    cmd->callback([dir] {
        const auto runs = load_runs(*dir);
        for (const auto& run : runs) {
            if (!run.lane.empty()) std::cout << "lane " << run.lane << '\n';
            std::cout << format_round_table(run);
            std::cout << "stopped: " << run.stopped << (run.message.empty() ? "" : " (" + run.message + ")") << "\n";
            if (runs.size() > 1) std::cout << '\n';
        }
    });
}

} // namespace mergelab::cli
