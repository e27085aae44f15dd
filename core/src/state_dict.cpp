// PyTorch state_dict files: a zip container around "data.pkl", a pickle
// that names one zip record per tensor storage. Written with libtorch's
// PyTorchStreamWriter; read here, record by record (libtorch's reader leaks
// when its constructor throws and resolves offsets of malformed archives
// differently from any check made beforehand; fuzzing found both).
//
// The pickle is evaluated by a deliberately small machine: values are plain
// data, and the handful of callables a state_dict needs (OrderedDict, the
// tensor rebuild helpers) are interpreted here, never looked up or called.
// Every size, offset and length a file claims is checked against what the
// file holds before an allocation depends on it.
#include "mergelab/state_dict.h"

#include <c10/core/CPUAllocator.h>
#include <c10/util/BFloat16.h>
#include <c10/util/Exception.h>
#include <c10/util/Half.h>
#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/versions.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "mergelab/error.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "state_dict.cpp copies little-endian storage bytes as they are; a big-endian host needs byte swaps"
#endif

namespace mergelab {
namespace {

using caffe2::serialize::PyTorchStreamWriter;

// Thrown inside this file without the path; the public functions prefix it,
// so every message starts with the file it is about.
class Refusal : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

[[noreturn]] void refuse(const std::string& what) {
    throw Refusal(what);
}

[[noreturn]] void not_a_zip(const std::string& why) {
    refuse("not a PyTorch zip file (" + why + ")");
}

// Names from a hostile file end up in messages; keep them readable and short.
std::string printable(const std::string& text, size_t max_shown = 80) {
    std::string out;
    for (size_t i = 0; i < text.size() && i < max_shown; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
    }
    if (text.size() > max_shown) out += "...";
    return out;
}

// c10::Error::what() carries a backtrace that says nothing to a user.
std::string describe(const std::exception& e) {
    std::string text;
    if (const auto* c10_error = dynamic_cast<const c10::Error*>(&e))
        text = c10_error->what_without_backtrace();
    else
        text = e.what();
    // CAFFE_ENFORCE prefixes a source location, TORCH_CHECK appends a plea
    // for better messages; both are noise to a user.
    if (text.rfind("[enforce fail at ", 0) == 0) {
        const size_t close = text.find("] ");
        if (close != std::string::npos) text.erase(0, close + 2);
        if (text.rfind(". ", 0) == 0) text.erase(0, 2);
    }
    const size_t plea = text.find("(Could this error message be improved?");
    if (plea != std::string::npos) text.erase(plea);
    std::replace(text.begin(), text.end(), '\n', ' ');
    while (!text.empty() && text.back() == ' ') text.pop_back();
    // libtorch quotes record contents (a bad version string) verbatim.
    return printable(text, 300);
}

std::string dims_to_string(const std::vector<int64_t>& dims) {
    std::ostringstream out;
    out << '[';
    for (size_t i = 0; i < dims.size(); ++i) out << (i ? ", " : "") << dims[i];
    out << ']';
    return out.str();
}

uint64_t read_le(const unsigned char* p, int bytes) {
    uint64_t value = 0;
    for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | p[i];
    return value;
}

const unsigned char* bytes_of(const std::string& s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

// ---------------------------------------------------------------------------
// The zip central directory. A record claiming more bytes than the whole
// file is refused before anything is allocated for it; CRCs are kept and
// checked on every record read.

struct ZipEntry {
    uint64_t size; // uncompressed
    uint32_t crc;
    uint64_t method;       // 0 stored, 8 deflated
    uint64_t compressed;   // bytes in the file
    uint64_t local_offset; // of the record's local header
};

class ZipDirectory {
public:
    ZipDirectory(std::istream& in, uint64_t file_size);

    // "<archive>/<record>", as PyTorch's reader finds it.
    std::optional<ZipEntry> find(const std::string& record) const;

private:
    // miniz looks names up case-insensitively, so this index does too.
    static std::string fold(std::string name);

    std::string prefix_;
    std::unordered_map<std::string, ZipEntry> entries_;
};

std::string read_at(std::istream& in, uint64_t offset, size_t n) {
    std::string buf(n, '\0');
    in.clear();
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(buf.data(), static_cast<std::streamsize>(n));
    if (!in || static_cast<size_t>(in.gcount()) != n)
        not_a_zip("cannot read " + std::to_string(n) + " bytes at offset " + std::to_string(offset));
    return buf;
}

ZipDirectory::ZipDirectory(std::istream& in, uint64_t file_size) {
    constexpr size_t kEndRecord = 22; // end of central directory, without comment
    constexpr size_t kMaxComment = 0xffff;
    constexpr size_t kLocator = 20; // zip64 end of central directory locator
    constexpr size_t kEnd64Record = 56;
    constexpr size_t kEntryHeader = 46;
    constexpr uint32_t kSentinel32 = 0xffffffffu;

    if (file_size < kEndRecord) not_a_zip("only " + std::to_string(file_size) + " bytes");
    const size_t tail_size = static_cast<size_t>(std::min<uint64_t>(file_size, kEndRecord + kMaxComment));
    const uint64_t tail_start = file_size - tail_size;
    const std::string tail = read_at(in, tail_start, tail_size);

    // miniz takes the last signature too; a comment may contain anything.
    size_t end_pos = std::string::npos;
    for (size_t i = tail_size - kEndRecord + 1; i-- > 0;) {
        if (tail.compare(i, 4, "PK\x05\x06") == 0) {
            end_pos = i;
            break;
        }
    }
    if (end_pos == std::string::npos)
        not_a_zip("no end-of-central-directory record: truncated, or not a zip at all");

    const unsigned char* end = bytes_of(tail) + end_pos;
    uint64_t entries = read_le(end + 10, 2);
    uint64_t dir_size = read_le(end + 12, 4);
    uint64_t dir_offset = read_le(end + 16, 4);

    const uint64_t end_offset = tail_start + end_pos;
    // Where the central directory must end: at the (zip64) end record.
    uint64_t dir_end = end_offset;
    bool zip64 = false;
    if (end_offset >= kLocator) {
        const std::string locator = read_at(in, end_offset - kLocator, kLocator);
        if (locator.compare(0, 4, "PK\x06\x07") == 0) {
            const uint64_t end64_offset = read_le(bytes_of(locator) + 8, 8);
            if (end64_offset > file_size || file_size - end64_offset < kEnd64Record)
                not_a_zip("zip64 directory locator points outside the file");
            const std::string end64 = read_at(in, end64_offset, kEnd64Record);
            if (end64.compare(0, 4, "PK\x06\x06") != 0) not_a_zip("broken zip64 end-of-directory record");
            entries = read_le(bytes_of(end64) + 32, 8);
            dir_size = read_le(bytes_of(end64) + 40, 8);
            dir_offset = read_le(bytes_of(end64) + 48, 8);
            dir_end = end64_offset;
            zip64 = true;
        }
    }
    if (!zip64 && (entries == 0xffff || dir_size == kSentinel32 || dir_offset == kSentinel32))
        not_a_zip("zip64 sizes without a zip64 directory");
    if (dir_offset > file_size || dir_size > file_size - dir_offset)
        not_a_zip("central directory lies outside the file");
    // PyTorch's miniz takes bytes between the directory and its end record
    // as data prepended to the archive and shifts every offset by that
    // much: such a file would mean different things to PyTorch and to
    // MergeLab, so it is refused (found by fuzzing).
    if (dir_offset + dir_size != dir_end)
        not_a_zip("the central directory ends at byte " + std::to_string(dir_offset + dir_size) +
                  ", not where its end record begins (" + std::to_string(dir_end) + ")");
    if (entries == 0) not_a_zip("the archive holds no records");
    if (entries > dir_size / kEntryHeader) not_a_zip("central directory too small for its entry count");

    const std::string dir = read_at(in, dir_offset, static_cast<size_t>(dir_size));
    const unsigned char* base = bytes_of(dir);
    size_t pos = 0;
    for (uint64_t i = 0; i < entries; ++i) {
        if (dir.size() - pos < kEntryHeader || dir.compare(pos, 4, "PK\x01\x02") != 0)
            not_a_zip("broken central directory entry " + std::to_string(i));
        const unsigned char* h = base + pos;
        const uint64_t flags = read_le(h + 8, 2);
        const uint64_t method = read_le(h + 10, 2);
        const auto crc = static_cast<uint32_t>(read_le(h + 16, 4));
        uint64_t compressed = read_le(h + 20, 4);
        uint64_t size = read_le(h + 24, 4);
        uint64_t local_offset = read_le(h + 42, 4);
        const size_t name_len = read_le(h + 28, 2);
        const size_t extra_len = read_le(h + 30, 2);
        const size_t comment_len = read_le(h + 32, 2);
        if (dir.size() - pos - kEntryHeader < name_len + extra_len + comment_len)
            not_a_zip("central directory entry " + std::to_string(i) + " runs past the directory");
        const std::string name = dir.substr(pos + kEntryHeader, name_len);

        // A zip64 extra field holds the real sizes, in this order, of the
        // fields whose 32-bit slot is saturated.
        if (size == kSentinel32 || compressed == kSentinel32 || local_offset == kSentinel32) {
            const unsigned char* x = h + kEntryHeader + name_len;
            const unsigned char* x_end = x + extra_len;
            while (x_end - x >= 4) {
                const uint64_t id = read_le(x, 2);
                const size_t len = read_le(x + 2, 2);
                if (static_cast<size_t>(x_end - x - 4) < len) break;
                if (id == 1) {
                    const unsigned char* f = x + 4;
                    const unsigned char* f_end = f + len;
                    if (size == kSentinel32 && f_end - f >= 8) {
                        size = read_le(f, 8);
                        f += 8;
                    }
                    if (compressed == kSentinel32 && f_end - f >= 8) {
                        compressed = read_le(f, 8);
                        f += 8;
                    }
                    if (local_offset == kSentinel32 && f_end - f >= 8) local_offset = read_le(f, 8);
                    break;
                }
                x += 4 + len;
            }
        }
        // What read_record below cannot read is refused while listing.
        if (flags & 1) not_a_zip("record '" + printable(name) + "' is encrypted");
        if (method != 0 && method != 8)
            not_a_zip("record '" + printable(name) + "' uses compression method " + std::to_string(method) +
                      ", neither stored nor deflated");
        if (size > file_size || compressed > file_size)
            not_a_zip("record '" + printable(name) + "' claims " + std::to_string(size) +
                      " bytes, more than the whole file (" + std::to_string(file_size) + ")");
        if (i == 0) {
            // PyTorch takes the archive folder from the first entry.
            const size_t slash = name.find('/');
            if (slash == std::string::npos)
                not_a_zip("first record '" + printable(name) + "' is not inside an archive folder");
            prefix_ = fold(name.substr(0, slash + 1));
        }
        if (!entries_.emplace(fold(name), ZipEntry{size, crc, method, compressed, local_offset}).second)
            not_a_zip("record '" + printable(name) + "' appears twice");
        pos += kEntryHeader + name_len + extra_len + comment_len;
    }
}

std::string ZipDirectory::fold(std::string name) {
    for (char& c : name)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return name;
}

std::optional<ZipEntry> ZipDirectory::find(const std::string& record) const {
    const auto it = entries_.find(prefix_ + fold(record));
    if (it == entries_.end()) return std::nullopt;
    return it->second;
}

uint32_t crc32_of(const unsigned char* data, size_t size);

// One record's bytes, stored or deflated, checked against its CRC-32. Sizes
// were bounded by the file's size when the directory was read.
std::pair<at::DataPtr, size_t> read_record(std::istream& in, uint64_t file_size, const ZipDirectory& zip,
                                           const std::string& name) {
    constexpr size_t kLocalHeader = 30;
    const std::optional<ZipEntry> entry = zip.find(name);
    if (!entry) refuse("record '" + printable(name) + "' is missing from the archive");
    const std::string what = "record '" + printable(name) + "'";
    if (entry->local_offset > file_size || file_size - entry->local_offset < kLocalHeader)
        refuse(what + " lies outside the file");
    const std::string local = read_at(in, entry->local_offset, kLocalHeader);
    if (local.compare(0, 4, "PK\x03\x04") != 0) refuse(what + " has no local header");
    const uint64_t data_offset =
        entry->local_offset + kLocalHeader + read_le(bytes_of(local) + 26, 2) + read_le(bytes_of(local) + 28, 2);
    if (data_offset > file_size || file_size - data_offset < entry->compressed)
        refuse(what + " runs past the end of the file");
    if (entry->method == 0 && entry->compressed != entry->size)
        refuse(what + " is stored with " + std::to_string(entry->compressed) + " bytes but claims " +
               std::to_string(entry->size));
    const std::string raw = read_at(in, data_offset, static_cast<size_t>(entry->compressed));
    const size_t size = static_cast<size_t>(entry->size);
    at::DataPtr data = c10::GetCPUAllocator()->allocate(size);
    if (entry->method == 0) {
        if (size) std::memcpy(data.get(), raw.data(), size);
    } else {
        z_stream zs{};
        if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) refuse("cannot start inflating " + what);
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
        zs.avail_in = static_cast<uInt>(raw.size());
        zs.next_out = static_cast<Bytef*>(data.get());
        zs.avail_out = static_cast<uInt>(size);
        const int status = inflate(&zs, Z_FINISH);
        const uint64_t produced = zs.total_out;
        inflateEnd(&zs);
        if (status != Z_STREAM_END || produced != size)
            refuse(what + " does not inflate to its " + std::to_string(size) + " bytes (damaged)");
    }
    if (crc32_of(static_cast<const unsigned char*>(data.get()), size) != entry->crc)
        refuse(what + " is corrupt (CRC-32 mismatch)");
    return {std::move(data), size};
}

// The version record, judged as libtorch would: ".data/version" before
// "version", digits after optional white space, within the format versions
// this LibTorch reads.
void check_version_record(std::istream& in, uint64_t file_size, const ZipDirectory& zip) {
    const char* name = ".data/version";
    if (!zip.find(name)) name = "version";
    if (!zip.find(name)) not_a_zip("no version record");
    const std::string record(name);
    const ZipEntry entry = *zip.find(name);
    constexpr uint64_t kMaxVersionBytes = 32;
    if (entry.size > kMaxVersionBytes)
        not_a_zip("the " + record + " record holds " + std::to_string(entry.size) + " bytes, not a version number");
    auto [bytes, length] = read_record(in, file_size, zip, record);
    const std::string text(static_cast<const char*>(bytes.get()), length);
    size_t i = 0;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    uint64_t version = 0;
    size_t digits = 0;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && digits < 6; ++i, ++digits)
        version = version * 10 + static_cast<uint64_t>(text[i] - '0');
    if (digits == 0 || (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))))
        not_a_zip("the " + record + " record '" + printable(text) + "' is not a version number");
    if (version < caffe2::serialize::kMinSupportedFileFormatVersion ||
        version > caffe2::serialize::kMaxSupportedFileFormatVersion)
        refuse("file format version " + std::to_string(version) + " is not supported (this build reads " +
               std::to_string(caffe2::serialize::kMinSupportedFileFormatVersion) + " to " +
               std::to_string(caffe2::serialize::kMaxSupportedFileFormatVersion) + ")");
}


