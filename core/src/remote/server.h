#pragma once
// The coordinator's side of the wire: a gRPC server that admits
// environments (join token first, then a Hello naming a free rank) and turns
// their streams into one queue of events for the round pipeline's thread.
// Messages come out decoded but not yet checked against the run: that is
// checks.h's work, done by the one who knows what is expected now.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mergelab.pb.h"
#include "mergelab/distributed.h"

namespace mergelab::remote {

struct ServerOptions {
    Endpoint listen;
    std::string token;
    bool tls = false;
    std::string cert_pem, key_pem; // with tls
    int envs = 2;                  // ranks 1..envs
    bool central = false;          // admits one baseline participant too
    int64_t max_message_bytes = 4 << 20;
    double hello_seconds = 10; // a connection that names no rank in time is closed
    double write_seconds = 60; // a peer that takes no message for this long is closed
    // The coordinator's data set's class names (empty: the IDX files'). An
    // environment whose data names other classes is not admitted.
    std::vector<std::string> class_names;
};

// `slot` is the environment, 0-based, or kCentralSlot.
constexpr int kCentralSlot = -1;

struct ServerEvent {
    enum Kind { Joined, Message, Gone } kind = Message;
    int slot = 0;
    wire::EnvMessage message; // Joined: the Hello; Message: what arrived
    std::string detail;       // Joined: the peer's host; Gone: why
};

class Server {
public:
    // Listens at once, only on options.listen. Throws Error naming the
    // address when it cannot.
    explicit Server(const ServerOptions& options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // "host:port" as bound (the real port when 0 was asked).
    std::string address() const;
    // Waits up to `wait` for the next event; false when none came.
    bool next(ServerEvent& event, std::chrono::milliseconds wait);
    // False when the slot has no live stream (or it broke while writing).
    bool send(int slot, const wire::CoordinatorMessage& message);
    bool connected(int slot) const;
    // Ends the slot's stream (a bad message, a stall); it may join again.
    void drop(int slot, const std::string& why);
    // Refusals of connections that never got a slot, for the log.
    std::string take_refusals();

private:
    struct State;
    std::unique_ptr<State> s_;
};

} // namespace mergelab::remote
