#include "wire.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>

#include "listen_guard.h"
#include "mergelab/error.h"
#include "mergelab/model.h"
#include "nets.h"

namespace mergelab {

std::string Endpoint::text() const {
    return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Endpoint parse_endpoint(const std::string& text, const std::string& flag) {
    const auto bad = [&](const std::string& why) {
        return UsageError(flag, flag + " must be ADDR:PORT (" + why + "), got '" + text + "'", why);
    };
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0)
        throw bad("no port");
    Endpoint e;
    e.host = text.substr(0, colon);
    if (e.host.size() > 2 && e.host.front() == '[' && e.host.back() == ']')
        e.host = e.host.substr(1, e.host.size() - 2);
    const std::string port = text.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
        throw bad("the port must be a number");
    e.port = std::stoi(port);
    if (e.port < 1 || e.port > 65535)
        throw bad("the port must be 1..65535");
    if (e.host.empty())
        throw bad("no address");
    return e;
}

std::string make_join_token() {
    std::ifstream random("/dev/urandom", std::ios::binary);
    unsigned char bytes[16];
    if (!random.read(reinterpret_cast<char*>(bytes), sizeof bytes))
        throw Error("/dev/urandom: cannot read random bytes for the join token");
    std::string token;
    char hex[3];
    for (unsigned char b : bytes)
        std::snprintf(hex, sizeof hex, "%02x", b), token += hex;
    return token;
}

int free_local_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    const bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
    if (fd >= 0)
        ::close(fd);
    if (!ok)
        throw Error("cannot find a free port on 127.0.0.1");
    return ntohs(a.sin_port);
}

std::string lan_address() {
    try {
        // Any public address picks the default route; no packet leaves.
        return dist::local_address_towards("192.0.2.1");
    } catch (const Error&) {
        return "127.0.0.1";
    }
}

const char* name_of(EnvState s) {
    switch (s) {
    case EnvState::Waiting:
        return "waiting";
    case EnvState::Joined:
        return "joined";
    case EnvState::Refused:
        return "refused";
    case EnvState::Training:
        return "training";
    case EnvState::Sending:
        return "sending weights";
    case EnvState::Validating:
        return "validating";
    case EnvState::Idle:
        return "waiting for the merge";
    case EnvState::Finished:
        return "finished";
    case EnvState::Left:
        return "left";
    case EnvState::Failed:
        return "failed";
    }
    return "?";
}

} // namespace mergelab

namespace mergelab::dist {

std::chrono::milliseconds to_ms(double seconds) {
    return std::chrono::milliseconds(int64_t(seconds * 1000));
}

Store serve_store(const Endpoint& at, double timeout_seconds) {
    c10d::TCPStoreOptions o;
    o.port = uint16_t(at.port);
    o.isServer = true;
    o.waitWorkers = false;
    o.timeout = to_ms(timeout_seconds);
    const std::string host = numeric_address(at.host);
    try {
        ListenGuard guard(host);
        return c10::make_intrusive<c10d::TCPStore>(host, o);
    } catch (const std::exception& e) {
        throw Error("cannot listen on " + at.text() + ": " + e.what());
    }
}

Store connect_store(const Endpoint& to, double timeout_seconds) {
    c10d::TCPStoreOptions o;
    o.port = uint16_t(to.port);
    o.isServer = false;
    o.timeout = to_ms(timeout_seconds);
    try {
        return c10::make_intrusive<c10d::TCPStore>(to.host, o);
    } catch (const std::exception&) {
        throw Error("no coordinator answered at " + to.text() + " within " +
                    std::to_string(int(timeout_seconds)) +
                    " s (is `mergelab-cli coordinate` running there, and is the address right?)");
    }
}

void put(c10d::Store& store, const std::string& k, const std::string& value) {
    store.set(k, std::vector<uint8_t>(value.begin(), value.end()));
}

std::string get(c10d::Store& store, const std::string& k) {
    const auto bytes = store.get(k);
    return std::string(bytes.begin(), bytes.end());
}

bool has(c10d::Store& store, const std::string& k) {
    return store.check({k});
}

Group open_pair(const Store& store, int env, int rank, const std::string& local_host,
                double timeout_seconds) {
    auto options = c10d::ProcessGroupGloo::Options::create(to_ms(timeout_seconds));
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(local_host));
    // A pair moves one tensor at a time: one worker thread is enough.
    options->threads = 1;
    auto prefixed = c10::make_intrusive<c10d::PrefixStore>("pair/" + std::to_string(env), store);
    return c10::make_intrusive<c10d::ProcessGroupGloo>(prefixed, rank, 2, options);
}