// ---------------------------------------------------------------------------
// Pickle values.

enum class Kind : uint8_t { None, Bool, Int, Float, String, Tuple, List, Dict, Global, Storage, Tensor };

const char* kind_name(Kind kind) {
    switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "str";
    case Kind::Tuple: return "tuple";
    case Kind::List: return "list";
    case Kind::Dict: return "dict";
    case Kind::Global: return "global";
    case Kind::Storage: return "storage";
    case Kind::Tensor: return "tensor";
    }
    return "?";
}

enum class Element : uint8_t { Float32, Float64, Float16, BFloat16, Unsupported };

struct DType {
    const char* storage; // the torch.<X>Storage class naming it in pickles
    const char* name;
    size_t element_size;
    Element element;
};

// Integer storages are known so that such a tensor is refused by dtype, with
// its name, rather than as an unknown global.
// clang-format off
constexpr DType kDTypes[] = {
    {"FloatStorage", "float32", 4, Element::Float32},
    {"DoubleStorage", "float64", 8, Element::Float64},
    {"HalfStorage", "float16", 2, Element::Float16},
    {"BFloat16Storage", "bfloat16", 2, Element::BFloat16},
    {"LongStorage", "int64", 8, Element::Unsupported},
    {"IntStorage", "int32", 4, Element::Unsupported},
};
// clang-format on

