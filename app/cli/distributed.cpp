// The distributed subcommands: coordinate (runs the rounds, holds the test
// set) and env (one environment, holds the training set).
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/cli.h"
#include "cli/run_options.h"
#include "cli/stop_signals.h"
#include "mergelab/distributed.h"
#include "mergelab/error.h"
#include "mergelab/files.h"
#include "mergelab/log.h"
#include "mergelab/run_files.h"
#include "mergelab/run_folder.h"
#include "mergelab/settings.h"
#include "mergelab/text.h"

namespace mergelab::cli {
namespace {

struct NetworkOptions {
    std::string address;
    std::string token;
    double timeout = 60;
    bool tls = false, insecure = false;
    std::string cert, key, fingerprint;
};

void add_timeout_option(CLI::App* cmd, NetworkOptions& n, const char* what) {
    cmd->add_option("--timeout", n.timeout, what)->check(CLI::Range(1.0, 86400.0))->type_name("SECONDS");
}

// What environments need to join, and each one's comings and goings. The
// join line is the only place the token is printed.
class JoinPrinter : public CoordinatorObserver {
public:
    explicit JoinPrinter(bool baseline)
        : baseline_(baseline) {}
    void listening(const std::string& address, const std::string& token,
                   const std::string& fingerprint) override {
        const std::string pin = fingerprint.empty() ? "" : " --fingerprint " + fingerprint;
        std::fprintf(stderr,
                     "coordinator listening on %s%s\n"
                     "start each environment K (1..N) with:\n"
                     "  mergelab-cli env --connect %s --rank K --token %s%s\n",
                     address.c_str(), fingerprint.empty() ? "" : " (TLS)", address.c_str(), token.c_str(),
                     pin.c_str());
        if (baseline_)
            std::fprintf(stderr,
                         "and the baseline participant (it holds every environment's training data) with:\n"
                         "  mergelab-cli env --connect %s --central --token %s%s\n",
                         address.c_str(), token.c_str(), pin.c_str());
    }
    void environment_status(const EnvironmentStatus& s) override {
        if (s.state == EnvState::Joined || s.state == EnvState::Failed || s.state == EnvState::Left)
            std::fprintf(stderr, "environment %d %s%s\n", s.env + 1, name_of(s.state),
                         s.detail.empty() ? "" : (": " + printable(s.detail)).c_str());
    }

private:
    bool baseline_;
};

std::string read_pem(const std::string& path, const char* flag) {
    if (path.empty())
        return {};
    const std::string text = read_file(path, 1 << 20);
    if (text.find("-----BEGIN ") == std::string::npos)
        throw UsageError(std::string(flag) + ": " + path + " is not a PEM file");
    return text;
}

int coordinate(CLI::App* cmd, RunOptions& o, const NetworkOptions& n) {
    ResumePlan plan;
    const bool resuming = !o.resume.empty();
    if (resuming) {
        plan = resume_plan(cmd, o);
    } else {
        finish_options(cmd, o);
        plan.config = o.config;
    }
    const ExperimentConfig& config = plan.config;
    validate_distributed(config);
    CoordinatorOptions options;
    if (!n.address.empty())
        options.listen = parse_endpoint(n.address, "--listen");
    options.token = n.token;
    options.timeout_seconds = n.timeout;
    options.tls = n.tls;
    options.insecure = n.insecure;
    options.cert_pem = read_pem(n.cert, "--tls-cert");
    options.key_pem = read_pem(n.key, "--tls-key");
    if (options.cert_pem.empty() != options.key_pem.empty())
        throw UsageError("--tls-cert and --tls-key go together");
    if (options.insecure && (options.tls || !options.cert_pem.empty()))
        throw UsageError("--insecure: TLS was asked for too");
    if (options.insecure && is_loopback(options.listen.host))
        throw UsageError("--insecure: " + options.listen.host + " is plain already (loopback)");
    if (!config.out_dir.empty() && !resuming)
        check_run_folder(config.out_dir, config.replace_out);
    // The coordinator evaluates on the test set and never sees training data.
    const FashionMnist data =
        load_data(config.data_dir, DataPart::Test, config.test_fraction, colour_for_model(config.model));
    logger()->info("loaded {} test images from {}", data.test.size(), data.directory);
    RunControl control;
    StopSignals signals(control);
    const auto console = make_console_observer(config);
    JoinPrinter printer(config.baseline);
    const auto results = coordinate_experiment(config, options, data, console.get(), &printer, &control,
                                               resuming ? &plan.points : nullptr);
    const RunResult& result = results.back();
    for (const auto& r : results)
        if (r.stopped == StopReason::Failed)
            throw Error(r.message);
    if (result.stopped == StopReason::Failed)
        throw Error(result.message);
    if (!config.out_dir.empty())
        logger()->info("run saved in {}", config.out_dir);
    if (result.stopped == StopReason::Diverged)
        return kExitFailure;
    return StopSignals::received() ? 128 + StopSignals::received() : kExitOk;
}

std::string who(const EnvironmentOptions& o) {
    return o.central ? "baseline participant" : "environment " + std::to_string(o.rank);
}

int environment(const EnvironmentOptions& options) {
    RunControl control;
    StopSignals signals(control);
    const EnvironmentOutcome out = run_environment(options, nullptr, &control);
    if (!out.completed) {
        std::fprintf(stderr, "%s: %s\n", who(options).c_str(), printable(out.message).c_str());
        return 128 + (StopSignals::received() ? StopSignals::received() : SIGINT);
    }
    std::fprintf(stderr, "%s: the run ended: %s (%s)\n", who(options).c_str(), name_of(out.stopped),
                 printable(out.message).c_str());
    return out.stopped == StopReason::Failed || out.stopped == StopReason::Diverged ? kExitFailure : kExitOk;
}

} // namespace

void add_coordinate_command(CLI::App& app) {
    auto o = std::make_shared<RunOptions>();
    auto n = std::make_shared<NetworkOptions>();
    auto* cmd = app.add_subcommand(
        "coordinate", "Run an experiment whose environments are separate processes (`env`), here or "
                      "on other computers; needs only the test files");
    add_experiment_options(cmd, *o);
    cmd->add_option(
           "--listen", n->address,
           "address and port to wait for environments on; only this address listens. Off the loopback "
           "address traffic is TLS [default: 127.0.0.1:" +
               std::to_string(kDefaultPort) + "]")
        ->type_name("ADDR:PORT");
    cmd->add_flag("--tls", n->tls, "TLS on the loopback address too (always on elsewhere unless --insecure)");
    cmd->add_option("--tls-cert", n->cert, "the certificate to serve (PEM) [default: one made for the run]")
        ->type_name("PATH");
    cmd->add_option("--tls-key", n->key, "the certificate's private key (PEM)")->type_name("PATH");
    cmd->add_flag(
        "--insecure", n->insecure,
        "plain text off the loopback address: weights and the join token cross the network unencrypted");
    cmd->add_option("--token", n->token, "the join token environments must give [default: a new random one]");
    add_timeout_option(cmd, *n, "an environment silent this long has failed [default: 60]");
    cmd->add_option("--resume", o->resume, "continue the run in this folder after its last finished round");
    cmd->callback([o, n, cmd] {
        if (o->dry_run) {
            finish_options(cmd, *o);
            validate_distributed(o->config);
            std::cout << config_to_json(o->config) << '\n';
            return;
        }
        const int code = coordinate(cmd, *o, *n);
        if (code != kExitOk)
            throw ExitRequest{code};
    });
}

void add_env_command(CLI::App& app) {
    auto o = std::make_shared<EnvironmentOptions>();
    auto n = std::make_shared<NetworkOptions>();
    auto* cmd =
        app.add_subcommand("env", "Be one environment of a `coordinate` run: train on this machine's own "
                                  "part of the data; needs only the training files");
    cmd->add_option("--connect", n->address, "the coordinator's ADDR:PORT")
        ->required()
        ->type_name("ADDR:PORT");
    auto* rank =
        cmd->add_option("--rank", o->rank, "which environment this is, 1..N")->check(CLI::Range(1, 10));
    auto* central = cmd->add_flag("--central", o->central,
                                  "be the centralised baseline of a --baseline run instead (reads every "
                                  "environment's training data)");
    rank->excludes(central);
    cmd->add_option("--token", o->token, "the join token the coordinator printed")->required();
    cmd->add_option("--fingerprint", n->fingerprint,
                    "the coordinator certificate's SHA-256 fingerprint, as its join line printed it (TLS)")
        ->type_name("HEX");
    cmd->add_flag("--insecure", n->insecure, "plain text to a coordinator off the loopback address");
    cmd->add_option("--data", o->data_dir, "Fashion-MNIST folder with the training files")->type_name("PATH");
    cmd->add_option("--threads", o->threads, "threads to train with (0: every core)")
        ->check(CLI::Range(0, 256));
    add_timeout_option(cmd, *n,
                       "give up when the coordinator cannot be reached or is silent this long [default: 60]");
    cmd->callback([o, n, rank] {
        if (!o->central && rank->count() == 0)
            throw UsageError("--rank is required (or --central for the baseline participant)");
        o->coordinator = parse_endpoint(n->address, "--connect");
        o->fingerprint = n->fingerprint;
        o->insecure = n->insecure;
        o->timeout_seconds = n->timeout;
        const int code = environment(*o);
        if (code != kExitOk)
            throw ExitRequest{code};
    });
}

} // namespace mergelab::cli
