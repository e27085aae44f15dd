#include "torch_zip_writer.h"

#include <memory>
#include <system_error>
#include <unordered_set>

#include "mergelab/error.h"
#include "mergelab/files.h"
#include "mergelab/state_dict.h"
#include "torch_format.h"

namespace mergelab {
namespace torch_format {

using caffe2::serialize::PyTorchStreamWriter;

namespace {

// libtorch hands over headers and padding a few bytes at a time; gathering
// them saves a system call each, while tensor data goes straight through.
class BufferedSink {
public:
    explicit BufferedSink(int fd)
        : fd_(fd) {}

    // Remembers the first failure instead of throwing: see write_zip_atomically.
    void write(const void* data, size_t n) {
        if (errno_ != 0 || n == 0)
            return;
        if (buffer_.size() + n > kCapacity)
            flush();
        if (n >= kCapacity)
            put(data, n);
        else
            buffer_.append(static_cast<const char*>(data), n);
    }

    void flush() {
        put(buffer_.data(), buffer_.size());
        buffer_.clear();
    }

    int error() const { return errno_; }

private:
    static constexpr size_t kCapacity = size_t{1} << 16;

    void put(const void* data, size_t n) {
        if (errno_ != 0)
            return;
        try {
            write_all(fd_, data, n);
        } catch (const std::system_error& e) {
            errno_ = e.code().value();
        }
    }

    int fd_;
    int errno_ = 0;
    std::string buffer_;
};

} // namespace

void write_zip_atomically(const std::string& path, const std::function<void(PyTorchStreamWriter&)>& fill) {
    write_atomically(path, [&](int fd) { write_zip(fd, path, fill); });
}

void write_zip(int fd, const std::string& path, const std::function<void(PyTorchStreamWriter&)>& fill) {
    {
        BufferedSink out(fd);
        // Always reports success to libtorch: on a short write
        // PyTorchStreamWriter throws, and its destructor then finishes the
        // archive through the same sink and throws again, from a noexcept
        // destructor (std::terminate). The failure is remembered by the sink
        // and reported once the writer is done.
        const auto sink = [&out](const void* data, size_t n) -> size_t {
            out.write(data, n);
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
                if (!writer->finalized())
                    (void)writer.release();
                throw;
            }
        } catch (const std::exception& e) {
            failure = describe(e);
        }
        if (failure.empty())
            out.flush();
        if (failure.empty() && out.error() != 0)
            throw std::system_error(out.error(), std::generic_category());
        if (!failure.empty())
            throw Error(path + ": cannot write (" + failure + ")");
    }
}

} // namespace torch_format

void write_torch_zip(const std::string& path,
                     const std::vector<std::pair<std::string, std::string>>& records) {
    std::unordered_set<std::string> names;
    for (const auto& record : records) {
        if (record.first.empty())
            throw Error(path + ": cannot write a record without a name");
        if (!names.insert(record.first).second)
            throw Error(path + ": record '" + record.first + "' given twice");
    }
    torch_format::write_zip_atomically(path, [&](caffe2::serialize::PyTorchStreamWriter& writer) {
        for (const auto& [name, bytes] : records)
            writer.writeRecord(name, bytes.data(), bytes.size());
    });
}

} // namespace mergelab