enum class Callable : uint8_t { OrderedDict, RebuildTensorV2, RebuildParameter, RestoreTypeTag, StorageType };

struct StorageRef {
    const DType* dtype;
    std::string key; // record "data/<key>"
    int64_t numel;
};

struct TensorRef {
    std::shared_ptr<const StorageRef> storage;
    int64_t offset = 0;
    std::vector<int64_t> sizes;
    std::vector<int64_t> strides;
};

struct Value;
using ValuePtr = std::shared_ptr<Value>;

struct Value {
    explicit Value(Kind k)
        : kind(k) {}

    Kind kind;
    // Set once the value is inside a container. A sealed container is never
    // modified again, which rules out cycles and keeps `depth` exact.
    bool sealed = false;
    int depth = 0;               // nesting below this value
    int64_t integer = 0;         // Int, Bool
    double real = 0;             // Float
    std::string text;            // String; a Global's dotted name
    std::vector<ValuePtr> items; // Tuple, List; Dict as key, value, key, value...
    // Dict only: encoded key -> index of the key in items.
    std::unique_ptr<std::unordered_map<std::string, size_t>> index;
    Callable callable = Callable::OrderedDict; // Global
    const DType* dtype = nullptr;              // Global naming a storage type
    std::shared_ptr<const StorageRef> storage; // Storage
    std::shared_ptr<const TensorRef> tensor;   // Tensor
};

// ---------------------------------------------------------------------------
// The pickle machine.

enum class Op : uint8_t {
    Mark = '(',
    Stop = '.',
    BinFloat = 'G',
    BinInt = 'J',
    BinInt1 = 'K',
    BinInt2 = 'M',
    None = 'N',
    BinPersId = 'Q',
    Reduce = 'R',
    BinString = 'T',
    ShortBinString = 'U',
    BinUnicode = 'X',
    EmptyList = ']',
    Append = 'a',
    Build = 'b',
    Global = 'c',
    Appends = 'e',
    BinGet = 'h',
    LongBinGet = 'j',
    BinPut = 'q',
    LongBinPut = 'r',
    SetItem = 's',
    Tuple = 't',
    SetItems = 'u',
    EmptyDict = '}',
    EmptyTuple = ')',
    Proto = 0x80,
    Tuple1 = 0x85,
    Tuple2 = 0x86,
    Tuple3 = 0x87,
    NewTrue = 0x88,
    NewFalse = 0x89,
    Long1 = 0x8a,
    ShortBinUnicode = 0x8c,
    BinUnicode8 = 0x8d,
    StackGlobal = 0x93,
    Memoize = 0x94,
    Frame = 0x95,
};

// Every opcode of pickle protocols 0-5, so a refusal can say which it was.
const char* opcode_name(uint8_t op) {
    // clang-format off
    static const std::unordered_map<uint8_t, const char*> names = {
        {'(', "MARK"},         {'.', "STOP"},           {'0', "POP"},           {'1', "POP_MARK"},
        {'2', "DUP"},          {'F', "FLOAT"},          {'I', "INT"},           {'J', "BININT"},
        {'K', "BININT1"},      {'L', "LONG"},           {'M', "BININT2"},       {'N', "NONE"},
        {'P', "PERSID"},       {'Q', "BINPERSID"},      {'R', "REDUCE"},        {'S', "STRING"},
        {'T', "BINSTRING"},    {'U', "SHORT_BINSTRING"}, {'V', "UNICODE"},      {'X', "BINUNICODE"},
        {'a', "APPEND"},       {'b', "BUILD"},          {'c', "GLOBAL"},        {'d', "DICT"},
        {'}', "EMPTY_DICT"},   {'e', "APPENDS"},        {'g', "GET"},           {'h', "BINGET"},
        {'i', "INST"},         {'j', "LONG_BINGET"},    {'l', "LIST"},          {']', "EMPTY_LIST"},
        {'o', "OBJ"},          {'p', "PUT"},            {'q', "BINPUT"},        {'r', "LONG_BINPUT"},
        {'s', "SETITEM"},      {'t', "TUPLE"},          {')', "EMPTY_TUPLE"},   {'u', "SETITEMS"},
        {'G', "BINFLOAT"},     {0x80, "PROTO"},         {0x81, "NEWOBJ"},       {0x82, "EXT1"},
        {0x83, "EXT2"},        {0x84, "EXT4"},          {0x85, "TUPLE1"},       {0x86, "TUPLE2"},
        {0x87, "TUPLE3"},      {0x88, "NEWTRUE"},       {0x89, "NEWFALSE"},     {0x8a, "LONG1"},
        {0x8b, "LONG4"},       {'B', "BINBYTES"},       {'C', "SHORT_BINBYTES"}, {0x8c, "SHORT_BINUNICODE"},
        {0x8d, "BINUNICODE8"}, {0x8e, "BINBYTES8"},     {0x8f, "EMPTY_SET"},    {0x90, "ADDITEMS"},
        {0x91, "FROZENSET"},   {0x92, "NEWOBJ_EX"},     {0x93, "STACK_GLOBAL"}, {0x94, "MEMOIZE"},
        {0x95, "FRAME"},       {0x96, "BYTEARRAY8"},    {0x97, "NEXT_BUFFER"},  {0x98, "READONLY_BUFFER"},
    };
    // clang-format on
    const auto it = names.find(op);
    return it == names.end() ? nullptr : it->second;
}

class Unpickler {
public:
    // Size of record "data/<key>", if the archive has it.
    using RecordSize = std::function<std::optional<uint64_t>(const std::string& key)>;

    Unpickler(const unsigned char* data, size_t size, RecordSize record_size)
        : data_(data)
        , size_(size)
        , record_size_(std::move(record_size)) {}

    ValuePtr run();

private:
    // Far above anything a state_dict needs (Python batches SETITEMS by a
    // thousand; libtorch's pickler puts a whole dict on the stack, two slots
    // per tensor), low enough that a hostile file cannot exhaust memory.
    static constexpr size_t kMaxStack = size_t{1} << 20;
    static constexpr size_t kMaxMarks = 1024;
    static constexpr size_t kMaxMemo = size_t{1} << 20;
    static constexpr size_t kMaxValues = size_t{1} << 20;
    static constexpr int kMaxDepth = 64;
    static constexpr size_t kMaxDims = 64;
    static constexpr size_t kMaxGlobalLine = 256;

    [[noreturn]] void fail(const std::string& what) const {
        refuse("data.pkl at offset " + std::to_string(op_pos_) + ": " + what);
    }

