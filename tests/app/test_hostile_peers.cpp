// Hostile peers against `mergelab-cli coordinate`, as anyone who reaches its
// port could be: raw HTTP/2 bytes that stop half-way through a frame, a
// sender one byte at a time, clients without the join token or without TLS,
// an environment process with the wrong fingerprint, and an authenticated
// environment (the generated gRPC stub) that plays the protocol as rank 2 but
// sends weights and numbers no honest environment would. In every case the
// coordinator must not abort, must end within its time-out, must name
// environment 2 where it is known, and must neither merge nor save anything
// it did not check. Refused connections must not stop the run: honest
// environments that come afterwards finish it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <thread>

// Before Qt's headers, so that Qt's keyword macros never reach gRPC's code.
#include <grpcpp/grpcpp.h>

#include "mergelab.grpc.pb.h"

#include <QtTest>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include "mergelab/dataset.h"
#include "mergelab/distributed.h"
#include "mergelab/run_files.h"
#include "raw_http2.h"
#include "support/process.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_hostile_peers {

using namespace mergelab;
using namespace mergelab::testing;
using namespace raw_http2;

namespace {

using Clock = std::chrono::steady_clock;

// The coordinator's --timeout in seconds; it is also how long a connection
// may stay silent before its hello.
constexpr int kTimeout = 5;
// After a run ends the coordinator gives the environments this long to leave.
constexpr int kStopGraceMs = 3000;
const std::string kToken = "t0ken";

qint64 ms_since(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

QString read_text(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// gRPC's framing of one message: an uncompressed flag, the length, the bytes.
QByteArray grpc_message(const google::protobuf::Message& m) {
    const std::string bytes = m.SerializeAsString();
    return QByteArray(1, '\0') + big_endian(quint32(bytes.size()), 4) + QByteArray::fromStdString(bytes);
}

// ---- an environment written with the generated stub ------------------------

using JoinStream = grpc::ClientReaderWriter<wire::EnvMessage, wire::CoordinatorMessage>;

class Peer {
public:
    Peer(int port, std::optional<std::string> token,
         const std::shared_ptr<grpc::ChannelCredentials>& credentials = grpc::InsecureChannelCredentials()) {
        grpc::ChannelArguments args;
        args.SetMaxReceiveMessageSize(256 << 20);
        args.SetMaxSendMessageSize(-1);
        channel_ = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port), credentials, args);
        stub_ = wire::Coordinator::NewStub(channel_);
        if (token)
            context_.AddMetadata("mergelab-token", *token);
        // However the coordinator misbehaves, the test goes on.
        context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
        stream_ = stub_->Join(&context_);
    }
    bool write(const wire::EnvMessage& m) { return stream_->Write(m); }
    bool read(wire::CoordinatorMessage& m) { return stream_->Read(&m); }
    // Closes this side, reads what is left and returns how the call ended.
    grpc::Status finish() {
        stream_->WritesDone();
        wire::CoordinatorMessage m;
        while (stream_->Read(&m)) {
        }
        return stream_->Finish();
    }

private:
    std::shared_ptr<grpc::Channel> channel_;
    std::unique_ptr<wire::Coordinator::Stub> stub_;
    grpc::ClientContext context_;
    std::unique_ptr<JoinStream> stream_;
};

wire::EnvMessage hello(int rank, const std::string& host = "hostile test peer") {
    wire::EnvMessage m;
    m.mutable_hello()->set_protocol(kProtocolVersion);
    m.mutable_hello()->set_rank(rank);
    m.mutable_hello()->set_host(host);
    // The coordinator's IDX files name Fashion-MNIST's classes; so does an
    // honest environment reading them.
    for (const std::string& name : fashion_mnist_class_names())
        m.mutable_hello()->add_class_names(name);
    return m;
}

// What an honest environment reports after a round, with `model` as its
// weights and plausible numbers.
wire::EnvMessage honest_trained(int round, const wire::Weights& model) {
    wire::EnvMessage m;
    wire::Trained* t = m.mutable_trained();
    t->set_round(round);
    t->set_val_acc(0.5);
    t->set_val_loss(1.0);
    t->set_train_loss(1.0);
    t->set_train_seconds(0.1);
    t->set_epochs(1);
    *t->mutable_weights() = model;
    return m;
}

// The reply to a round's start, given the honest one (the model it got,
// echoed) to corrupt.
using Reply = std::function<std::vector<wire::EnvMessage>(wire::EnvMessage honest)>;

std::vector<wire::EnvMessage> honestly(wire::EnvMessage honest) {
    return {honest};
}

struct Played {
    bool welcomed = false;
    int rounds = 0;                         // round starts received
    Clock::time_point sent = Clock::now();  // when the last reply to a round start went
    Clock::time_point ended = Clock::now(); // when the coordinator ended the stream
    QString stop;                           // the Stop's outcome and message, if one came
    grpc::Status status;
};

// Plays environment `rank`: a split summary for each Settings, `reply` to
// each round's start, an accuracy for each model to validate, until the
// coordinator stops it or ends the call. `silent`: the hello, then nothing.
Played play(Peer& peer, int rank, const Reply& reply, bool silent = false) {
    Played p;
    peer.write(hello(rank));
    p.sent = Clock::now();
    wire::Weights model;
    wire::CoordinatorMessage m;
    while (peer.read(m)) {
        if (m.has_welcome()) {
            p.welcomed = true;
        } else if (m.has_stop()) {
            p.stop = QString::fromStdString(m.stop().outcome() + ": " + m.stop().message());
            break;
        } else if (silent) {
            p.sent = Clock::now();
        } else if (m.has_settings()) {
            model = m.settings().start();
            wire::EnvMessage s;
            wire::Summary* summary = s.mutable_summary();
            summary->set_lane(m.settings().lane());
            for (int c = 0; c < 10; ++c)
                summary->add_classes(c);
            summary->set_train_size(600);
            summary->set_val_size(60);
            peer.write(s);
        } else if (m.has_round_start()) {
            ++p.rounds;
            if (m.round_start().model().tensors_size() > 0)
                model = m.round_start().model();
            for (const auto& out : reply(honest_trained(m.round_start().round(), model)))
                peer.write(out);
            p.sent = Clock::now();
        } else if (m.has_validate()) {
            wire::EnvMessage v;
            v.mutable_validated()->set_round(m.validate().round());
            for (int i = 0; i < m.validate().models_size(); ++i)
                v.mutable_validated()->add_accuracy(0.5);
            peer.write(v);
        } else if (m.has_copy_back()) {
            model = m.copy_back().model();
        }
    }
    p.ended = Clock::now();
    p.status = peer.finish();
    return p;
}

wire::Tensor& first_tensor(wire::EnvMessage& m) {
    return *m.mutable_trained()->mutable_weights()->mutable_tensors(0);
}

QString status_text(const grpc::Status& s) {
    return QString::number(int(s.error_code())) + " " + QString::fromStdString(s.error_message());
}

} // namespace

