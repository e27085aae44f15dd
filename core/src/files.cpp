#include "mergelab/files.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
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
void sync_directory(int dir_fd, const std::string& shown) {
    if (::fsync(dir_fd) != 0 && errno != EINVAL)
        cannot_write(shown, "could not flush its directory to disk: " + errno_text(errno));
}

// Temporary names differ per process and per call, so two threads writing
// one path never share a temporary file.
constexpr const char* kTempMark = ".tmp-";

std::string temp_name(const std::string& name) {
    static std::atomic<uint64_t> counter{0};
    return name + kTempMark + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

// Reads all of `fd` (opened O_NONBLOCK, so a FIFO never waited for a writer)
// after checking it is a regular file of at most `max_bytes`; closes it.
std::string read_open_file(int fd, const std::string& shown, size_t max_bytes) {
    const auto fail = [&](const std::string& why) {
        ::close(fd);
        throw Error(shown + ": " + why);
    };
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        fail("cannot read (" + errno_text(errno) + ")");
    if (S_ISDIR(st.st_mode))
        fail("is a directory, not a file");
    if (!S_ISREG(st.st_mode))
        fail("is " + describe_file_type(st.st_mode) + ", not a regular file");
    const auto size = static_cast<uint64_t>(st.st_size);
    if (size > max_bytes)
        fail("file is too large (" + std::to_string(size) + " bytes)");
    std::string data(static_cast<size_t>(size), '\0');
    size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::read(fd, data.data() + done, data.size() - done);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            fail(n < 0 ? "read failed (" + errno_text(errno) + ")" : "file shrank while being read");
        done += static_cast<size_t>(n);
    }
    ::close(fd);
    return data;
}

} // namespace

void write_atomically_at(int dir_fd, const std::string& name, const std::string& shown,
                         const std::function<void(int fd)>& fill) {
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
        cannot_write(shown, "not a plain file name");
    struct stat existing {};
    if (::fstatat(dir_fd, name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(existing.st_mode) &&
        !S_ISLNK(existing.st_mode))
        cannot_write(shown, "it is " + describe_file_type(existing.st_mode) +
                                "; only a regular file or a new name is replaced");
    const std::string temp = temp_name(name);
    const int fd = ::openat(dir_fd, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0)
        cannot_write(shown, errno_text(errno));
    const auto abandon = [&] {
        ::close(fd);
        ::unlinkat(dir_fd, temp.c_str(), 0);
    };
    try {
        fill(fd);
    } catch (const std::system_error& e) {
        abandon();
        cannot_write(shown, e.code().message());
    } catch (...) {
        abandon();
        throw;
    }
    if (::fsync(fd) != 0) {
        const int err = errno;
        abandon();
        cannot_write(shown, "could not flush to disk: " + errno_text(err));
    }
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlinkat(dir_fd, temp.c_str(), 0);
        cannot_write(shown, errno_text(err));
    }
    if (::renameat(dir_fd, temp.c_str(), dir_fd, name.c_str()) != 0) {
        const int err = errno;
        ::unlinkat(dir_fd, temp.c_str(), 0);
        cannot_write(shown, "could not replace the file: " + errno_text(err));
    }
    sync_directory(dir_fd, shown);
}

void write_atomically(const std::string& path, const std::function<void(int fd)>& fill) {
    const std::filesystem::path p(path);
    const std::string dir = p.has_parent_path() ? p.parent_path().string() : std::string(".");
    const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0)
        cannot_write(path, "cannot open its folder: " + errno_text(errno));
    try {
        write_atomically_at(dir_fd, p.filename().string(), path, fill);
    } catch (...) {
        ::close(dir_fd);
        throw;
    }
    ::close(dir_fd);
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
    // O_NONBLOCK: opening a FIFO must not wait for a writer; the type check
    // then refuses it like any other non-file.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        throw Error(path + ": cannot open (" + errno_text(errno) + ")");
    return read_open_file(fd, path, max_bytes);
}

std::string read_file_at(int dir_fd, const std::string& name, const std::string& shown, size_t max_bytes) {
    const int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        throw Error(shown + ": cannot open (" + (errno == ELOOP ? "a symbolic link" : errno_text(errno)) +
                    ")");
    return read_open_file(fd, shown, max_bytes);
}

std::string describe_file_type(unsigned mode) {
    if (S_ISREG(mode))
        return "a regular file";
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISLNK(mode))
        return "a symbolic link";
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "a special file";
}

bool is_temporary_of(const std::string& candidate, const std::string& name) {
    const std::string mark = name + kTempMark;
    if (candidate.compare(0, mark.size(), mark) != 0)
        return false;
    const std::string rest = candidate.substr(mark.size());
    const size_t dash = rest.find('-');
    const auto digits = [](const std::string& t) {
        return !t.empty() && t.size() <= 20 && t.find_first_not_of("0123456789") == std::string::npos;
    };
    return dash != std::string::npos && digits(rest.substr(0, dash)) && digits(rest.substr(dash + 1));
}

} // namespace mergelab
