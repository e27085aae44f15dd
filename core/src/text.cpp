#include "mergelab/text.h"

#include <cstdio>

namespace mergelab {

namespace {

void escape(std::string& out, unsigned char c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02x", c);
    out += buf;
}

// Length of the valid UTF-8 sequence starting at s[i] (0 if none).
size_t utf8_length(const std::string& s, size_t i) {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    if (n == 0 || i + n > s.size())
        return 0;
    for (size_t k = 1; k < n; ++k)
        if ((b(i + k) & 0xc0) != 0x80)
            return 0;
    if (n == 3 && c == 0xe0 && b(i + 1) < 0xa0)
        return 0; // overlong
    if (n == 3 && c == 0xed && b(i + 1) >= 0xa0)
        return 0; // surrogates
    if (n == 4 && c == 0xf0 && b(i + 1) < 0x90)
        return 0; // overlong
    if (n == 4 && c == 0xf4 && b(i + 1) >= 0x90)
        return 0; // beyond U+10FFFF
    if (n == 2 && c == 0xc2 && b(i + 1) < 0xa0)
        return 0; // C1 controls
    return n;
}

} // namespace

std::string printable(const std::string& text, size_t max_bytes) {
    std::string out;
    size_t i = 0;
    while (i < text.size() && i < max_bytes) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
            ++i;
        } else if (const size_t n = c >= 0x80 ? utf8_length(text, i) : 0) {
            out.append(text, i, n);
            i += n;
        } else {
            escape(out, c);
            ++i;
        }
    }
    if (i < text.size())
        out += "...";
    return out;
}

} // namespace mergelab
