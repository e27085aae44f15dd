#include "listen_guard.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "mergelab/error.h"

namespace {

// Only one guard at a time; bind() reads the target under the same lock,
// which costs nothing when no guard is set (binds are rare).
std::mutex g_mutex;
bool g_active = false;
bool g_v4 = false;
in_addr g_addr4{};
in6_addr g_addr6{};

using BindFn = int (*)(int, const sockaddr*, socklen_t);

BindFn real_bind() {
    static const BindFn fn = reinterpret_cast<BindFn>(dlsym(RTLD_NEXT, "bind"));
    return fn;
}

} // namespace

// Interposes libc's bind for the whole process. Every call goes straight
// through unless a ListenGuard is active and the address is a wildcard.
extern "C" int bind(int fd, const sockaddr* addr, socklen_t len) {
    const BindFn next = real_bind();
    if (!next) {
        errno = ENOSYS;
        return -1;
    }
    std::unique_lock<std::mutex> lock(g_mutex);
    if (!g_active || addr == nullptr)
        return lock.unlock(), next(fd, addr, len);
    if (addr->sa_family == AF_INET6 && len >= socklen_t(sizeof(sockaddr_in6))) {
        sockaddr_in6 a;
        std::memcpy(&a, addr, sizeof a);
        if (!IN6_IS_ADDR_UNSPECIFIED(&a.sin6_addr))
            return lock.unlock(), next(fd, addr, len);
        if (g_v4) {
            // A dual-stack socket reaches an IPv4 address as ::ffff:a.b.c.d.
            std::memset(&a.sin6_addr, 0, sizeof a.sin6_addr);
            a.sin6_addr.s6_addr[10] = a.sin6_addr.s6_addr[11] = 0xff;
            std::memcpy(&a.sin6_addr.s6_addr[12], &g_addr4, 4);
        } else {
            a.sin6_addr = g_addr6;
        }
        lock.unlock();
        return next(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a);
    }
    if (addr->sa_family == AF_INET && len >= socklen_t(sizeof(sockaddr_in))) {
        sockaddr_in a;
        std::memcpy(&a, addr, sizeof a);
        if (a.sin_addr.s_addr != htonl(INADDR_ANY))
            return lock.unlock(), next(fd, addr, len);
        if (!g_v4) {
            // An IPv6 listen address: this IPv4 socket must not listen at all.
            errno = EADDRNOTAVAIL;
            return -1;
        }
        a.sin_addr = g_addr4;
        lock.unlock();
        return next(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a);
    }
    lock.unlock();
    return next(fd, addr, len);
}

namespace mergelab::dist {

ListenGuard::ListenGuard(const std::string& host) {
    in_addr v4{};
    in6_addr v6{};
    const bool is_v4 = inet_pton(AF_INET, host.c_str(), &v4) == 1;
    const bool is_v6 = !is_v4 && inet_pton(AF_INET6, host.c_str(), &v6) == 1;
    if (!is_v4 && !is_v6)
        throw Error(host + ": not a numeric address to listen on");
    std::lock_guard<std::mutex> lock(g_mutex);
    const bool wildcard = is_v4 ? v4.s_addr == htonl(INADDR_ANY) : IN6_IS_ADDR_UNSPECIFIED(&v6);
    g_active = !wildcard;
    g_v4 = is_v4;
    g_addr4 = v4;
    g_addr6 = v6;
}

ListenGuard::~ListenGuard() {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_active = false;
}

} // namespace mergelab::dist