    const unsigned char* take(size_t n);
    uint64_t read_uint(int bytes) { return read_le(take(static_cast<size_t>(bytes)), bytes); }
    std::string read_string(uint64_t n);
    std::string read_line();

    ValuePtr make(Kind kind);
    ValuePtr make_string(std::string text);
    ValuePtr make_int(int64_t v);
    ValuePtr make_global(const std::string& module, const std::string& name);
    ValuePtr make_tuple(std::vector<ValuePtr> items);

    void push(ValuePtr v);
    ValuePtr pop();
    const ValuePtr& top() const;
    std::vector<ValuePtr> pop_to_mark();
    std::vector<ValuePtr> pop_n(size_t n);

    int adopt(const ValuePtr& child);
    void grow(Value& container, int child_depth);
    void append(const ValuePtr& list, const ValuePtr& item);
    void set_item(const ValuePtr& dict, const ValuePtr& key, const ValuePtr& value);
    void memo_put(uint64_t index);
    void memo_get(uint64_t index);

    ValuePtr reduce(const ValuePtr& callable, const ValuePtr& args);
    ValuePtr rebuild_tensor(const std::vector<ValuePtr>& args);
    ValuePtr persistent_load(const ValuePtr& pid);
    std::vector<int64_t> int_tuple(const ValuePtr& v, const char* what);

    const unsigned char* data_;
    size_t size_;
    RecordSize record_size_;
    size_t pos_ = 0;
    size_t op_pos_ = 0;
    size_t made_ = 0;
    std::vector<ValuePtr> stack_;
    std::vector<size_t> marks_;
    std::unordered_map<uint64_t, ValuePtr> memo_;
    // Immutable, so every occurrence can share one object.
    const ValuePtr none_ = std::make_shared<Value>(Kind::None);
    const ValuePtr true_ = make_bool(true);
    const ValuePtr false_ = make_bool(false);
    const ValuePtr empty_tuple_ = std::make_shared<Value>(Kind::Tuple);

    static ValuePtr make_bool(bool b) {
        auto v = std::make_shared<Value>(Kind::Bool);
        v->integer = b ? 1 : 0;
        return v;
    }
};

const unsigned char* Unpickler::take(size_t n) {
    if (n > size_ - pos_) fail("data ends inside an opcode (truncated pickle)");
    const unsigned char* p = data_ + pos_;
    pos_ += n;
    return p;
}

std::string Unpickler::read_string(uint64_t n) {
    if (n > size_ - pos_) fail("string of " + std::to_string(n) + " bytes runs past the end of the pickle");
    const auto* p = take(static_cast<size_t>(n));
    return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
}

std::string Unpickler::read_line() {
    std::string line;
    while (true) {
        const auto c = static_cast<char>(*take(1));
        if (c == '\n') return line;
        if (line.size() >= kMaxGlobalLine) fail("GLOBAL name longer than " + std::to_string(kMaxGlobalLine));
        line += c;
    }
}

ValuePtr Unpickler::make(Kind kind) {
    if (++made_ > kMaxValues) fail("more than " + std::to_string(kMaxValues) + " objects");
    return std::make_shared<Value>(kind);
}

ValuePtr Unpickler::make_string(std::string text) {
    auto v = make(Kind::String);
    v->text = std::move(text);
    return v;
}

ValuePtr Unpickler::make_int(int64_t i) {
    auto v = make(Kind::Int);
    v->integer = i;
    return v;
}

ValuePtr Unpickler::make_global(const std::string& module, const std::string& name) {
    auto v = make(Kind::Global);
    v->text = module + "." + name;
    if (v->text == "collections.OrderedDict") {
        v->callable = Callable::OrderedDict;
    } else if (v->text == "torch._utils._rebuild_tensor_v2") {
        v->callable = Callable::RebuildTensorV2;
    } else if (v->text == "torch._utils._rebuild_parameter") {
        v->callable = Callable::RebuildParameter;
    } else if (v->text == "torch.jit._pickle.restore_type_tag") {
        // libtorch's torch::pickle_save wraps the dict in this; it only
        // attaches a type name, so it is evaluated as identity.
        v->callable = Callable::RestoreTypeTag;
    } else {
        for (const DType& d : kDTypes)
            if (module == "torch" && name == d.storage) v->dtype = &d;
        if (!v->dtype)
            fail("refuses global " + printable(v->text) +
                 " (a state_dict needs only collections.OrderedDict and torch's tensor rebuilds)");
        v->callable = Callable::StorageType;
    }
    return v;
}

// Marks the value as owned by a container; returns the container depth it implies.
int Unpickler::adopt(const ValuePtr& child) {
    child->sealed = true;
    return child->depth + 1;
}

void Unpickler::grow(Value& container, int depth) {
    if (depth > kMaxDepth) fail("objects nested deeper than " + std::to_string(kMaxDepth));
    container.depth = std::max(container.depth, depth);
}

ValuePtr Unpickler::make_tuple(std::vector<ValuePtr> items) {
    if (items.empty()) return empty_tuple_;
    auto t = make(Kind::Tuple);
    for (const auto& item : items) grow(*t, adopt(item));
    t->items = std::move(items);
    return t;
}

void Unpickler::push(ValuePtr v) {
    if (stack_.size() >= kMaxStack) fail("stack deeper than " + std::to_string(kMaxStack));
    stack_.push_back(std::move(v));
}

// Like Python's unpickler, values below the innermost MARK are out of reach.
ValuePtr Unpickler::pop() {
    const size_t floor = marks_.empty() ? 0 : marks_.back();
    if (stack_.size() <= floor) fail("stack underflow");
    ValuePtr v = std::move(stack_.back());
    stack_.pop_back();
    return v;
}

const ValuePtr& Unpickler::top() const {
    const size_t floor = marks_.empty() ? 0 : marks_.back();
    if (stack_.size() <= floor) fail("stack underflow");
    return stack_.back();
}

std::vector<ValuePtr> Unpickler::pop_to_mark() {
    if (marks_.empty()) fail("no MARK to pop to");
    const size_t mark = marks_.back();
    marks_.pop_back();
    std::vector<ValuePtr> items(std::make_move_iterator(stack_.begin() + static_cast<std::ptrdiff_t>(mark)),
                                std::make_move_iterator(stack_.end()));
    stack_.resize(mark);
    return items;
}

std::vector<ValuePtr> Unpickler::pop_n(size_t n) {
    std::vector<ValuePtr> items(n);
    for (size_t i = n; i-- > 0;) items[i] = pop();
    return items;
}

void Unpickler::append(const ValuePtr& list, const ValuePtr& item) {
    if (list->kind != Kind::List) fail("APPEND to a " + std::string(kind_name(list->kind)));
    // Adopt first: appending a list to itself then trips the sealed check.
    const int depth = adopt(item);
    if (list->sealed) fail("list modified after being nested in another object");
    grow(*list, depth);
    list->items.push_back(item);
}

void Unpickler::set_item(const ValuePtr& dict, const ValuePtr& key, const ValuePtr& value) {
    if (dict->kind != Kind::Dict) fail("SETITEM on a " + std::string(kind_name(dict->kind)));
    std::string encoded;
    switch (key->kind) {
    case Kind::String: encoded = "s" + key->text; break;
    case Kind::Int:
    case Kind::Bool: encoded = "i" + std::to_string(key->integer); break;
    case Kind::None: encoded = "n"; break;
    default: fail(std::string("dict key of type ") + kind_name(key->kind) + " is not supported");
    }
    const int depth = std::max(adopt(key), adopt(value));
    if (dict->sealed) fail("dict modified after being nested in another object");
    grow(*dict, depth);
    if (!dict->index) dict->index = std::make_unique<std::unordered_map<std::string, size_t>>();
    const auto it = dict->index->find(encoded);
    if (it != dict->index->end()) {
        // Python keeps the first position and the last value.
        dict->items[it->second + 1] = value;
    } else {
        dict->index->emplace(std::move(encoded), dict->items.size());
        dict->items.push_back(key);
        dict->items.push_back(value);
    }
}

