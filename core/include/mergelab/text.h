#pragma once
// Text from files, data and the environment as it may be shown: the one
// function every message to a terminal or log passes through.
#include <cstddef>
#include <string>

namespace mergelab {

// Control characters (C0, DEL, C1) and bytes that are not UTF-8 become
// "\xNN", so nothing read from outside can move the cursor, set a window
// title or clear a terminal; other UTF-8 (Korean, say) is kept. Longer
// texts are cut at `max_bytes` with "...".
std::string printable(const std::string& text, size_t max_bytes = 4096);

} // namespace mergelab
