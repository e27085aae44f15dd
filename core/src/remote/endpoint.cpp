// Addresses, join tokens and the names of environment states: what both
// sides of a distributed run and the front ends share.
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "mergelab/distributed.h"
#include "mergelab/error.h"

namespace mergelab {

namespace {

// The numeric address this machine uses to reach `peer` (no packet is sent).
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

} // namespace

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
        return local_address_towards("192.0.2.1");
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

namespace mergelab {

bool is_loopback(const std::string& host) {
    if (host == "localhost" || host == "::1" || host == "[::1]")
        return true;
    in_addr v4{};
    return inet_pton(AF_INET, host.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

} // namespace mergelab