void Unpickler::memo_put(uint64_t index) {
    if (memo_.size() >= kMaxMemo && memo_.count(index) == 0)
        fail("memo larger than " + std::to_string(kMaxMemo) + " entries");
    memo_[index] = top();
}

void Unpickler::memo_get(uint64_t index) {
    const auto it = memo_.find(index);
    if (it == memo_.end()) fail("memo entry " + std::to_string(index) + " read before it was written");
    push(it->second);
}

std::vector<int64_t> Unpickler::int_tuple(const ValuePtr& v, const char* what) {
    if (v->kind != Kind::Tuple)
        fail(std::string("tensor ") + what + " is a " + kind_name(v->kind) + ", not a tuple");
    if (v->items.size() > kMaxDims)
        fail(std::string("tensor ") + what + " has more than " + std::to_string(kMaxDims) + " dimensions");
    std::vector<int64_t> out;
    for (const auto& item : v->items) {
        if (item->kind != Kind::Int || item->integer < 0)
            fail(std::string("tensor ") + what + " holds something other than a non-negative int");
        out.push_back(item->integer);
    }
    return out;
}

// _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata]).
// Only the form is checked here; whether the view fits its storage is checked
// when the tensor is read, where its name is known.
ValuePtr Unpickler::rebuild_tensor(const std::vector<ValuePtr>& args) {
    if (args.size() != 6 && args.size() != 7)
        fail("_rebuild_tensor_v2 called with " + std::to_string(args.size()) + " arguments, expected 6 or 7");
    if (args[0]->kind != Kind::Storage)
        fail("_rebuild_tensor_v2 expects a storage, got a " + std::string(kind_name(args[0]->kind)));
    if (args[1]->kind != Kind::Int || args[1]->integer < 0)
        fail("tensor storage offset is not a non-negative int");
    auto t = std::make_shared<TensorRef>();
    t->storage = args[0]->storage;
    t->offset = args[1]->integer;
    t->sizes = int_tuple(args[2], "size");
    t->strides = int_tuple(args[3], "stride");
    if (t->sizes.size() != t->strides.size())
        fail("tensor size " + dims_to_string(t->sizes) + " and stride " + dims_to_string(t->strides) +
             " differ in length");
    if (args[4]->kind != Kind::Bool) fail("tensor requires_grad is not a bool");
    if (args[5]->kind != Kind::Dict) fail("tensor backward hooks are not an OrderedDict");
    if (args.size() == 7 && args[6]->kind != Kind::Dict && args[6]->kind != Kind::None)
        fail("tensor metadata is neither a dict nor None");
    auto v = make(Kind::Tensor);
    v->tensor = std::move(t);
    return v;
}

ValuePtr Unpickler::reduce(const ValuePtr& callable, const ValuePtr& args) {
    if (callable->kind != Kind::Global) fail(std::string("REDUCE calls a ") + kind_name(callable->kind));
    if (args->kind != Kind::Tuple)
        fail("REDUCE arguments for " + printable(callable->text) + " are a " + kind_name(args->kind) +
             ", not a tuple");
    const auto& a = args->items;
    switch (callable->callable) {
    case Callable::OrderedDict:
        if (!a.empty()) fail("collections.OrderedDict called with arguments");
        return make(Kind::Dict);
    case Callable::RebuildTensorV2: return rebuild_tensor(a);
    case Callable::RebuildParameter:
        if (a.size() != 3 || a[0]->kind != Kind::Tensor || a[1]->kind != Kind::Bool ||
            a[2]->kind != Kind::Dict)
            fail("_rebuild_parameter expects (tensor, requires_grad, hooks)");
        return a[0];
    case Callable::RestoreTypeTag:
        if (a.size() != 2 || a[1]->kind != Kind::String) fail("restore_type_tag expects (object, type name)");
        return a[0];
    case Callable::StorageType: break;
    }
    fail("refuses to call " + printable(callable->text));
}

// BINPERSID argument: ('storage', torch.<X>Storage, key, location, numel).
ValuePtr Unpickler::persistent_load(const ValuePtr& pid) {
    const auto& f = pid->items;
    if (pid->kind != Kind::Tuple || f.size() != 5 || f[0]->kind != Kind::String || f[0]->text != "storage" ||
        f[1]->kind != Kind::Global || f[1]->callable != Callable::StorageType || f[2]->kind != Kind::String ||
        f[3]->kind != Kind::String || f[4]->kind != Kind::Int)
        fail("persistent id is not ('storage', storage type, key, location, numel)");
    const DType* dtype = f[1]->dtype;
    const std::string& key = f[2]->text;
    const int64_t numel = f[4]->integer;
    uint64_t bytes = 0;
    if (numel < 0 || __builtin_mul_overflow(static_cast<uint64_t>(numel), dtype->element_size, &bytes))
        fail("storage '" + printable(key) + "' claims an impossible " + std::to_string(numel) + " elements");
    const std::optional<uint64_t> held = record_size_(key);
    if (!held) fail("storage record 'data/" + printable(key) + "' is missing from the archive");
    if (*held != bytes)
        fail("storage record 'data/" + printable(key) + "' holds " + std::to_string(*held) +
             " bytes, but the pickle claims " + std::to_string(numel) + " " + dtype->name + " elements (" +
             std::to_string(bytes) + " bytes)");
    auto storage = std::make_shared<StorageRef>();
    storage->dtype = dtype;
    storage->key = key;
    storage->numel = numel;
    auto v = make(Kind::Storage);
    v->storage = std::move(storage);
    return v;
}

