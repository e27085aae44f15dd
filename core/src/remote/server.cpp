#include "server.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <grpcpp/resource_quota.h>
#include <openssl/crypto.h>

#include "mergelab.grpc.pb.h"
#include "mergelab/error.h"

namespace mergelab::remote {
namespace {

using Stream = grpc::ServerReaderWriter<wire::CoordinatorMessage, wire::EnvMessage>;
using Clock = std::chrono::steady_clock;

bool same_token(const std::string& given, const std::string& expected) {
    // Constant time in the token's content: a wrong guess learns nothing
    // from how long its refusal took.
    if (given.size() != expected.size())
        return false;
    return CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0;
}

} // namespace

struct Server::State final : public wire::Coordinator::Service {
    ServerOptions o;
    std::unique_ptr<grpc::Server> server;
    int port = 0;

    struct Slot {
        Stream* stream = nullptr;
        grpc::ServerContext* context = nullptr;
        uint64_t connection = 0;
        std::mutex write; // one Write at a time; taken before `mutex` when both are
        std::optional<Clock::time_point> writing_since; // under `mutex`
    };
    mutable std::mutex mutex; // slots, pending, events
    std::condition_variable wake;
    std::map<int, std::unique_ptr<Slot>> slots;
    std::deque<ServerEvent> events;
    std::string refusals;
    uint64_t next_connection = 1;
    std::map<grpc::ServerContext*, Clock::time_point> pending; // connected, no Hello yet
    bool stopping = false;
    std::thread reaper;

    explicit State(const ServerOptions& options)
        : o(options) {
        for (int k = 0; k < o.envs; ++k)
            slots[k] = std::make_unique<Slot>();
        if (o.central)
            slots[kCentralSlot] = std::make_unique<Slot>();
    }

    void push(ServerEvent e) {
        std::lock_guard<std::mutex> lock(mutex);
        events.push_back(std::move(e));
        wake.notify_all();
    }

    void refuse(const std::string& why) {
        std::lock_guard<std::mutex> lock(mutex);
        if (refusals.size() < 4096)
            refusals += why + "\n";
    }

    // Connections that stay silent after connecting are closed: each holds
    // one of the server's threads.
    void reap() {
        std::unique_lock<std::mutex> lock(mutex);
        while (!stopping) {
            wake.wait_for(lock, std::chrono::milliseconds(200));
            const auto now = Clock::now();
            for (auto& [context, since] : pending)
                if (now - since > std::chrono::duration<double>(o.hello_seconds))
                    context->TryCancel();
            // A peer that stops reading would hold a Write (and the round)
            // forever once its flow-control window is full.
            for (auto& [slot, state] : slots)
                if (state->writing_since && state->context &&
                    now - *state->writing_since > std::chrono::duration<double>(o.write_seconds))
                    state->context->TryCancel();
        }
    }

    grpc::Status Join(grpc::ServerContext* context, Stream* stream) override {
        const std::string peer = context->peer();
        const auto& metadata = context->client_metadata();
        const auto token = metadata.find("mergelab-token");
        if (token == metadata.end() ||
            !same_token(std::string(token->second.data(), token->second.size()), o.token)) {
            refuse("a connection from " + peer + " gave a wrong or no join token");
            return {grpc::StatusCode::UNAUTHENTICATED, "wrong or missing join token"};
        }
        wire::EnvMessage hello;
        {
            std::lock_guard<std::mutex> lock(mutex);
            pending[context] = Clock::now();
        }
        const bool read = stream->Read(&hello);
        {
            std::lock_guard<std::mutex> lock(mutex);
            pending.erase(context);
        }
        if (!read)
            return {grpc::StatusCode::CANCELLED, "no hello"};
        int slot = 0;
        if (const grpc::Status refused = admit(hello, peer, slot); !refused.ok()) {
            refuse("a connection from " + peer + " was refused: " + refused.error_message());
            return refused;
        }
        Slot& mine = *slots.at(slot);
        uint64_t connection = 0;
        bool taken = false;
        {
            std::lock_guard<std::mutex> lock(mutex);
            taken = mine.stream || stopping;
            if (!taken) {
                // Nobody writes to a slot without a stream, so this never waits.
                std::lock_guard<std::mutex> writing(mine.write);
                mine.stream = stream;
                mine.context = context;
                mine.connection = connection = next_connection++;
            }
        }
        if (taken) {
            const std::string who =
                slot == kCentralSlot ? "the baseline participant" : "environment " + std::to_string(slot + 1);
            refuse("a connection from " + peer + " was refused: " + who + " is already connected");
            return {grpc::StatusCode::ALREADY_EXISTS, who + " is already connected"};
        }
        push({ServerEvent::Joined, slot, hello, hello.hello().host() + " at " + peer});
        wire::EnvMessage message;
        while (stream->Read(&message))
            push({ServerEvent::Message, slot, message, {}});
        {
            std::lock_guard<std::mutex> writing(mine.write);
            std::lock_guard<std::mutex> lock(mutex);
            if (mine.connection == connection)
                mine.stream = nullptr, mine.context = nullptr;
        }
        push({ServerEvent::Gone,
              slot,
              {},
              context->IsCancelled() ? "its connection was closed"
                                     : "closed its stream (it ended, or sent a message over the " +
                                           std::to_string(o.max_message_bytes) + "-byte limit)"});
        return grpc::Status::OK;
    }

