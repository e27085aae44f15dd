#pragma once
// c10d 1.13's TCPStore server always binds the wildcard address, so it
// would accept connections on every interface. While a ListenGuard lives,
// a wildcard bind() in this process is narrowed to one address instead.
// Internal to the core.
#include <string>

namespace mergelab::dist {

class ListenGuard {
public:
    // `numeric_host`: an IPv4 or IPv6 literal; a wildcard leaves binds alone.
    explicit ListenGuard(const std::string& numeric_host);
    ~ListenGuard();
    ListenGuard(const ListenGuard&) = delete;
    ListenGuard& operator=(const ListenGuard&) = delete;
};

} // namespace mergelab::dist
