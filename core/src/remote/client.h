#pragma once
// An environment's side of the wire: one bidirectional stream to the
// coordinator, its messages read on a thread of their own into a queue, so
// a Stop arrives while the environment trains.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "mergelab.pb.h"
#include "mergelab/distributed.h"

namespace mergelab::remote {

struct ClientOptions {
    Endpoint coordinator;
    std::string token;
    std::string fingerprint; // non-empty: TLS, the coordinator's certificate pinned to it
    double connect_seconds = 60;
    int64_t max_message_bytes = 64 << 20;
};

class Client {
public:
    // Connects and opens the stream; throws Error naming the address when
    // nothing answers in time or TLS fails.
    explicit Client(const ClientOptions& options);
    ~Client();

    bool send(const wire::EnvMessage& message);
    // The next message, waiting up to `wait`; nullopt on time-out. Throws
    // Error once the stream has ended (with the coordinator's reason).
    std::optional<wire::CoordinatorMessage> next(std::chrono::milliseconds wait);
    // Called from the reader thread when a Stop arrives (to cancel training).
    void on_stop(std::function<void()> callback);
    void close();

private:
    struct State;
    std::unique_ptr<State> s_;
};

} // namespace mergelab::remote
