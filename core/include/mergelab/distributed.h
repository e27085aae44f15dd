#pragma once
// Environments as separate processes, on this computer or on others. The
// coordinator runs the same round pipeline as an in-process run and holds
// only the test set; each environment holds only the training set, trains
// on its own part of it and sends weights and metrics, never data. They talk
// gRPC: one bidirectional stream per environment, typed protobuf messages
// (core/proto/mergelab.proto) checked on arrival against the run's model
// and settings, the join token in the call's metadata, TLS with a pinned
// certificate fingerprint off the loopback address.
//
// Plain types only, so front ends need no torch headers.
#include <string>

#include "mergelab/experiment.h"

namespace mergelab {

// Raised whenever what the processes say to each other changes meaning.
constexpr int kProtocolVersion = 7;
// Of the FeatureStatistics message, raised when its fields change meaning.
constexpr int kStatisticsVersion = 1;
constexpr int kDefaultPort = 29517;

struct Endpoint {
    std::string host = "127.0.0.1";
    int port = kDefaultPort;
    std::string text() const; // "host:port", IPv6 in brackets
};
// "ADDR:PORT" or "[IPv6]:PORT". Throws UsageError naming `flag`.
Endpoint parse_endpoint(const std::string& text, const std::string& flag);

// 128 random bits as 32 hex characters, from the system's random source.
std::string make_join_token();

// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's pick).
int free_local_port();
// The address other machines most likely reach this one at: the source
// address of the default route, else 127.0.0.1. Sends nothing.
std::string lan_address();
// Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost).
bool is_loopback(const std::string& host);

// Where each environment is, for people (the flow view, the console).
enum class EnvState { Waiting, Joined, Refused, Training, Sending, Validating, Idle, Finished, Left, Failed };
const char* name_of(EnvState state);

struct EnvironmentStatus {
    int env = 0; // 0-based, as in the engine's events
    EnvState state = EnvState::Waiting;
    std::string detail; // the host it joins from, why it was refused or failed
};

class CoordinatorObserver {
public:
    virtual ~CoordinatorObserver() = default;
    // Once listening: what environments connect to, the token they give and
    // the certificate's SHA-256 fingerprint they pin (empty without TLS).
    virtual void listening(const std::string& /*address*/, const std::string& /*token*/,
                           const std::string& /*fingerprint*/) {}
    virtual void environment_status(const EnvironmentStatus&) {}
};

struct CoordinatorOptions {
    Endpoint listen;             // 127.0.0.1 unless said otherwise
    std::string token;           // empty: make_join_token()
    double timeout_seconds = 60; // an environment silent this long has failed
    // TLS: on by default off the loopback address; `tls` asks for it there
    // too. Without cert_pem/key_pem a certificate is made for the run.
    bool tls = false;
    bool insecure = false; // plain text off the loopback address (warned about)
    std::string cert_pem, key_pem;
};

// Throws UsageError for what a distributed run cannot do.
void validate_distributed(const ExperimentConfig& config);

// Waits for config.split.envs environments (and, with a baseline, the
// baseline participant: `env --central`), then runs the same round pipeline
// as run_experiment and writes the same run folder. Uses only data.test.
// Never throws for run-time faults: an environment that dies, stalls or
// sends what fails a check ends the run as failed, naming it, unless
// config.min_envs lets the round go on without it; Ctrl-C (control) ends it
// as cancelled and tells every environment to stop. Throws UsageError for
// bad settings and Error when it cannot listen or claim the folder.
std::vector<RunResult> coordinate_experiment(const ExperimentConfig& config,
                                             const CoordinatorOptions& options, const FashionMnist& data,
                                             ExperimentObserver* observer,
                                             CoordinatorObserver* coordinator_observer, RunControl* control,
                                             const std::vector<ResumePoint>* resume = nullptr);

struct EnvironmentOptions {
    Endpoint coordinator;
    int rank = 1;         // 1..N, as people number environments
    bool central = false; // the baseline participant instead (holds every environment's data)
    std::string token;
    std::string fingerprint; // TLS with the coordinator's certificate pinned; empty: plain (loopback only)
    bool insecure = false;   // plain text to a coordinator off the loopback address
    std::string data_dir;    // empty: resolve_data_dir(); only the training files are read
    int threads = 0;         // 0: every core of this machine
    double timeout_seconds = 60; // for connecting and for a silent coordinator
};

// How an environment process ended.
struct EnvironmentOutcome {
    bool completed = false; // the coordinator ended the run (any way but losing it)
    StopReason stopped = StopReason::Running;
    std::string message;
};

// Joins the coordinator and trains every round it asks for. Throws Error
// when there is no coordinator, when it is refused (wrong token, protocol
// version or a rank already taken) or loses the coordinator. `control`
// (Ctrl-C) leaves the run, telling the coordinator.
EnvironmentOutcome run_environment(const EnvironmentOptions& options, ExperimentObserver* observer,
                                   RunControl* control);

} // namespace mergelab
