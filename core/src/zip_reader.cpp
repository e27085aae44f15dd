#include "zip_reader.h"

#include <c10/core/CPUAllocator.h>
#include <caffe2/serialize/versions.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "torch_format.h"

namespace mergelab::torch_format {
namespace {

constexpr size_t kEntryHeader = 46; // a central directory entry before its name
constexpr uint32_t kSentinel32 = 0xffffffffu;

struct DirectoryLocation {
    uint64_t entries;
    uint64_t size;
    uint64_t offset;
};

// From the (zip64) end record; every claim is checked against the file's size.
DirectoryLocation locate_directory(std::istream& in, uint64_t file_size) {
    constexpr size_t kEndRecord = 22; // end of central directory, without comment
    constexpr size_t kMaxComment = 0xffff;
    constexpr size_t kLocator = 20; // zip64 end of central directory locator
    constexpr size_t kEnd64Record = 56;

    if (file_size < kEndRecord)
        not_a_zip("only " + std::to_string(file_size) + " bytes");
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
            if (end64.compare(0, 4, "PK\x06\x06") != 0)
                not_a_zip("broken zip64 end-of-directory record");
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
    if (entries == 0)
        not_a_zip("the archive holds no records");
    if (entries > dir_size / kEntryHeader)
        not_a_zip("central directory too small for its entry count");
    return {entries, dir_size, dir_offset};
}

// A zip64 extra field holds the real sizes, in this order, of the fields
// whose 32-bit slot is saturated.
void read_zip64_extra(const unsigned char* x, size_t extra_len, uint64_t& size, uint64_t& compressed,
                      uint64_t& local_offset) {
    const unsigned char* x_end = x + extra_len;
    while (x_end - x >= 4) {
        const uint64_t id = read_le(x, 2);
        const size_t len = read_le(x + 2, 2);
        if (static_cast<size_t>(x_end - x - 4) < len)
            break;
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
            if (local_offset == kSentinel32 && f_end - f >= 8)
                local_offset = read_le(f, 8);
            break;
        }
        x += 4 + len;
    }
}

} // namespace

void not_a_zip(const std::string& why) {
    refuse("not a PyTorch zip file (" + why + ")");
}

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
    const DirectoryLocation where = locate_directory(in, file_size);
    add_entries(read_at(in, where.offset, static_cast<size_t>(where.size)), where.entries, file_size);
}

void ZipDirectory::add_entries(const std::string& dir, uint64_t entries, uint64_t file_size) {
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

        if (size == kSentinel32 || compressed == kSentinel32 || local_offset == kSentinel32)
            read_zip64_extra(h + kEntryHeader + name_len, extra_len, size, compressed, local_offset);
        // What read_record below cannot read is refused while listing.
        if (flags & 1)
            not_a_zip("record '" + shown(name) + "' is encrypted");
        if (method != 0 && method != 8)
            not_a_zip("record '" + shown(name) + "' uses compression method " + std::to_string(method) +
                      ", neither stored nor deflated");
        if (size > file_size || compressed > file_size)
            not_a_zip("record '" + shown(name) + "' claims " + std::to_string(size) +
                      " bytes, more than the whole file (" + std::to_string(file_size) + ")");
        if (i == 0) {
            // PyTorch takes the archive folder from the first entry.
            const size_t slash = name.find('/');
            if (slash == std::string::npos)
                not_a_zip("first record '" + shown(name) + "' is not inside an archive folder");
            prefix_ = fold(name.substr(0, slash + 1));
        }
        if (!entries_.emplace(fold(name), ZipEntry{size, crc, method, compressed, local_offset}).second)
            not_a_zip("record '" + shown(name) + "' appears twice");
        pos += kEntryHeader + name_len + extra_len + comment_len;
    }
}

std::string ZipDirectory::fold(std::string name) {
    for (char& c : name)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return name;
}

std::optional<ZipEntry> ZipDirectory::find(const std::string& record) const {
    const auto it = entries_.find(prefix_ + fold(record));
    if (it == entries_.end())
        return std::nullopt;
    return it->second;
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

// Sizes were bounded by the file's size when the directory was read, so the
// allocation below is never larger than the file.
std::pair<c10::DataPtr, size_t> read_record(std::istream& in, uint64_t file_size, const ZipDirectory& zip,
                                            const std::string& name) {
    constexpr size_t kLocalHeader = 30;
    const std::optional<ZipEntry> entry = zip.find(name);
    if (!entry)
        refuse("record '" + shown(name) + "' is missing from the archive");
    const std::string what = "record '" + shown(name) + "'";
    if (entry->local_offset > file_size || file_size - entry->local_offset < kLocalHeader)
        refuse(what + " lies outside the file");
    const std::string local = read_at(in, entry->local_offset, kLocalHeader);
    if (local.compare(0, 4, "PK\x03\x04") != 0)
        refuse(what + " has no local header");
    const uint64_t data_offset = entry->local_offset + kLocalHeader + read_le(bytes_of(local) + 26, 2) +
                                 read_le(bytes_of(local) + 28, 2);
    if (data_offset > file_size || file_size - data_offset < entry->compressed)
        refuse(what + " runs past the end of the file");
    if (entry->method == 0 && entry->compressed != entry->size)
        refuse(what + " is stored with " + std::to_string(entry->compressed) + " bytes but claims " +
               std::to_string(entry->size));
    const std::string raw = read_at(in, data_offset, static_cast<size_t>(entry->compressed));
    const size_t size = static_cast<size_t>(entry->size);
    c10::DataPtr data = c10::GetCPUAllocator()->allocate(size);
    if (entry->method == 0) {
        if (size)
            std::memcpy(data.get(), raw.data(), size);
    } else {
        z_stream zs{};
        if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
            refuse("cannot start inflating " + what);
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

void check_version_record(std::istream& in, uint64_t file_size, const ZipDirectory& zip) {
    const char* name = ".data/version";
    if (!zip.find(name))
        name = "version";
    if (!zip.find(name))
        not_a_zip("no version record");
    const std::string record(name);
    const ZipEntry entry = *zip.find(name);
    constexpr uint64_t kMaxVersionBytes = 32;
    if (entry.size > kMaxVersionBytes)
        not_a_zip("the " + record + " record holds " + std::to_string(entry.size) +
                  " bytes, not a version number");
    auto [bytes, length] = read_record(in, file_size, zip, record);
    const std::string text(static_cast<const char*>(bytes.get()), length);
    size_t i = 0;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
        ++i;
    uint64_t version = 0;
    size_t digits = 0;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && digits < 6; ++i, ++digits)
        version = version * 10 + static_cast<uint64_t>(text[i] - '0');
    if (digits == 0 || (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))))
        not_a_zip("the " + record + " record '" + shown(text) + "' is not a version number");
    if (version < caffe2::serialize::kMinSupportedFileFormatVersion ||
        version > caffe2::serialize::kMaxSupportedFileFormatVersion)
        refuse("file format version " + std::to_string(version) + " is not supported (this build reads " +
               std::to_string(caffe2::serialize::kMinSupportedFileFormatVersion) + " to " +
               std::to_string(caffe2::serialize::kMaxSupportedFileFormatVersion) + ")");
}

} // namespace mergelab::torch_format
