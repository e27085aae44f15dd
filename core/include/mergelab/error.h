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

// what() speaks the CLI's language ("--rounds must be ..."); field() is the
// setting's key (settings.h) so the app can put problem() beside the right
// widget without reading the message.
class UsageError : public std::runtime_error {
public:
    explicit UsageError(const std::string& message)
        : std::runtime_error(message)
        , problem_(message) {}
    UsageError(std::string field, const std::string& message, std::string problem)
        : std::runtime_error(message)
        , field_(std::move(field))
        , problem_(std::move(problem)) {}

    // Empty when the refusal is not about one setting.
    const std::string& field() const { return field_; }
    // The message without the option's name: "must be between 1 and 10000, got 0".
    const std::string& problem() const { return problem_; }

private:
    std::string field_;
    std::string problem_;
};

} // namespace mergelab
