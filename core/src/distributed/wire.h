#pragma once
// What the coordinator and the environments share: the store, the key
// names, weights as flat tensors and the process group of each pair.
// Internal to the core.
#include <chrono>
#include <string>
#include <vector>

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "mergelab/distributed.h"
#include "mergelab/weights.h"

namespace mergelab::dist {

using Store = c10::intrusive_ptr<c10d::TCPStore>;
using Group = c10::intrusive_ptr<c10d::ProcessGroupGloo>;

std::chrono::milliseconds to_ms(double seconds);

// The store's server, listening only on `at` (c10d itself would take every
// interface). Throws Error when the address is taken or not local.
Store serve_store(const Endpoint& at, double timeout_seconds);
// A client; throws Error naming the address when nothing answers in time.
Store connect_store(const Endpoint& to, double timeout_seconds);

// Text values. get() blocks up to the store's timeout; has() never blocks.
void put(c10d::Store& store, const std::string& key, const std::string& value);
std::string get(c10d::Store& store, const std::string& key);
bool has(c10d::Store& store, const std::string& key);

// Key names, one place. Environments are numbered from 1 here, as on the
// command line.
namespace key {
inline const std::string protocol = "mergelab/protocol";
inline const std::string config = "mergelab/config";
inline const std::string stop = "mergelab/stop";
inline std::string claims(int env) {
    return "claims/" + std::to_string(env);
}
inline std::string hello(int env, int64_t n) {
    return "hello/" + std::to_string(env) + "/" + std::to_string(n);
}
inline std::string verdict(int env, int64_t n) {
    return "verdict/" + std::to_string(env) + "/" + std::to_string(n);
}
inline std::string summary(int env) {
    return "summary/" + std::to_string(env);
}
inline std::string alive(int env) {
    return "alive/" + std::to_string(env);
}
inline std::string left(int env) {
    return "left/" + std::to_string(env);
}
inline std::string status(int env, int64_t n) {
    return "status/" + std::to_string(env) + "/" + std::to_string(n);
}
inline std::string go(int round) {
    return "go/" + std::to_string(round);
}
inline std::string done(int round, int env) {
    return "done/" + std::to_string(round) + "/" + std::to_string(env);
}
inline std::string collect(int round) {
    return "collect/" + std::to_string(round);
}
inline std::string merged(int round) {
    return "merged/" + std::to_string(round);
}
inline std::string val(int round, int env) {
    return "val/" + std::to_string(round) + "/" + std::to_string(env);
}
} // namespace key

// The process group of the coordinator (rank 0) and environment `env`
// (rank 1), its Gloo transport bound to `local_host`. Each pair has its own
// group, so environments never connect to each other and a fault names the
// environment whose pair broke.
Group open_pair(const Store& store, int env, int rank, const std::string& local_host, double timeout_seconds);

// Sends (root) or receives a flat float tensor over a pair; blocks.
void transfer(c10d::ProcessGroupGloo& group, torch::Tensor& flat, int root);

// Every tensor of `weights` one after another, in the architecture's order.
torch::Tensor flatten(const WeightSet& weights);
// `count` models of `arch` laid end to end in `flat`.
std::vector<WeightSet> unflatten(const torch::Tensor& flat, const std::string& arch, int count);
int64_t parameter_count(const std::string& arch);

// The numeric address this machine uses to reach `peer` (no packet is sent).
std::string local_address_towards(const std::string& peer_numeric);
// The first numeric address of `host` (IPv4 preferred). Throws Error.
std::string numeric_address(const std::string& host);

} // namespace mergelab::dist
