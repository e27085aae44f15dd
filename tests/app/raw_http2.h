#pragma once
// Raw HTTP/2 for the hostile-peer tests: what the gRPC stub cannot do, such
// as frames that stop half-way or arrive a byte at a time. Only the little
// of HTTP/2 and HPACK those tests need.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include <QByteArray>
#include <QString>

namespace raw_http2 {

enum FrameType : quint8 { Data = 0, Headers = 1, RstStream = 3, Settings = 4, Ping = 6, GoAway = 7 };
constexpr quint8 kEndStream = 0x1, kAck = 0x1, kEndHeaders = 0x4;
inline const QByteArray kPreface("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

inline QByteArray big_endian(quint32 value, int bytes) {
    QByteArray out;
    for (int i = bytes - 1; i >= 0; --i)
        out += char((value >> (8 * i)) & 0xff);
    return out;
}

// A frame header announcing `length` payload bytes, then `payload` (which
// may be shorter: a frame cut half-way).
inline QByteArray frame(quint8 type, quint8 flags, quint32 stream, const QByteArray& payload,
                        int length = -1) {
    return big_endian(quint32(length < 0 ? payload.size() : length), 3) + char(type) + char(flags) +
           big_endian(stream & 0x7fffffff, 4) + payload;
}

// HPACK "literal header field without indexing, new name", without Huffman
// coding; every name and value here is shorter than 127 bytes.
inline QByteArray header_field(const QByteArray& name, const QByteArray& value) {
    return QByteArray(1, '\0') + char(name.size()) + name + char(value.size()) + value;
}

// The request headers of Coordinator.Join, as a gRPC client sends them.
inline QByteArray join_headers(int port, const QByteArray& token) {
    return header_field(":method", "POST") + header_field(":scheme", "http") +
           header_field(":path", "/mergelab.wire.Coordinator/Join") +
           header_field(":authority", "127.0.0.1:" + QByteArray::number(port)) +
           header_field("content-type", "application/grpc") + header_field("te", "trailers") +
           header_field("mergelab-token", token);
}

class RawConnection {
public:
    explicit RawConnection(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(quint16(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }
    ~RawConnection() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    bool connected() const { return connected_; }
    bool send(const QByteArray& bytes) {
        return ::send(fd_, bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL) == ssize_t(bytes.size());
    }

    // Reads the server's frames for up to `ms`, acknowledging its SETTINGS
    // and PINGs as a live peer does. Returns what ended stream 1 or the
    // connection, or an empty string when nothing did.
    QString serve(int ms) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
        for (;;) {
            while (in_.size() >= 9) {
                const int length = (uchar(in_[0]) << 16) | (uchar(in_[1]) << 8) | uchar(in_[2]);
                if (in_.size() < 9 + length)
                    break;
                const quint8 type = quint8(in_[3]), flags = quint8(in_[4]);
                const quint32 stream = (quint32(uchar(in_[5]) & 0x7f) << 24) |
                                       (quint32(uchar(in_[6])) << 16) | (quint32(uchar(in_[7])) << 8) |
                                       quint32(uchar(in_[8]));
                const QByteArray payload = in_.mid(9, length);
                in_.remove(0, 9 + length);
                if (type == Settings && !(flags & kAck))
                    send(frame(Settings, kAck, 0, {}));
                else if (type == Ping && !(flags & kAck))
                    send(frame(Ping, kAck, 0, payload));
                else if (type == RstStream && stream == 1)
                    return "RST_STREAM";
                else if (type == Headers && stream == 1 && (flags & kEndStream))
                    return "trailers";
                else if (type == GoAway)
                    return "GOAWAY";
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  until - std::chrono::steady_clock::now())
                                  .count();
            if (left <= 0)
                return {};
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, int(left)) <= 0)
                continue;
            char buffer[4096];
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0)
                return "closed";
            in_.append(buffer, int(n));
        }
    }

private:
    int fd_ = -1;
    bool connected_ = false;
    QByteArray in_;
};

} // namespace raw_http2
