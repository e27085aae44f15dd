#pragma once
// Byte and file helpers for tests that craft or damage files themselves.
#include <QByteArray>
#include <QString>

#include <cstdint>
#include <string>

namespace mergelab::testing {

// qFatal when the file cannot be read or written: the test itself is broken.
QByteArray readAll(const QString& path);
void writeAll(const QString& path, const QByteArray& bytes);
void appendAll(const QString& path, const QByteArray& bytes);

// The same bytes for the same seed, on every run.
QByteArray randomBytes(int size, unsigned seed);

// The low `n` bytes of `value`, least significant first (zip, pickle).
std::string le(uint64_t value, int n);
// Four bytes, most significant first (IDX headers).
QByteArray be32(quint32 value);

} // namespace mergelab::testing
