#pragma once
// What the readers and writers of PyTorch files (zip_reader, unpickler,
// pickler, torch_zip_writer, state_dict.cpp) share. Private to the core.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace mergelab::torch_format {

// Thrown by the components without the path; load_state_dict prefixes it,
// so every message starts with the file it is about.
class Refusal : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

[[noreturn]] void refuse(const std::string& what);

// Names from a hostile file end up in messages; keep them readable and short.
std::string shown(const std::string& text, size_t max_shown = 80);

// c10::Error::what() carries a backtrace that says nothing to a user.
std::string describe(const std::exception& e);

std::string dims_to_string(const std::vector<int64_t>& dims);

inline uint64_t read_le(const unsigned char* p, int bytes) {
    uint64_t value = 0;
    for (int i = bytes - 1; i >= 0; --i)
        value = (value << 8) | p[i];
    return value;
}

inline const unsigned char* bytes_of(const std::string& s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

} // namespace mergelab::torch_format
