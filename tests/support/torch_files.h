#pragma once
// Hand-crafted PyTorch files for the state_dict tests: pickles byte by byte,
// zips through write_torch_zip, valid files damaged on purpose. No torch
// header (or Python) is needed for them.
#include <QByteArray>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "support/bytes.h"

namespace mergelab::testing {

using Records = std::vector<std::pair<std::string, std::string>>;

std::string floatBytes(const std::vector<float>& values);

// Builds pickle bytes opcode by opcode, the way the pickler would.
class Pickle {
public:
    Pickle& op(unsigned char c) {
        bytes_ += char(c);
        return *this;
    }
    Pickle& raw(const std::string& s) {
        bytes_ += s;
        return *this;
    }
    Pickle& proto(int version) { return op(0x80).op(static_cast<unsigned char>(version)); }
    Pickle& global(const std::string& module, const std::string& name) {
        return op('c').raw(module + "\n" + name + "\n");
    }
    Pickle& str(const std::string& s) {
        op('X').raw(le(s.size(), 4));
        return raw(s);
    }
    Pickle& shortStr(const std::string& s) {
        return op(0x8c).op(static_cast<unsigned char>(s.size())).raw(s);
    }
    Pickle& integer(int64_t v) {
        if (v >= 0 && v < 256)
            return op('K').op(static_cast<unsigned char>(v));
        op(0x8a).op(8);
        return raw(le(static_cast<uint64_t>(v), 8));
    }
    Pickle& intTuple(const std::vector<int64_t>& values) {
        op('(');
        for (int64_t v : values)
            integer(v);
        return op('t');
    }
    Pickle& put(int index) { return op('q').op(static_cast<unsigned char>(index)); }
    Pickle& get(int index) { return op('h').op(static_cast<unsigned char>(index)); }
    // OrderedDict(), by GLOBAL + EMPTY_TUPLE + REDUCE as Python writes it.
    Pickle& orderedDict() { return global("collections", "OrderedDict").op(')').op('R'); }

    // key, _rebuild_tensor_v2(persid, offset, size, stride, False, OrderedDict())
    Pickle& tensorItem(const std::string& key, const std::string& storageType, const std::string& storageKey,
                       int64_t storageNumel, const std::vector<int64_t>& size,
                       const std::vector<int64_t>& stride, int64_t offset = 0) {
        str(key);
        global("torch._utils", "_rebuild_tensor_v2").op('(');
        op('(').str("storage").global("torch", storageType);
        str(storageKey).str("cpu").integer(storageNumel).op('t');
        op('Q');
        integer(offset).intTuple(size).intTuple(stride).op(0x89).orderedDict();
        return op('t').op('R');
    }

    std::string bytes() const { return bytes_; }

private:
    std::string bytes_;
};

// OrderedDict with one tensor entry, then STOP.
std::string oneTensorPickle(const std::string& key, const std::string& storageType, int64_t storageNumel,
                            const std::vector<int64_t>& size, const std::vector<int64_t>& stride,
                            int64_t offset = 0);

// A file for load_state_dict to refuse; `path` is where to create it.
using BadFile = std::function<void(const QString& path)>;

BadFile zipOf(const Records& records);
BadFile zipWithPickle(const std::string& pickle, const std::string& storage = std::string());
BadFile rawFile(const QByteArray& bytes);
// A valid file written by save_state_dict, then damaged by `damage`.
BadFile damagedValidFile(const std::function<QByteArray(QByteArray)>& damage);
// A valid file whose version record ("3\n") is overwritten in place with
// `text` of the same length, so the zip itself stays intact.
BadFile withVersionText(const QByteArray& text);

// Position of the zip central directory entry for `name` (ends with it).
int centralEntry(const QByteArray& zip, const QByteArray& name);

// Makes the file in a fresh directory and loads it: empty when
// load_state_dict refuses it with a mergelab::Error that starts with the
// path and contains every one of `words`, else what went wrong.
QString refusalProblem(const BadFile& make, const QStringList& words);

} // namespace mergelab::testing

Q_DECLARE_METATYPE(mergelab::testing::BadFile)
