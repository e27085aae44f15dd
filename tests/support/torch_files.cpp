#include "support/torch_files.h"

#include <QTemporaryDir>

#include <zlib.h>

#include "mergelab/state_dict.h"
#include "support/errors.h"

namespace mergelab::testing {
namespace {

std::string str(const QString& text) {
    return text.toStdString();
}

} // namespace

std::string floatBytes(const std::vector<float>& values) {
    return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
}

std::string oneTensorPickle(const std::string& key, const std::string& storageType, int64_t storageNumel,
                            const std::vector<int64_t>& size, const std::vector<int64_t>& stride,
                            int64_t offset) {
    Pickle p;
    p.proto(2).orderedDict();
    p.tensorItem(key, storageType, "0", storageNumel, size, stride, offset).op('s').op('.');
    return p.bytes();
}

BadFile zipOf(const Records& records) {
    return [records](const QString& path) { write_torch_zip(str(path), records); };
}

BadFile zipWithPickle(const std::string& pickle, const std::string& storage) {
    Records records{{"data.pkl", pickle}};
    if (!storage.empty())
        records.push_back({"data/0", storage});
    return zipOf(records);
}

BadFile rawFile(const QByteArray& bytes) {
    return [bytes](const QString& path) { writeAll(path, bytes); };
}

BadFile damagedValidFile(const std::function<QByteArray(QByteArray)>& damage) {
    return [damage](const QString& path) {
        WeightSet set;
        set.push_back({"w", {2, 2}, {1.f, 1.f, 1.f, 1.f}});
        set.push_back({"b", {2}, {0.5f, -0.5f}});
        save_state_dict(str(path), set);
        writeAll(path, damage(readAll(path)));
    };
}

BadFile withVersionText(const QByteArray& text) {
    return damagedValidFile([text](QByteArray b) {
        const int name = b.indexOf("/version"); // the first hit is the local header's name
        const int local = b.lastIndexOf("PK\x03\x04", name);
        auto le16 = [&b](int at) { return uint8_t(b[at]) | uint8_t(b[at + 1]) << 8; };
        const int data = local + 30 + le16(local + 26) + le16(local + 28);
        if (b.mid(data, 2) != "3\n")
            return QByteArray("the test's assumption about the writer broke");
        b.replace(data, 2, text);
        // A matching CRC-32 in the local and the central header, so only the
        // text itself is wrong.
        const auto crc = static_cast<uint32_t>(::crc32(0L, reinterpret_cast<const Bytef*>(text.data()), 2));
        const int central = b.lastIndexOf("PK\x01\x02", b.lastIndexOf("/version"));
        for (int at : {local + 14, central + 16})
            for (int i = 0; i < 4; ++i)
                b[at + i] = char(crc >> (8 * i));
        return b;
    });
}

int centralEntry(const QByteArray& zip, const QByteArray& name) {
    for (int pos = zip.indexOf("PK\x01\x02"); pos >= 0; pos = zip.indexOf("PK\x01\x02", pos + 4)) {
        const int length = quint8(zip[pos + 28]) | quint8(zip[pos + 29]) << 8;
        if (zip.mid(pos + 46, length).endsWith(name))
            return pos;
    }
    qFatal("no central directory entry for %s", name.constData());
}

QString refusalProblem(const BadFile& make, const QStringList& words) {
    QTemporaryDir tmp;
    if (!tmp.isValid())
        return "no temporary directory";
    const QString path = tmp.filePath("bad.pt");
    make(path);
    const QString message = errorMessage([&] { mergelab::load_state_dict(str(path)); });
    if (message.isNull())
        return "no mergelab::Error thrown";
    if (!message.startsWith(path + ": "))
        return message;
    for (const QString& word : words)
        if (!message.contains(word))
            return message + " -- lacks: " + word;
    return {};
}

} // namespace mergelab::testing
