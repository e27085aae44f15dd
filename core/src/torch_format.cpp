#include "torch_format.h"

#include <c10/util/Exception.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace mergelab::torch_format {

void refuse(const std::string& what) {
    throw Refusal(what);
}

std::string shown(const std::string& text, size_t max_shown) {
    std::string out;
    for (size_t i = 0; i < text.size() && i < max_shown; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
    }
    if (text.size() > max_shown)
        out += "...";
    return out;
}

std::string describe(const std::exception& e) {
    std::string text;
    if (const auto* c10_error = dynamic_cast<const c10::Error*>(&e))
        text = c10_error->what_without_backtrace();
    else
        text = e.what();
    // CAFFE_ENFORCE prefixes a source location, TORCH_CHECK appends a plea
    // for better messages; both are noise to a user.
    if (text.rfind("[enforce fail at ", 0) == 0) {
        const size_t close = text.find("] ");
        if (close != std::string::npos)
            text.erase(0, close + 2);
        if (text.rfind(". ", 0) == 0)
            text.erase(0, 2);
    }
    const size_t plea = text.find("(Could this error message be improved?");
    if (plea != std::string::npos)
        text.erase(plea);
    std::replace(text.begin(), text.end(), '\n', ' ');
    while (!text.empty() && text.back() == ' ')
        text.pop_back();
    // libtorch quotes record contents (a bad version string) verbatim.
    return shown(text, 300);
}

std::string dims_to_string(const std::vector<int64_t>& dims) {
    std::ostringstream out;
    out << '[';
    for (size_t i = 0; i < dims.size(); ++i)
        out << (i ? ", " : "") << dims[i];
    out << ']';
    return out.str();
}

} // namespace mergelab::torch_format
