#pragma once
// The zip side of a PyTorch file: the central directory, records checked
// against their CRC-32, and the version record. Read here rather than by
// libtorch's reader, which leaks when its constructor throws and resolves
// offsets of malformed archives differently from any check made beforehand
// (fuzzing found both). Private to the core.
#include <c10/core/Allocator.h>

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace mergelab::torch_format {

// Throws Refusal("not a PyTorch zip file (<why>)").
[[noreturn]] void not_a_zip(const std::string& why);

struct ZipEntry {
    uint64_t size; // uncompressed
    uint32_t crc;
    uint64_t method;       // 0 stored, 8 deflated
    uint64_t compressed;   // bytes in the file
    uint64_t local_offset; // of the record's local header
};

// A record claiming more bytes than the whole file is refused before
// anything is allocated for it; CRCs are kept and checked on every record
// read.
class ZipDirectory {
public:
    ZipDirectory(std::istream& in, uint64_t file_size);

    // "<archive>/<record>", as PyTorch's reader finds it.
    std::optional<ZipEntry> find(const std::string& record) const;

private:
    // miniz looks names up case-insensitively, so this index does too.
    static std::string fold(std::string name);

    void add_entries(const std::string& dir, uint64_t entries, uint64_t file_size);

    std::string prefix_;
    std::unordered_map<std::string, ZipEntry> entries_;
};

// Exactly `n` bytes at `offset`, or not_a_zip.
std::string read_at(std::istream& in, uint64_t offset, size_t n);

uint32_t crc32_of(const unsigned char* data, size_t size);

// One record's bytes, stored or deflated, checked against its CRC-32.
std::pair<c10::DataPtr, size_t> read_record(std::istream& in, uint64_t file_size, const ZipDirectory& zip,
                                            const std::string& name);

// The version record, judged as libtorch would: ".data/version" before
// "version", digits after optional white space, within the format versions
// this LibTorch reads.
void check_version_record(std::istream& in, uint64_t file_size, const ZipDirectory& zip);

} // namespace mergelab::torch_format
