#include "client.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>

#include "mergelab.grpc.pb.h"
#include "mergelab/error.h"
#include "tls.h"

namespace mergelab::remote {
namespace {

// Accepts the coordinator's certificate only when its SHA-256 fingerprint is
// the one its join line printed: the run's certificate is self-signed, so
// no authority could vouch for it.
class PinnedCertificate : public grpc::experimental::ExternalCertificateVerifier {
public:
    explicit PinnedCertificate(std::string fingerprint)
        : expected_(normalised_fingerprint(fingerprint)) {}

    bool Verify(grpc::experimental::TlsCustomVerificationCheckRequest* request,
                std::function<void(grpc::Status)>, grpc::Status* status) override {
        const grpc::string_ref pem = request->peer_cert();
        std::string got;
        try {
            got = normalised_fingerprint(fingerprint_of(std::string(pem.data(), pem.size())));
        } catch (const std::exception&) {
        }
        *status = got == expected_ && !got.empty()
                      ? grpc::Status::OK
                      : grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                                     "the coordinator's certificate has another fingerprint");
        return true;
    }
    void Cancel(grpc::experimental::TlsCustomVerificationCheckRequest*) override {}

private:
    std::string expected_;
};

std::shared_ptr<grpc::ChannelCredentials> credentials(const ClientOptions& o) {
    if (o.fingerprint.empty())
        return grpc::InsecureChannelCredentials();
    grpc::experimental::TlsChannelCredentialsOptions tls;
    tls.set_verify_server_certs(false); // the pinned fingerprint does instead
    tls.set_check_call_host(false);
    tls.set_certificate_verifier(
        grpc::experimental::ExternalCertificateVerifier::Create<PinnedCertificate>(o.fingerprint));
    return grpc::experimental::TlsCredentials(tls);
}

} // namespace

struct Client::State {
    ClientOptions o;
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<wire::Coordinator::Stub> stub;
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReaderWriter<wire::EnvMessage, wire::CoordinatorMessage>> stream;
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<wire::CoordinatorMessage> inbox;
    bool ended = false;
    std::string why;
    std::function<void()> stopped;
    std::mutex write;
    std::thread reader;

    void read() {
        wire::CoordinatorMessage message;
        while (stream->Read(&message)) {
            std::function<void()> callback;
            {
                std::lock_guard<std::mutex> lock(mutex);
                if (message.has_stop())
                    callback = stopped;
                inbox.push_back(message);
                wake.notify_all();
            }
            if (callback)
                callback();
        }
        const grpc::Status status = stream->Finish();
        std::lock_guard<std::mutex> lock(mutex);
        ended = true;
        why = status.ok() ? "the coordinator closed the connection" : status.error_message();
        wake.notify_all();
        if (stopped)
            stopped();
    }
};

Client::Client(const ClientOptions& options)
    : s_(std::make_unique<State>()) {
    s_->o = options;
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(int(std::min<int64_t>(options.max_message_bytes, INT32_MAX)));
    args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 5000);
    args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 5000);
    args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
    s_->channel = grpc::CreateCustomChannel(options.coordinator.text(), credentials(options), args);
    const auto deadline =
        std::chrono::system_clock::now() + std::chrono::milliseconds(int64_t(options.connect_seconds * 1000));
    if (!s_->channel->WaitForConnected(deadline))
        throw Error("no coordinator answered at " + options.coordinator.text() +
                    (options.fingerprint.empty() ? "" : " (over TLS, with the given fingerprint)") +
                    " within " + std::to_string(int(options.connect_seconds)) + " s");
    s_->stub = wire::Coordinator::NewStub(s_->channel);
    s_->context.AddMetadata("mergelab-token", options.token);
    s_->stream = s_->stub->Join(&s_->context);
    s_->reader = std::thread([this] { s_->read(); });
}

Client::~Client() {
    close();
    if (s_->reader.joinable())
        s_->reader.join();
}

bool Client::send(const wire::EnvMessage& message) {
    std::lock_guard<std::mutex> lock(s_->write);
    return s_->stream->Write(message);
}

std::optional<wire::CoordinatorMessage> Client::next(std::chrono::milliseconds wait) {
    std::unique_lock<std::mutex> lock(s_->mutex);
    s_->wake.wait_for(lock, wait, [&] { return !s_->inbox.empty() || s_->ended; });
    if (!s_->inbox.empty()) {
        auto message = std::move(s_->inbox.front());
        s_->inbox.pop_front();
        return message;
    }
    if (s_->ended)
        throw Error("lost the coordinator at " + s_->o.coordinator.text() + ": " + s_->why);
    return std::nullopt;
}

void Client::on_stop(std::function<void()> callback) {
    std::lock_guard<std::mutex> lock(s_->mutex);
    s_->stopped = std::move(callback);
}

void Client::close() {
    s_->context.TryCancel();
}

} // namespace mergelab::remote