ValuePtr Unpickler::run() {
    while (true) {
        op_pos_ = pos_;
        if (pos_ >= size_) fail("pickle ends without STOP");
        const uint8_t byte = *take(1);
        switch (static_cast<Op>(byte)) {
        case Op::Proto: {
            const uint8_t version = *take(1);
            if (version > 5) fail("unknown pickle protocol " + std::to_string(version));
            break;
        }
        case Op::Frame:
            // Frames only help buffered readers; the whole pickle is in memory.
            take(8);
            break;
        case Op::Global: {
            const std::string module = read_line();
            const std::string name = read_line();
            push(make_global(module, name));
            break;
        }
        case Op::StackGlobal: {
            // Protocol 4's GLOBAL (torch.save with pickle_protocol=4).
            const ValuePtr name = pop();
            const ValuePtr module = pop();
            if (name->kind != Kind::String || module->kind != Kind::String)
                fail("STACK_GLOBAL needs two strings");
            push(make_global(module->text, name->text));
            break;
        }
        case Op::EmptyTuple: push(empty_tuple_); break;
        case Op::Tuple: push(make_tuple(pop_to_mark())); break;
        case Op::Tuple1: push(make_tuple(pop_n(1))); break;
        case Op::Tuple2: push(make_tuple(pop_n(2))); break;
        case Op::Tuple3: push(make_tuple(pop_n(3))); break;
        case Op::EmptyDict: push(make(Kind::Dict)); break;
        case Op::EmptyList: push(make(Kind::List)); break;
        case Op::Mark:
            if (marks_.size() >= kMaxMarks) fail("MARKs nested deeper than " + std::to_string(kMaxMarks));
            marks_.push_back(stack_.size());
            break;
        case Op::SetItem: {
            const ValuePtr value = pop();
            const ValuePtr key = pop();
            set_item(top(), key, value);
            break;
        }
        case Op::SetItems: {
            const std::vector<ValuePtr> items = pop_to_mark();
            if (items.size() % 2 != 0) fail("SETITEMS with an odd number of items");
            const ValuePtr& dict = top();
            for (size_t i = 0; i < items.size(); i += 2) set_item(dict, items[i], items[i + 1]);
            break;
        }
        case Op::Append: {
            const ValuePtr item = pop();
            append(top(), item);
            break;
        }
        case Op::Appends: {
            const std::vector<ValuePtr> items = pop_to_mark();
            const ValuePtr& list = top();
            for (const auto& item : items) append(list, item);
            break;
        }
        case Op::BinPut: memo_put(read_uint(1)); break;
        case Op::LongBinPut: memo_put(read_uint(4)); break;
        case Op::Memoize: memo_put(memo_.size()); break;
        case Op::BinGet: memo_get(read_uint(1)); break;
        case Op::LongBinGet: memo_get(read_uint(4)); break;
        case Op::ShortBinUnicode:
        case Op::ShortBinString: push(make_string(read_string(read_uint(1)))); break;
        case Op::BinUnicode: push(make_string(read_string(read_uint(4)))); break;
        case Op::BinUnicode8: push(make_string(read_string(read_uint(8)))); break;
        case Op::BinString: {
            const auto n = static_cast<int32_t>(read_uint(4));
            if (n < 0) fail("BINSTRING with a negative length");
            push(make_string(read_string(static_cast<uint64_t>(n))));
            break;
        }
        case Op::BinInt: push(make_int(static_cast<int32_t>(read_uint(4)))); break;
        case Op::BinInt1: push(make_int(static_cast<int64_t>(read_uint(1)))); break;
        case Op::BinInt2: push(make_int(static_cast<int64_t>(read_uint(2)))); break;
        case Op::Long1: {
            const auto n = static_cast<int>(read_uint(1));
            if (n > 8) fail("integer of " + std::to_string(n) + " bytes does not fit 64 bits");
            uint64_t raw = n ? read_uint(n) : 0;
            // Two's complement of n bytes: extend the sign bit.
            if (n > 0 && n < 8 && (raw >> (8 * n - 1)) & 1) raw |= ~uint64_t{0} << (8 * n);
            push(make_int(static_cast<int64_t>(raw)));
            break;
        }
        case Op::None: push(none_); break;
        case Op::NewTrue: push(true_); break;
        case Op::NewFalse: push(false_); break;
        case Op::BinFloat: {
            const unsigned char* p = take(8);
            uint64_t bits = 0;
            for (int i = 0; i < 8; ++i) bits = (bits << 8) | p[i]; // big-endian, unlike everything else
            auto v = make(Kind::Float);
            std::memcpy(&v->real, &bits, sizeof bits);
            push(std::move(v));
            break;
        }
        case Op::Reduce: {
            const ValuePtr args = pop();
            const ValuePtr callable = pop();
            push(reduce(callable, args));
            break;
        }
        case Op::Build: {
            // OrderedDict's state is its __dict__, i.e. {'_metadata': ...}:
            // version numbers for Python's load_state_dict hooks, unused here.
            const ValuePtr state = pop();
            const ValuePtr& target = top();
            if (target->kind != Kind::Dict || (state->kind != Kind::Dict && state->kind != Kind::None))
                fail(std::string("BUILD of a ") + kind_name(target->kind) + " from a " +
                     kind_name(state->kind) + " is not supported");
            break;
        }
        case Op::BinPersId: push(persistent_load(pop())); break;
        case Op::Stop: return pop();
        default: {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02x", byte);
            const char* name = opcode_name(byte);
            fail(std::string("unsupported pickle opcode ") + hex +
                 (name ? std::string(" (") + name + ")" : std::string()));
        }
        }
    }
}

// ---------------------------------------------------------------------------
// From the evaluated pickle to a WeightSet.

// Checks the view against its storage before the output is allocated:
// neither the view's extent nor its element count may exceed what the
// storage record (already matched against the zip) holds.
int64_t checked_numel(const std::string& name, const TensorRef& t) {
    const auto where = [&] {
        return "tensor '" + printable(name) + "' (size " + dims_to_string(t.sizes) + ", stride " +
               dims_to_string(t.strides) + ", offset " + std::to_string(t.offset) + ")";
    };
    const int64_t storage = t.storage->numel;
    int64_t numel = 1;
    for (int64_t s : t.sizes)
        if (__builtin_mul_overflow(numel, s, &numel)) refuse(where() + " has more elements than fit 64 bits");
    if (numel == 0) {
        if (t.offset > storage)
            refuse(where() + " starts past the end of its storage of " + std::to_string(storage) +
                   " elements");
        return 0;
    }
    int64_t last = t.offset;
    for (size_t d = 0; d < t.sizes.size(); ++d) {
        int64_t span = 0;
        if (__builtin_mul_overflow(t.sizes[d] - 1, t.strides[d], &span) ||
            __builtin_add_overflow(last, span, &last))
            refuse(where() + " reaches beyond 64-bit offsets");
    }
    if (last >= storage)
        refuse(where() + " reaches element " + std::to_string(last) + " of a storage with only " +
               std::to_string(storage) + " elements");
    // Stride-0 (broadcast) views could expand a tiny storage into any size.
    if (numel > storage)
        refuse(where() + " has " + std::to_string(numel) + " elements but its storage only " +
               std::to_string(storage) + " (broadcast views are not supported)");
    return numel;
}

template <typename Decode>
void gather(const unsigned char* base, size_t element_size, const TensorRef& t, int64_t numel, float* out,
            Decode decode) {
    if (numel == 0) return;
    bool contiguous = true;
    int64_t expected = 1;
    for (size_t d = t.sizes.size(); d-- > 0;) {
        if (t.sizes[d] != 1 && t.strides[d] != expected) contiguous = false;
        expected *= t.sizes[d];
    }
    if (contiguous) {
        const unsigned char* p = base + static_cast<size_t>(t.offset) * element_size;
        for (int64_t i = 0; i < numel; ++i) out[i] = decode(p + static_cast<size_t>(i) * element_size);
        return;
    }
    // Walk the view in row-major order like an odometer, keeping the storage
    // position in step so each element costs O(1).
    const size_t ndim = t.sizes.size();
    std::vector<int64_t> index(ndim, 0);
    int64_t pos = t.offset;
    for (int64_t i = 0; i < numel; ++i) {
        out[i] = decode(base + static_cast<size_t>(pos) * element_size);
        for (size_t d = ndim; d-- > 0;) {
            if (++index[d] < t.sizes[d]) {
                pos += t.strides[d];
                break;
            }
            pos -= (t.sizes[d] - 1) * t.strides[d];
            index[d] = 0;
        }
    }
}

template <typename T> T load_raw(const unsigned char* p) {
    T value;
    std::memcpy(&value, p, sizeof value);
    return value;
}

void decode_tensor(const unsigned char* base, const TensorRef& t, int64_t numel, float* out) {
    const size_t size = t.storage->dtype->element_size;
    switch (t.storage->dtype->element) {
    case Element::Float32:
        gather(base, size, t, numel, out, [](const unsigned char* p) { return load_raw<float>(p); });
        break;
    case Element::Float64:
        gather(base, size, t, numel, out,
               [](const unsigned char* p) { return static_cast<float>(load_raw<double>(p)); });
        break;
    case Element::Float16:
        gather(base, size, t, numel, out, [](const unsigned char* p) {
            return static_cast<float>(c10::Half(load_raw<uint16_t>(p), c10::Half::from_bits()));
        });
        break;
    case Element::BFloat16:
        gather(base, size, t, numel, out, [](const unsigned char* p) {
            return static_cast<float>(c10::BFloat16(load_raw<uint16_t>(p), c10::BFloat16::from_bits()));
        });
        break;
    case Element::Unsupported: break;
    }
}

