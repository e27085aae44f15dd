#pragma once
// File helpers shared by the writers of the core.
#include <string>

namespace mergelab {

// Writes to a temporary file beside `path`, flushes it to disk, then renames
// it over `path`, so readers see the old file or the new one, never half.
// Throws Error naming `path`.
void write_file_atomically(const std::string& path, const std::string& contents);
// Throws Error naming `path` if it cannot be read; refuses files larger than
// `max_bytes`.
std::string read_file(const std::string& path, size_t max_bytes = size_t(1) << 30);

} // namespace mergelab