class TestHostilePeers : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString test_data_, train_data_;
    std::vector<std::unique_ptr<QProcess>> procs_;
    int port_ = 0;
    QString out_, log_, fingerprint_;
    QProcess* coordinator_ = nullptr;

    QString path(const QString& name) const { return dir_.filePath(name); }
    QString log() const { return read_text(log_); }

    QProcess* start(const QStringList& args, const QString& log_file) {
        procs_.push_back(std::make_unique<QProcess>());
        QProcess* p = procs_.back().get();
        // To files: nobody reads a pipe while the test blocks on the wire.
        p->setProcessChannelMode(QProcess::MergedChannels);
        p->setStandardOutputFile(log_file);
        p->start(cli_program(), args);
        p->waitForStarted(10000);
        return p;
    }

    // The coordinator of this case's 2-environment run, listening.
    bool start_coordinator(int rounds, const QStringList& more = {}) {
        const QString name = QTest::currentTestFunction();
        port_ = free_port();
        out_ = path(name + "-run");
        log_ = path(name + "-coordinator.log");
        coordinator_ = start(QStringList{"coordinate",
                                         "--listen",
                                         "127.0.0.1:" + QString::number(port_),
                                         "--token",
                                         QString::fromStdString(kToken),
                                         "--timeout",
                                         QString::number(kTimeout),
                                         "--data",
                                         test_data_,
                                         "--out",
                                         out_,
                                         "--envs",
                                         "2",
                                         "--rounds",
                                         QString::number(rounds),
                                         "--batch",
                                         "16",
                                         "--local-epochs",
                                         "1",
                                         "--threads",
                                         "1",
                                         "--seed",
                                         "3"} +
                                 more,
                             log_);
        if (!wait_for([&] { return log().contains("mergelab-cli env --connect"); }, 20000)) {
            qWarning("the coordinator did not print its join line: %s", qPrintable(log()));
            return false;
        }
        if (more.contains("--tls"))
            fingerprint_ = log().section("--fingerprint ", 1).section('\n', 0, 0).trimmed();
        return true;
    }

    QProcess* env(int rank, const QString& fingerprint = {}, int timeout = 10) {
        static int count = 0;
        QStringList args{"env",
                         "--connect",
                         "127.0.0.1:" + QString::number(port_),
                         "--rank",
                         QString::number(rank),
                         "--token",
                         QString::fromStdString(kToken),
                         "--data",
                         train_data_,
                         "--threads",
                         "1",
                         "--timeout",
                         QString::number(timeout)};
        if (!fingerprint.isEmpty())
            args << "--fingerprint" << fingerprint;
        return start(args, path(QString(QTest::currentTestFunction()) + "-env" + QString::number(rank) + "-" +
                                QString::number(++count) + ".log"));
    }

    // Not a signal, no C++ runtime's last words, no stack frames.
    void expect_no_abort() {
        QCOMPARE(coordinator_->exitStatus(), QProcess::NormalExit);
        const QString text = log();
        for (const char* sign : {"terminate called", "Aborted", "core dumped", "Segmentation", "frame #",
                                 "Exception raised from", "EnforceNotMet"})
            QVERIFY2(!text.contains(sign), qPrintable(text));
    }

    // Environment 2 was refused for `reason`: the run ended failed (exit 1)
    // within the time-out of the bad message, naming environment 2 in the
    // log and in run.json, with `kept` finished rounds and no byte of the
    // next one in the folder.
    void expect_refused(const Played& played, const QString& reason, int kept = 0) {
        QVERIFY2(coordinator_->waitForFinished(30000), qPrintable(log()));
        const qint64 ms = ms_since(played.sent);
        const QString text = log();
        qInfo("%s: coordinator ended %lld ms after the bad message; played %d round(s); stream %s",
              QTest::currentTestFunction(), ms, played.rounds, qPrintable(status_text(played.status)));
        expect_no_abort();
        QVERIFY2(coordinator_->exitCode() == 1, qPrintable(text));
        QVERIFY2(ms < kTimeout * 1000 + kStopGraceMs, qPrintable(QString::number(ms)));
        QVERIFY2(played.welcomed, "the peer was admitted as environment 2");
        QVERIFY2(text.contains("environment 2"), qPrintable(text));
        QVERIFY2(text.contains(reason), qPrintable(text));
        const auto runs = load_runs(out_.toStdString()); // the folder still opens
        const RunResult& run = runs.front();
        const QString message = QString::fromStdString(run.message);
        QCOMPARE(run.stopped, StopReason::Failed);
        QVERIFY2(message.contains("environment 2") && message.contains(reason), qPrintable(message));
        QCOMPARE(int(run.rounds.size()), kept);
        const QStringList rows = read_text(out_ + "/metrics.csv").split('\n', Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), 1 + kept);
        const QString bad = QString("round-%1-").arg(kept + 1, 3, 10, QChar('0'));
        const QStringList models = QDir(out_ + "/models").entryList(QDir::Files);
        for (const QString& f : models)
            QVERIFY2(!f.startsWith(bad), qPrintable(models.join(' ')));
        if (kept > 0)
            QVERIFY2(models.contains(QString("round-%1-env-2.pt").arg(kept, 3, 10, QChar('0'))),
                     qPrintable(models.join(' ')));
        qInfo("  refused with: %s", qPrintable(message));
    }

    // A refused connection left the run waiting: environments started at
    // `since` finish it, every round merging both.
    void expect_run_completes(int rounds, Clock::time_point since) {
        QVERIFY2(coordinator_->waitForFinished(60000), qPrintable(log()));
        const qint64 ms = ms_since(since);
        qInfo("%s: the run finished %lld ms after the honest environments started",
              QTest::currentTestFunction(), ms);
        expect_no_abort();
        QVERIFY2(coordinator_->exitCode() == 0, qPrintable(log()));
        const RunResult run = load_runs(out_.toStdString()).front();
        QCOMPARE(run.stopped, StopReason::MaxRounds);
        QCOMPARE(int(run.rounds.size()), rounds);
        for (const auto& r : run.rounds)
            QCOMPARE(r.merged_envs, (std::vector<int>{0, 1}));
    }

    // The run of a case whose peer plays rank 2 with `reply` against an
    // honest environment 1.
    Played run_with_peer(int rounds, const Reply& reply, bool silent = false) {
        if (!start_coordinator(rounds))
            return {};
        env(1);
        Peer peer(port_, kToken);
        return play(peer, 2, reply, silent);
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        // The coordinator's folder holds only the test files, the
        // environments' only the training files.
        const QString all = path("all");
        write_synthetic_fashion_mnist(all.toStdString(), {120, 30, 7, true});
        test_data_ = path("test-only");
        train_data_ = path("train-only");
        QDir().mkpath(test_data_);
        QDir().mkpath(train_data_);
        for (const QString& f : QDir(all).entryList(QDir::Files))
            QVERIFY(QFile::copy(all + "/" + f, (f.startsWith("t10k") ? test_data_ : train_data_) + "/" + f));
    }

    void cleanup() {
        for (auto& p : procs_)
            if (p->state() != QProcess::NotRunning)
                p->kill(), p->waitForFinished(5000);
        procs_.clear();
        coordinator_ = nullptr;
        fingerprint_.clear();
    }

    // The peer itself, played honestly, is a working environment 2: what it
    // reports is merged and saved. So in the cases below a refusal is the
    // coordinator's check, not a broken peer.
    void honestPeerFinishesTheRun() {
        QVERIFY(start_coordinator(2));
        const auto started = Clock::now();
        env(1);
        Peer peer(port_, kToken);
        const Played played = play(peer, 2, honestly);
        QVERIFY2(played.status.ok(), qPrintable(status_text(played.status)));
        QCOMPARE(played.rounds, 2);
        QVERIFY2(played.stop.startsWith("max_rounds"), qPrintable(played.stop));
        expect_run_completes(2, started);
        QCOMPARE(load_runs(out_.toStdString()).front().rounds.back().envs.at(1).val_acc, 0.5);
    }

    // ---- connections that never become an environment ----

    // The HTTP/2 preface and half a SETTINGS frame, the socket held open:
    // environments still join and finish the run meanwhile.
    void partialFrameDoesNotHoldTheRun() {
        QVERIFY(start_coordinator(1));
        RawConnection raw(port_);
        QVERIFY(raw.connected());
        QVERIFY(raw.send(kPreface + frame(Settings, 0, 0, QByteArray(6, '\0'), 12)));
        const auto started = Clock::now();
        env(1);
        env(2);
        expect_run_completes(1, started);
    }

    // An authenticated call whose hello arrives one byte every 300 ms is
    // ended at the hello deadline (the time-out); environment 1 is admitted
    // meanwhile and an honest environment 2 afterwards finishes the run.
    void slowSenderIsCutOffAtTheHelloDeadline() {
        QVERIFY(start_coordinator(1));
        RawConnection raw(port_);
        QVERIFY(raw.connected());
        QVERIFY(raw.send(kPreface + frame(Settings, 0, 0, {})));
        QVERIFY(
            raw.send(frame(Headers, kEndHeaders, 1, join_headers(port_, QByteArray::fromStdString(kToken)))));
        const QByteArray message = grpc_message(hello(2, std::string(40, 's')));
        QVERIFY(raw.send(frame(Data, 0, 1, {}, message.size())));
        const auto since = Clock::now();
        env(1);
        // The server's settings first, as a real peer takes them before it
        // sends data.
        QString ended = raw.serve(200);
        int sent = 0;
        while (ended.isEmpty() && sent < message.size()) {
            raw.send(message.mid(sent++, 1));
            ended = raw.serve(300);
        }
        const qint64 cut = ms_since(since);
        qInfo("slow sender: %s after %lld ms and %d of %d bytes", qPrintable(ended), cut, sent,
              int(message.size()));
        QVERIFY2(!ended.isEmpty(), "the whole hello went through, a byte at a time");
        QVERIFY2(cut < kTimeout * 1000 + 2000, qPrintable(QString::number(cut)));
        QVERIFY2(log().contains("environment 1 joined"), qPrintable(log()));
        QCOMPARE(coordinator_->state(), QProcess::Running);
        const auto started = Clock::now();
        env(2);
        expect_run_completes(1, started);
        QCOMPARE(log().count("environment 2 joined"), 1);
    }

    void noTokenIsRefused() {
        QVERIFY(start_coordinator(1));
        Peer peer(port_, std::nullopt);
        const Played played = play(peer, 2, honestly);
        QCOMPARE(played.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
        QVERIFY(!played.welcomed);
        const auto started = Clock::now();
        env(1);
        env(2);
        expect_run_completes(1, started);
        QVERIFY2(log().contains("wrong or no join token"), qPrintable(log()));
    }

    void wrongTokenIsRefused() {
        QVERIFY(start_coordinator(1));
        Peer peer(port_, std::string("t0keN"));
        const Played played = play(peer, 2, honestly);
        QCOMPARE(played.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
        QVERIFY(!played.welcomed);
        const auto started = Clock::now();
        env(1);
        env(2);
        expect_run_completes(1, started);
        QVERIFY2(log().contains("wrong or no join token"), qPrintable(log()));
        QVERIFY2(!log().contains("t0keN"), "a wrong token is not logged");
    }

    // Rank 1 again while environment 1 is connected: refused, and the first
    // environment 1 goes on to finish the run.
    void duplicateRankIsRefused() {
        QVERIFY(start_coordinator(1));
        env(1);
        QVERIFY2(wait_for([&] { return log().contains("environment 1 joined"); }, 20000), qPrintable(log()));
        Peer peer(port_, kToken);
        const Played played = play(peer, 1, honestly);
        QCOMPARE(played.status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
        QVERIFY(!played.welcomed);
        const auto started = Clock::now();
        env(2);
        expect_run_completes(1, started);
        QVERIFY2(log().contains("environment 1 is already connected"), qPrintable(log()));
        QCOMPARE(log().count("environment 1 joined"), 1);
    }

    // Plain text against --tls: no call gets through; environments with the
    // pinned fingerprint then finish the run.
    void plainClientAgainstTlsIsRefused() {
        QVERIFY(start_coordinator(1, {"--tls"}));
        QCOMPARE(fingerprint_.count(':'), 31);
        Peer peer(port_, kToken);
        const Played played = play(peer, 2, honestly);
        QVERIFY2(!played.status.ok(), qPrintable(status_text(played.status)));
        QVERIFY(!played.welcomed);
        const auto started = Clock::now();
        env(1, fingerprint_);
        env(2, fingerprint_);
        expect_run_completes(1, started);
        QCOMPARE(log().count("environment 2 joined"), 1);
    }

    // An environment process pinned to another fingerprint gives up within
    // its own time-out and never joins; the run waits for a proper one.
    void wrongFingerprintIsRefused() {
        QVERIFY(start_coordinator(1, {"--tls"}));
        QString wrong = fingerprint_;
        wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
        const auto since = Clock::now();
        QProcess* bad = env(2, wrong, 3);
        QVERIFY(bad->waitForFinished(20000));
        qInfo("wrong fingerprint: the environment gave up after %lld ms", ms_since(since));
        QCOMPARE(bad->exitStatus(), QProcess::NormalExit);
        QCOMPARE(bad->exitCode(), 1);
        QVERIFY(!log().contains("environment 2 joined"));
        QCOMPARE(coordinator_->state(), QProcess::Running);
        const auto started = Clock::now();
        env(1, fingerprint_);
        env(2, fingerprint_);
        expect_run_completes(1, started);
        QCOMPARE(log().count("environment 2 joined"), 1);
    }

    // A hello far over the receive limit (the model's size) is cut off
    // before it names a rank.
    void overLimitHelloIsRefused() {
        QVERIFY(start_coordinator(1));
        Peer big(port_, kToken);
        const bool wrote = big.write(hello(2, std::string(32 << 20, 'x')));
        const grpc::Status status = big.finish();
        qInfo("over-limit hello: written %d, call ended %s", int(wrote), qPrintable(status_text(status)));
        QVERIFY(!status.ok());
        QCOMPARE(coordinator_->state(), QProcess::Running);
        QVERIFY(!log().contains("environment 2 joined"));
        const auto started = Clock::now();
        env(1);
        env(2);
        expect_run_completes(1, started);
    }

    // ---- an admitted environment 2 that misbehaves ----

    // A hello, then silence: failed at the time-out, named.
    void silentAfterHelloFailsAtTheTimeout() {
        const Played played = run_with_peer(1, honestly, true);
        QVERIFY(coordinator_);
        const auto silent =
            std::chrono::duration_cast<std::chrono::milliseconds>(played.ended - played.sent).count();
        qInfo("silent environment 2 dropped %lld ms after its settings", qint64(silent));
        QVERIFY2(silent >= kTimeout * 1000 - 500 && silent < kTimeout * 1000 + 2000,
                 qPrintable(QString::number(silent)));
        expect_refused(played, "sent nothing for 5 s");
    }

    // More values than the model's tensor holds, under its true shape.
    void longerTensorIsRefused() {
        expect_refused(run_with_peer(1,
                                     [](wire::EnvMessage m) {
                                         first_tensor(m).mutable_data()->append(16 * sizeof(float), '\0');
                                         return std::vector<wire::EnvMessage>{m};
                                     }),
                       "bytes for");
    }

    // A larger tensor that is consistent in itself: one more row.
    void largerShapeIsRefused() {
        expect_refused(run_with_peer(1,
                                     [](wire::EnvMessage m) {
                                         wire::Tensor& t = first_tensor(m);
                                         const int64_t rows = t.shape(0);
                                         t.set_shape(0, rows + 1);
                                         t.mutable_data()->append(t.data().size() / size_t(rows), '\0');
                                         return std::vector<wire::EnvMessage>{m};
                                     }),
                       "has shape");
    }

    void shorterTensorIsRefused() {
        expect_refused(run_with_peer(1,
                                     [](wire::EnvMessage m) {
                                         wire::Tensor& t = first_tensor(m);
                                         t.mutable_data()->resize(t.data().size() / 2);
                                         return std::vector<wire::EnvMessage>{m};
                                     }),
                       "bytes for");
    }

    // The same values as float64, announced as such.
    void float64TensorIsRefused() {
        expect_refused(run_with_peer(1,
                                     [](wire::EnvMessage m) {
                                         wire::Tensor& t = first_tensor(m);
                                         std::vector<float> values(t.data().size() / sizeof(float));
                                         std::memcpy(values.data(), t.data().data(), t.data().size());
                                         const std::vector<double> wide(values.begin(), values.end());
                                         t.set_dtype(wire::FLOAT64);
                                         t.set_data(wide.data(), wide.size() * sizeof(double));
                                         return std::vector<wire::EnvMessage>{m};
                                     }),
                       "is not float32");
    }

    void wrongTensorNameIsRefused() {
        expect_refused(run_with_peer(1,
                                     [](wire::EnvMessage m) {
                                         first_tensor(m).set_name("evil.weight");
                                         return std::vector<wire::EnvMessage>{m};
                                     }),
                       "is named 'evil.weight'");
    }

    void nanInWeightsIsRefused() {
        expect_refused(run_with_peer(1,
                                     [](wire::EnvMessage m) {
                                         auto* tensors =
                                             m.mutable_trained()->mutable_weights()->mutable_tensors();
                                         wire::Tensor& t = *tensors->Mutable(tensors->size() - 1);
                                         const float nan = std::numeric_limits<float>::quiet_NaN();
                                         std::memcpy(&(*t.mutable_data())[0], &nan, sizeof nan);
                                         return std::vector<wire::EnvMessage>{m};
                                     }),
                       "is NaN");
    }

    void metricsOutOfRangeAreRefused() {
        expect_refused(run_with_peer(1,
                                     [](wire::EnvMessage m) {
                                         m.mutable_trained()->set_val_acc(5);
                                         return std::vector<wire::EnvMessage>{m};
                                     }),
                       "validation accuracy is 5");
    }

    void wrongRoundIsRefused() {
        expect_refused(run_with_peer(1,
                                     [](wire::EnvMessage m) {
                                         m.mutable_trained()->set_round(7);
                                         return std::vector<wire::EnvMessage>{m};
                                     }),
                       "sent weights of round 7 in round 1");
    }

    // The same (valid) report twice in a round.
    void sameReportTwiceIsRefused() {
        expect_refused(run_with_peer(1,
                                     [](wire::EnvMessage m) {
                                         return std::vector<wire::EnvMessage>{m, m};
                                     }),
                       "sent trained weights");
    }

    // Round 1 honest; in round 2 the report of round 1 again. Round 1 stays
    // saved; nothing of round 2 is.
    void roundOneReplayedInRoundTwoIsRefused() {
        auto first = std::make_shared<std::optional<wire::EnvMessage>>();
        expect_refused(run_with_peer(2,
                                     [first](wire::EnvMessage m) {
                                         if (!*first)
                                             *first = m;
                                         return std::vector<wire::EnvMessage>{**first};
                                     }),
                       "sent weights of round 1 in round 2", 1);
    }

    // Weights over the receive limit: the call is cut at the transport and
    // environment 2 fails, named.
    void overLimitWeightsAreRefused() {
        expect_refused(run_with_peer(1,
                                     [](wire::EnvMessage m) {
                                         const size_t model = m.trained().weights().ByteSizeLong();
                                         wire::Tensor* pad =
                                             m.mutable_trained()->mutable_weights()->add_tensors();
                                         pad->set_name("padding");
                                         pad->set_dtype(wire::FLOAT32);
                                         pad->mutable_data()->assign(2 * model + (1 << 20), '\0');
                                         pad->add_shape(int64_t(pad->data().size() / sizeof(float)));
                                         return std::vector<wire::EnvMessage>{m};
                                     }),
                       "environment 2");
    }
};

MERGELAB_TEST_GUILESS(test_hostile_peers, TestHostilePeers)
} // namespace test_hostile_peers

#include "test_hostile_peers.moc"