uint32_t crc32_of(const unsigned char* data, size_t size) {
    uLong crc = ::crc32(0L, Z_NULL, 0);
    while (size > 0) {
        const auto chunk = static_cast<uInt>(std::min<size_t>(size, 1u << 30));
        crc = ::crc32(crc, data, chunk);
        data += chunk;
        size -= chunk;
    }
    return static_cast<uint32_t>(crc);
}

// A record's bytes, as large as the zip directory says and matching its CRC.
WeightSet to_weights(const Value& root, std::istream& in, uint64_t file_size, const ZipDirectory& zip) {
    if (root.kind != Kind::Dict)
        refuse(std::string("data.pkl holds a ") + kind_name(root.kind) + ", not a dict of tensors");
    WeightSet out;
    out.reserve(root.items.size() / 2);
    // Consecutive tensors often share one storage (views of one buffer);
    // keeping the last record avoids reading it again for each of them.
    std::string cached_key;
    at::DataPtr cached;
    for (size_t i = 0; i < root.items.size(); i += 2) {
        const Value& key = *root.items[i];
        const Value& value = *root.items[i + 1];
        if (key.kind != Kind::String)
            refuse(std::string("data.pkl has a dict key of type ") + kind_name(key.kind) +
                   "; tensor names are str");
        const std::string& name = key.text;
        if (value.kind != Kind::Tensor)
            refuse("entry '" + printable(name) + "' holds a value of type " + kind_name(value.kind) +
                   ", not a tensor");
        const TensorRef& t = *value.tensor;
        const DType& dtype = *t.storage->dtype;
        if (dtype.element == Element::Unsupported)
            refuse("tensor '" + printable(name) + "' has unsupported dtype " + dtype.name +
                   " (only float32, float64, float16 and bfloat16 tensors are read)");
        const int64_t numel = checked_numel(name, t);

        const std::string record = "data/" + t.storage->key;
        if (!cached || cached_key != t.storage->key) {
            cached = at::DataPtr();
            auto [data, size] = read_record(in, file_size, zip, record);
            // Already implied by the checks at BINPERSID and in read_record;
            // repeated here because the decode below relies on it.
            if (size != static_cast<size_t>(t.storage->numel) * dtype.element_size)
                refuse("record '" + printable(record) + "' holds " + std::to_string(size) +
                       " bytes, not the " + std::to_string(t.storage->numel) + " " + dtype.name +
                       " elements its tensors use");
            cached = std::move(data);
            cached_key = t.storage->key;
        }

        NamedTensor tensor;
        tensor.name = name;
        tensor.shape = t.sizes;
        tensor.values.resize(static_cast<size_t>(numel));
        decode_tensor(static_cast<const unsigned char*>(cached.get()), t, numel, tensor.values.data());
        out.push_back(std::move(tensor));
    }
    return out;
}

// What torch.save wrote before PyTorch 1.6: a bare pickle of this magic
// number (LONG1, 10 bytes) followed by more pickles and raw storages.
bool is_legacy_torch_save(const std::string& head) {
    static const std::string magic = std::string("\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 12);
    return head.size() >= 2 + magic.size() && static_cast<unsigned char>(head[0]) == 0x80 &&
           head.compare(2, magic.size(), magic) == 0;
}

WeightSet load(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        refuse("cannot open (" + (ec ? ec.message() : std::string(std::strerror(ENOENT))) + ")");
    if (fs::is_directory(status)) refuse("is a directory, not a state_dict file");
    const uint64_t file_size = fs::file_size(path, ec);
    if (ec) refuse("cannot read the size (" + ec.message() + ")");

    std::ifstream in(path, std::ios::binary);
    if (!in) refuse(std::string("cannot open (") + std::strerror(errno) + ")");
    if (file_size == 0) refuse("empty file, not a PyTorch zip file");

    const std::string head = read_at(in, 0, static_cast<size_t>(std::min<uint64_t>(file_size, 16)));
    if (is_legacy_torch_save(head))
        refuse("legacy (pre-1.6, non-zip) torch.save format is not supported; re-save it with a current "
               "PyTorch: torch.save(torch.load(path), path)");
    if (static_cast<unsigned char>(head[0]) == 0x80)
        refuse("a bare pickle, not a PyTorch zip file (not supported; re-save it with a current PyTorch's "
               "torch.save)");

    const ZipDirectory zip(in, file_size);
    check_version_record(in, file_size, zip);

    if (zip.find("byteorder")) {
        auto [data, size] = read_record(in, file_size, zip, "byteorder");
        const std::string order(static_cast<const char*>(data.get()), size);
        if (order != "little")
            refuse("storages are stored '" + printable(order) + "'-endian; only little-endian is supported");
    }
    if (!zip.find("data.pkl")) not_a_zip("no data.pkl record");
    auto [pickle, pickle_size] = read_record(in, file_size, zip, "data.pkl");
    Unpickler unpickler(static_cast<const unsigned char*>(pickle.get()), pickle_size,
                        [&zip](const std::string& key) -> std::optional<uint64_t> {
                            if (const auto entry = zip.find("data/" + key)) return entry->size;
                            return std::nullopt;
                        });
    const ValuePtr root = unpickler.run();
    pickle = at::DataPtr();
    return to_weights(*root, in, file_size, zip);
}

// ---------------------------------------------------------------------------
// Writing.

class PickleWriter {
public:
    void op(Op o) { out_.push_back(static_cast<char>(o)); }
    void byte(uint8_t b) { out_.push_back(static_cast<char>(b)); }

    void integer(int64_t v) {
        if (v >= 0 && v < 0x100) {
            op(Op::BinInt1);
            le(static_cast<uint64_t>(v), 1);
        } else if (v >= 0 && v < 0x10000) {
            op(Op::BinInt2);
            le(static_cast<uint64_t>(v), 2);
        } else if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) {
            op(Op::BinInt);
            le(static_cast<uint64_t>(v), 4);
        } else {
            // Python's own choice for wide ints: LONG1, shortest two's complement.
            std::string bytes;
            int64_t rest = v;
            do {
                bytes.push_back(static_cast<char>(rest & 0xff));
                rest >>= 8; // arithmetic: the sign is kept
            } while (!((rest == 0 && !(bytes.back() & 0x80)) || (rest == -1 && (bytes.back() & 0x80))));
            op(Op::Long1);
            le(bytes.size(), 1);
            out_ += bytes;
        }
    }

    void string(const std::string& s) {
        op(Op::BinUnicode);
        le(s.size(), 4);
        out_ += s;
    }

    void global(const char* module, const char* name) {
        op(Op::Global);
        out_ += module;
        out_ += '\n';
        out_ += name;
        out_ += '\n';
    }

    void put(uint32_t index) {
        if (index < 0x100) {
            op(Op::BinPut);
            le(index, 1);
        } else {
            op(Op::LongBinPut);
            le(index, 4);
        }
    }

    void get(uint32_t index) {
        if (index < 0x100) {
            op(Op::BinGet);
            le(index, 1);
        } else {
            op(Op::LongBinGet);
            le(index, 4);
        }
    }

    void int_tuple(const std::vector<int64_t>& values) {
        if (values.empty()) {
            op(Op::EmptyTuple);
            return;
        }
        if (values.size() > 3) op(Op::Mark);
        for (int64_t v : values) integer(v);
        if (values.size() > 3)
            op(Op::Tuple);
        else
            op(static_cast<Op>(static_cast<uint8_t>(Op::Tuple1) + values.size() - 1));
    }

    const std::string& bytes() const { return out_; }

private:
    void le(uint64_t v, int n) {
        for (int i = 0; i < n; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    }

    std::string out_;
};

// The pickle Python's torch.save writes for an OrderedDict of float32
// tensors (protocol 2, the same opcodes, shared strings and globals memoized
// like Python does), minus `_metadata`, which load_state_dict treats as
// optional. Storage i is record "data/i".
std::string state_dict_pickle(const WeightSet& weights) {
    PickleWriter w;
    w.op(Op::Proto);
    w.byte(2);

    uint32_t next_memo = 0;
    const uint32_t ordered_dict = next_memo++;
    w.global("collections", "OrderedDict");
    w.put(ordered_dict);
    w.op(Op::EmptyTuple);
    w.op(Op::Reduce);
    w.put(next_memo++);

    // Memo slots of values every tensor repeats, assigned on first use.
    std::optional<uint32_t> rebuild, storage_tag, float_storage, cpu;
    const auto emit_shared = [&](std::optional<uint32_t>& slot, const std::function<void()>& emit) {
        if (slot) {
            w.get(*slot);
        } else {
            emit();
            slot = next_memo++;
            w.put(*slot);
        }
    };

    // Python writes SETITEMS in batches of a thousand, a lone item as SETITEM.
    constexpr size_t kBatch = 1000;
    for (size_t start = 0; start < weights.size(); start += kBatch) {
        const size_t end = std::min(weights.size(), start + kBatch);
        const bool batched = end - start > 1;
        if (batched) w.op(Op::Mark);
        for (size_t i = start; i < end; ++i) {
            const NamedTensor& t = weights[i];
            w.string(t.name);
            emit_shared(rebuild, [&] { w.global("torch._utils", "_rebuild_tensor_v2"); });
            w.op(Op::Mark);
            w.op(Op::Mark);
            emit_shared(storage_tag, [&] { w.string("storage"); });
            emit_shared(float_storage, [&] { w.global("torch", "FloatStorage"); });
            w.string(std::to_string(i));
            emit_shared(cpu, [&] { w.string("cpu"); });
            w.integer(static_cast<int64_t>(t.values.size()));
            w.op(Op::Tuple);
            w.op(Op::BinPersId);
            w.integer(0); // storage offset
            w.int_tuple(t.shape);
            // Contiguous strides; PyTorch counts a size-0 dimension as 1 here.
            std::vector<int64_t> strides(t.shape.size());
            int64_t step = 1;
            for (size_t d = t.shape.size(); d-- > 0;) {
                strides[d] = step;
                step *= std::max<int64_t>(t.shape[d], 1);
            }
            w.int_tuple(strides);
            w.op(Op::NewFalse);  // requires_grad
            w.get(ordered_dict); // backward hooks: OrderedDict()
            w.op(Op::EmptyTuple);
            w.op(Op::Reduce);
            w.op(Op::Tuple);
            w.op(Op::Reduce);
        }
        w.op(batched ? Op::SetItems : Op::SetItem);
    }
    w.op(Op::Stop);
    return w.bytes();
}

bool is_utf8(const std::string& s) {
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        size_t n = 0;
        uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (s.size() - i <= n) return false;
        for (size_t k = 1; k <= n; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3f);
        }
        // Overlong forms, surrogates and values past Unicode are what
        // Python's strict decoder rejects.
        static const uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += n + 1;
    }
    return true;
}

