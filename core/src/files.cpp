#include "mergelab/files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

#include "mergelab/error.h"

namespace mergelab {

namespace {

// std::strerror may share one buffer between threads, and files are written
// from several.
std::string errno_text(int code) {
    return std::generic_category().message(code);
}

[[noreturn]] void cannot_write(const std::string& path, const std::string& why) {
    throw Error(path + ": cannot write (" + why + ")");
}

// Without this a crash soon after the rename may bring back the old file,
// or none. Some file systems cannot fsync a directory (EINVAL); there is
// nothing more to do on those.
void sync_directory(const std::string& path) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    const std::string dir = parent.empty() ? std::string(".") : parent.string();
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        cannot_write(path, "could not open its directory to flush it: " + errno_text(errno));
    const int synced = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (synced != 0 && err != EINVAL)
        cannot_write(path, "could not flush its directory to disk: " + errno_text(err));
}

} // namespace

void write_atomically(const std::string& path, const std::function<void(int fd)>& fill) {
    const std::string temp = path + ".tmp-" + std::to_string(::getpid());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        cannot_write(path, errno_text(errno));
    const auto abandon = [&] {
        ::close(fd);
        ::unlink(temp.c_str());
    };
    try {
        fill(fd);
    } catch (const std::system_error& e) {
        abandon();
        cannot_write(path, e.code().message());
    } catch (...) {
        abandon();
        throw;
    }
    if (::fsync(fd) != 0) {
        const int err = errno;
        abandon();
        cannot_write(path, "could not flush to disk: " + errno_text(err));
    }
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        cannot_write(path, errno_text(err));
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        cannot_write(path, "could not replace the file: " + errno_text(err));
    }
    sync_directory(path);
}

void write_all(int fd, const void* data, size_t size) {
    const auto* bytes = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::write(fd, bytes, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw std::system_error(n < 0 ? errno : EIO, std::generic_category());
        bytes += n;
        size -= static_cast<size_t>(n);
    }
}

void write_file_atomically(const std::string& path, const std::string& contents) {
    write_atomically(path, [&](int fd) { write_all(fd, contents.data(), contents.size()); });
}

std::string read_file(const std::string& path, size_t max_bytes) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw Error(path + ": is a directory, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open (" + std::strerror(errno) + ")");
    in.seekg(0, std::ios::end);
    const auto size = static_cast<size_t>(in.tellg());
    if (size > max_bytes) throw Error(path + ": file is too large (" + std::to_string(size) + " bytes)");
    in.seekg(0);
    std::string data(size, '\0');
    if (!in.read(data.data(), static_cast<std::streamsize>(size))) throw Error(path + ": read failed");
    return data;
}

} // namespace mergelab
