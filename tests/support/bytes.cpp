#include "support/bytes.h"

#include <QFile>

#include <random>

namespace mergelab::testing {

QByteArray readAll(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return file.readAll();
}

void writeAll(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
}

void appendAll(const QString& path, const QByteArray& bytes) {
    writeAll(path, readAll(path) + bytes);
}

QByteArray randomBytes(int size, unsigned seed) {
    std::mt19937 rng(seed);
    QByteArray bytes(size, '\0');
    for (char& byte : bytes)
        byte = char(rng() & 0xff);
    return bytes;
}

std::string le(uint64_t value, int n) {
    std::string bytes;
    for (int i = 0; i < n; ++i)
        bytes += char((value >> (8 * i)) & 0xff);
    return bytes;
}

QByteArray be32(quint32 value) {
    const char bytes[4] = {char(value >> 24), char(value >> 16), char(value >> 8), char(value)};
    return QByteArray(bytes, 4);
}

} // namespace mergelab::testing