// Writes a PyTorch zip to "<path>.tmp-<pid>" and renames it over `path`, so
// readers never see half a file. `fill` adds the records.
void write_zip_atomically(const std::string& path, const std::function<void(PyTorchStreamWriter&)>& fill) {
    const std::string temp = path + ".tmp-" + std::to_string(::getpid());
    std::FILE* file = std::fopen(temp.c_str(), "wb");
    if (!file) throw Error(path + ": cannot create " + temp + " (" + std::strerror(errno) + ")");

    int write_errno = 0;
    // Always reports success to libtorch: on a short write PyTorchStreamWriter
    // throws, and its destructor then finishes the archive through the same
    // sink and throws again, from a noexcept destructor (std::terminate).
    // The failure is remembered here and reported once the writer is done.
    const auto sink = [&](const void* data, size_t n) -> size_t {
        if (write_errno == 0 && n > 0 && std::fwrite(data, 1, n, file) != n)
            write_errno = errno ? errno : EIO;
        return n;
    };

    std::string failure;
    try {
        auto writer = std::make_unique<PyTorchStreamWriter>(sink);
        try {
            fill(*writer);
            writer->writeEndOfFile();
        } catch (...) {
            if (!writer->finalized()) {
                try {
                    writer->writeEndOfFile();
                } catch (...) {
                }
            }
            // Better a small leak than a destructor that terminates the process.
            if (!writer->finalized()) (void)writer.release();
            throw;
        }
    } catch (const std::exception& e) {
        failure = describe(e);
    }
    if (failure.empty() && write_errno) failure = std::strerror(write_errno);
    if (failure.empty() && (std::fflush(file) != 0 || ::fsync(::fileno(file)) != 0))
        failure = std::strerror(errno);
    if (std::fclose(file) != 0 && failure.empty()) failure = std::strerror(errno);
    if (!failure.empty()) {
        std::remove(temp.c_str());
        throw Error(path + ": cannot write (" + failure + ")");
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        std::remove(temp.c_str());
        throw Error(path + ": cannot replace it with " + temp + " (" + std::strerror(err) + ")");
    }
}

} // namespace

WeightSet load_state_dict(const std::string& path) {
    try {
        return load(path);
    } catch (const Refusal& e) {
        throw Error(path + ": " + e.what());
    } catch (const std::bad_alloc&) {
        throw Error(path + ": out of memory while reading");
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(path + ": cannot read (" + describe(e) + ")");
    }
}

void save_state_dict(const std::string& path, const WeightSet& weights) {
    std::unordered_set<std::string> names;
    for (const NamedTensor& t : weights) {
        if (t.name.empty()) throw Error(path + ": cannot save a tensor without a name");
        if (!is_utf8(t.name)) throw Error(path + ": tensor name '" + printable(t.name) + "' is not UTF-8");
        if (!names.insert(t.name).second) throw Error(path + ": tensor '" + t.name + "' appears twice");
        int64_t numel = 1;
        bool valid = true;
        for (int64_t d : t.shape)
            if (d < 0 || __builtin_mul_overflow(numel, d, &numel)) valid = false;
        if (!valid || static_cast<uint64_t>(numel) != t.values.size())
            throw Error(path + ": tensor '" + t.name + "' has shape " + dims_to_string(t.shape) + " but " +
                        std::to_string(t.values.size()) + " values");
    }
    const std::string pickle = state_dict_pickle(weights);
    write_zip_atomically(path, [&](PyTorchStreamWriter& writer) {
        writer.writeRecord("data.pkl", pickle.data(), pickle.size());
        // PyTorch 2.x writes this too; it makes the byte order explicit.
        writer.writeRecord("byteorder", "little", 6);
        static const float kNothing = 0;
        for (size_t i = 0; i < weights.size(); ++i) {
            const auto& values = weights[i].values;
            writer.writeRecord("data/" + std::to_string(i), values.empty() ? &kNothing : values.data(),
                               values.size() * sizeof(float));
        }
    });
}

void write_torch_zip(const std::string& path,
                     const std::vector<std::pair<std::string, std::string>>& records) {
    std::unordered_set<std::string> names;
    for (const auto& record : records) {
        if (record.first.empty()) throw Error(path + ": cannot write a record without a name");
        if (!names.insert(record.first).second)
            throw Error(path + ": record '" + record.first + "' given twice");
    }
    write_zip_atomically(path, [&](PyTorchStreamWriter& writer) {
        for (const auto& [name, bytes] : records) writer.writeRecord(name, bytes.data(), bytes.size());
    });
}

} // namespace mergelab
