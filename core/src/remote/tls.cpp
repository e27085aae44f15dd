#include "tls.h"

#include <memory>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "mergelab/error.h"

namespace mergelab::remote {
namespace {

template <typename T, void (*Free)(T*)> struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return std::string(data, size_t(size));
}

void check(bool ok, const char* what) {
    if (!ok)
        throw Error(std::string("could not make the run's TLS certificate: ") + what);
}

} // namespace

Certificate make_self_signed_certificate() {
    Key key(EVP_EC_gen("P-256"));
    check(key != nullptr, "key generation failed");
    Cert cert(X509_new());
    check(cert != nullptr, "out of memory");
    X509_set_version(cert.get(), 2);
    unsigned char serial[16];
    check(RAND_bytes(serial, sizeof serial) == 1, "no random bytes");
    serial[0] &= 0x7f; // a positive serial number
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 3600);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("MergeLab coordinator"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509_set_pubkey(cert.get(), key.get());
    check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "signing failed");
    Bio cert_bio(BIO_new(BIO_s_mem())), key_bio(BIO_new(BIO_s_mem()));
    check(PEM_write_bio_X509(cert_bio.get(), cert.get()) == 1, "PEM encoding failed");
    check(PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "PEM encoding failed");
    return {bio_text(cert_bio.get()), bio_text(key_bio.get())};
}

std::string fingerprint_of(const std::string& pem) {
    Bio bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
    Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert)
        throw Error("not a PEM certificate");
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (X509_digest(cert.get(), EVP_sha256(), digest, &size) != 1)
        throw Error("could not hash the certificate");
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned i = 0; i < size; ++i) {
        if (i)
            out += ':';
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

std::string normalised_fingerprint(const std::string& text) {
    std::string out;
    for (char ch : text)
        if (ch != ':' && ch != ' ')
            out += char(std::toupper(static_cast<unsigned char>(ch)));
    return out;
}

} // namespace mergelab::remote
