#pragma once
// Error types shared by the core, the CLI and the app. The split matters to
// callers: a UsageError is the user's setting (CLI exit code 2), an Error is
// anything that went wrong at run time (bad file, bad data; exit code 1).
#include <stdexcept>
#include <string>

namespace mergelab {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace mergelab
