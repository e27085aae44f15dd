#pragma once
// File helpers shared by the writers of the core.
#include <cstddef>
#include <functional>
#include <string>

namespace mergelab {

// The one way the core replaces a file, so readers see the old file or the
// new one, never half, and a crash after the return cannot undo it: `fill`
// writes the contents to `fd`, a new temporary file beside `path`, which is
// then flushed to disk, closed and renamed over `path`; the directory is
// flushed too, since the rename lives there.
//
// On any failure, `fill` throwing included, the temporary file is removed and
// `path` keeps what it held. Failures of the steps here, and a
// std::system_error from `fill` (as write_all throws), become a
// mergelab::Error "<path>: cannot write (<errno text>)"; any other exception
// from `fill` passes through unchanged.
void write_atomically(const std::string& path, const std::function<void(int fd)>& fill);

// The same inside an open folder: `name` is a plain file name in the folder
// `dir_fd` (no '/'); the temporary file is created there with O_EXCL and
// O_NOFOLLOW and renamed with renameat, so a symbolic link planted in the
// folder is replaced, never followed. `shown` names the file in messages.
// Only a regular file, a link or a new name is replaced: a device, FIFO,
// socket or folder at `name` is refused, so `-o /dev/null` never swaps the
// system's device node for a file.
void write_atomically_at(int dir_fd, const std::string& name, const std::string& shown,
                         const std::function<void(int fd)>& fill);

// Writes all `size` bytes, across short writes and signals. Throws
// std::system_error carrying errno, for write_atomically to name the file.
void write_all(int fd, const void* data, size_t size);

// write_atomically with the whole contents at hand.
void write_file_atomically(const std::string& path, const std::string& contents);

// Throws Error naming `path` if it cannot be read; refuses anything but a
// regular file (a FIFO would block) and files larger than `max_bytes`.
std::string read_file(const std::string& path, size_t max_bytes = size_t(1) << 30);

// read_file of `name` inside the folder `dir_fd`, never following a link at
// `name`; `shown` names it in messages.
std::string read_file_at(int dir_fd, const std::string& name, const std::string& shown,
                         size_t max_bytes = size_t(1) << 30);

// What a file-system entry is, from its st_mode, for messages: "a FIFO (named
// pipe)", "a character device", "a folder", "a regular file", ...
std::string describe_file_type(unsigned mode);

// The name MergeLab gives a file while it is being written (`name` plus
// ".tmp-PID-N"), and whether `candidate` is one of those for `name`.
bool is_temporary_of(const std::string& candidate, const std::string& name);

} // namespace mergelab