    // Labels are class indices: an environment whose folders name other
    // classes (or the same in another order) would train on wrong labels.
    std::string class_names_differ(const wire::Hello& hello) const {
        const std::string who =
            hello.central() ? "the baseline participant" : "environment " + std::to_string(hello.rank());
        // Bounded before anything is joined into a message: a peer's claim.
        constexpr int kMaxNames = 100, kMaxNameBytes = 255;
        if (hello.class_names_size() > kMaxNames)
            return who + " names " + std::to_string(hello.class_names_size()) + " classes, more than " +
                   std::to_string(kMaxNames);
        for (const std::string& name : hello.class_names())
            if (name.size() > kMaxNameBytes)
                return who + " names a class longer than " + std::to_string(kMaxNameBytes) + " bytes";
        const std::vector<std::string> theirs(hello.class_names().begin(), hello.class_names().end());
        if (theirs == o.class_names)
            return {};
        const auto list = [](const std::vector<std::string>& names) {
            if (names.empty())
                return std::string("the IDX files' ten classes");
            std::string text;
            for (const std::string& n : names)
                text += (text.empty() ? "" : ", ") + n;
            return "classes " + text;
        };
        return who + "'s data holds " + list(theirs) + ", but this run's test data holds " +
               list(o.class_names) + "; give every process a folder with the same class folders";
    }

    grpc::Status admit(const wire::EnvMessage& message, const std::string&, int& slot) const {
        if (!message.has_hello())
            return {grpc::StatusCode::INVALID_ARGUMENT, "the first message must be a hello"};
        const wire::Hello& hello = message.hello();
        if (hello.protocol() != uint32_t(kProtocolVersion))
            return {grpc::StatusCode::FAILED_PRECONDITION,
                    "protocol version " + std::to_string(hello.protocol()) + ", this coordinator speaks " +
                        std::to_string(kProtocolVersion)};
        if (const std::string differs = class_names_differ(hello); !differs.empty())
            return {grpc::StatusCode::FAILED_PRECONDITION, differs};
        if (hello.central()) {
            if (!o.central)
                return {grpc::StatusCode::FAILED_PRECONDITION, "this run has no centralised baseline"};
            slot = kCentralSlot;
            return grpc::Status::OK;
        }
        if (hello.rank() < 1 || hello.rank() > o.envs)
            return {grpc::StatusCode::OUT_OF_RANGE, "rank " + std::to_string(hello.rank()) +
                                                        " is out of range: this run has environments 1.." +
                                                        std::to_string(o.envs)};
        slot = hello.rank() - 1;
        return grpc::Status::OK;
    }
};

Server::Server(const ServerOptions& options)
    : s_(std::make_unique<State>(options)) {
    grpc::ServerBuilder builder;
    std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
    if (options.tls) {
        grpc::SslServerCredentialsOptions ssl;
        ssl.pem_key_cert_pairs.push_back({options.key_pem, options.cert_pem});
        credentials = grpc::SslServerCredentials(ssl);
    }
    builder.AddListeningPort(options.listen.text(), credentials, &s_->port);
    builder.RegisterService(s_.get());
    builder.SetMaxReceiveMessageSize(int(std::min<int64_t>(options.max_message_bytes, INT32_MAX)));
    builder.SetMaxSendMessageSize(-1);
    // A frozen peer is found by pings even when no message is due.
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 5000);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 5000);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 1000);
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
    // Each stream holds a thread: a flood of connections meets a ceiling.
    grpc::ResourceQuota quota("mergelab-coordinator");
    quota.SetMaxThreads(2 * (options.envs + 1) + 16);
    builder.SetResourceQuota(quota);
    s_->server = builder.BuildAndStart();
    if (!s_->server || s_->port == 0)
        throw Error("cannot listen on " + options.listen.text() +
                    ": the address is in use or not one of this computer's");
    s_->reaper = std::thread([this] { s_->reap(); });
}

Server::~Server() {
    {
        std::lock_guard<std::mutex> lock(s_->mutex);
        s_->stopping = true;
        for (auto& [slot, state] : s_->slots)
            if (state->context)
                state->context->TryCancel();
        for (auto& [context, since] : s_->pending)
            context->TryCancel();
        s_->wake.notify_all();
    }
    s_->reaper.join();
    s_->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    s_->server->Wait();
}

std::string Server::address() const {
    Endpoint e = s_->o.listen;
    e.port = s_->port;
    return e.text();
}

bool Server::next(ServerEvent& event, std::chrono::milliseconds wait) {
    std::unique_lock<std::mutex> lock(s_->mutex);
    if (!s_->wake.wait_for(lock, wait, [&] { return !s_->events.empty(); }))
        return false;
    event = std::move(s_->events.front());
    s_->events.pop_front();
    return true;
}

bool Server::send(int slot, const wire::CoordinatorMessage& message) {
    State::Slot* state = nullptr;
    {
        std::lock_guard<std::mutex> lock(s_->mutex);
        const auto it = s_->slots.find(slot);
        if (it == s_->slots.end())
            return false;
        state = it->second.get();
    }
    std::lock_guard<std::mutex> writing(state->write);
    if (!state->stream)
        return false;
    {
        std::lock_guard<std::mutex> lock(s_->mutex);
        state->writing_since = Clock::now();
    }
    const bool ok = state->stream->Write(message);
    std::lock_guard<std::mutex> lock(s_->mutex);
    state->writing_since.reset();
    return ok;
}

bool Server::connected(int slot) const {
    std::lock_guard<std::mutex> lock(s_->mutex);
    const auto it = s_->slots.find(slot);
    return it != s_->slots.end() && it->second->stream != nullptr;
}

void Server::drop(int slot, const std::string&) {
    std::lock_guard<std::mutex> lock(s_->mutex);
    const auto it = s_->slots.find(slot);
    if (it != s_->slots.end() && it->second->context)
        it->second->context->TryCancel();
}

std::string Server::take_refusals() {
    std::lock_guard<std::mutex> lock(s_->mutex);
    return std::exchange(s_->refusals, {});
}

} // namespace mergelab::remote