void transfer(c10d::ProcessGroupGloo& group, torch::Tensor& flat, int root) {
    std::vector<torch::Tensor> tensors{flat};
    c10d::BroadcastOptions o;
    o.rootRank = root;
    group.broadcast(tensors, o)->wait();
}

int64_t parameter_count(const std::string& arch) {
    int64_t n = 0;
    for (const auto& spec : architecture_spec(arch)) {
        int64_t size = 1;
        for (auto d : spec.shape)
            size *= d;
        n += size;
    }
    return n;
}

torch::Tensor flatten(const WeightSet& weights) {
    int64_t n = 0;
    for (const auto& t : weights)
        n += int64_t(t.values.size());
    torch::Tensor flat = torch::empty({n}, torch::kFloat32);
    float* out = flat.data_ptr<float>();
    for (const auto& t : weights)
        out = std::copy(t.values.begin(), t.values.end(), out);
    return flat;
}

std::vector<WeightSet> unflatten(const torch::Tensor& flat, const std::string& arch, int count) {
    const auto specs = architecture_spec(arch);
    const int64_t per_model = parameter_count(arch);
    if (flat.numel() != per_model * count)
        throw Error("received " + std::to_string(flat.numel()) + " weights, expected " +
                    std::to_string(per_model * count) + " for " + std::to_string(count) + " " + arch +
                    " model(s)");
    const torch::Tensor contiguous = flat.contiguous();
    const float* in = contiguous.data_ptr<float>();
    std::vector<WeightSet> out(count);
    for (auto& set : out) {
        for (const auto& spec : specs) {
            NamedTensor t{spec.name, spec.shape, {}};
            t.values.assign(in, in + t.numel());
            in += t.numel();
            set.push_back(std::move(t));
        }
    }
    return out;
}

std::string numeric_address(const std::string& host) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || !found)
        throw Error(host + ": cannot resolve this address");
    std::string best;
    for (addrinfo* a = found; a; a = a->ai_next) {
        char text[INET6_ADDRSTRLEN] = {};
        const void* raw =
            a->ai_family == AF_INET
                ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
                : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
        if (!inet_ntop(a->ai_family, raw, text, sizeof text))
            continue;
        if (best.empty() || a->ai_family == AF_INET)
            best = text;
        if (a->ai_family == AF_INET)
            break;
    }
    freeaddrinfo(found);
    if (best.empty())
        throw Error(host + ": has no usable address");
    return best;
}

std::string local_address_towards(const std::string& peer) {
    const bool v6 = peer.find(':') != std::string::npos;
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw Error("cannot open a socket to find the local address");
    sockaddr_storage peer_addr{};
    socklen_t len = 0;
    if (v6) {
        auto* a = reinterpret_cast<sockaddr_in6*>(&peer_addr);
        a->sin6_family = AF_INET6, a->sin6_port = htons(9);
        inet_pton(AF_INET6, peer.c_str(), &a->sin6_addr);
        len = sizeof *a;
    } else {
        auto* a = reinterpret_cast<sockaddr_in*>(&peer_addr);
        a->sin_family = AF_INET, a->sin_port = htons(9);
        inet_pton(AF_INET, peer.c_str(), &a->sin_addr);
        len = sizeof *a;
    }
    // connect() on a datagram socket only picks the route and source address.
    sockaddr_storage local{};
    socklen_t local_len = sizeof local;
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&peer_addr), len) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) == 0;
    ::close(fd);
    if (!ok)
        throw Error("no route from this machine to " + peer);
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw = v6 ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(&local)->sin6_addr)
                         : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(&local)->sin_addr);
    inet_ntop(v6 ? AF_INET6 : AF_INET, raw, text, sizeof text);
    return text;
}

} // namespace mergelab::dist
