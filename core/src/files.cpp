#include "mergelab/files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <unistd.h>

#include "mergelab/error.h"

namespace mergelab {

void write_file_atomically(const std::string& path, const std::string& contents) {
    const std::string temp = path + ".tmp-" + std::to_string(::getpid());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw Error(path + ": cannot write (" + std::strerror(errno) + ")");
    size_t written = 0;
    while (written < contents.size()) {
        const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string why = std::strerror(errno);
            ::close(fd);
            ::unlink(temp.c_str());
            throw Error(path + ": write failed (" + why + ")");
        }
        written += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(temp.c_str());
        throw Error(path + ": could not flush to disk (" + why + ")");
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(temp.c_str());
        throw Error(path + ": could not replace the file (" + why + ")");
    }
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
