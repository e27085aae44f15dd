#pragma once
// TLS material for a run: a self-signed certificate made for the run, and
// the SHA-256 fingerprint environments pin it by. OpenSSL, as gRPC itself
// uses on Debian.
#include <string>

namespace mergelab::remote {

struct Certificate {
    std::string cert_pem;
    std::string key_pem;
};

// A new P-256 key and a certificate for it, valid for 30 days.
Certificate make_self_signed_certificate();

// "AB:CD:..." (32 bytes as upper-case hex pairs), of the first certificate
// in `pem`. Throws Error when `pem` holds none.
std::string fingerprint_of(const std::string& pem);

// The same fingerprint written any way people copy it (colons or not, any
// case) compares equal after this.
std::string normalised_fingerprint(const std::string& text);

} // namespace mergelab::remote
