#include "mergelab/weights.h"

#include "mergelab/text.h"

#include "mergelab/error.h"

#include <cmath>

#include <sstream>

namespace mergelab {

int64_t NamedTensor::numel() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

std::string shape_to_string(const std::vector<int64_t>& shape) {
    std::ostringstream out;
    out << '[';
    for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
    out << ']';
    return out.str();
}

const NamedTensor* find_tensor(const WeightSet& set, const std::string& name) {
    for (const auto& t : set)
        if (t.name == name) return &t;
    return nullptr;
}

void check_finite(const WeightSet& set, const std::string& source) {
    for (const auto& t : set) {
        size_t bad = 0;
        for (float v : t.values) bad += !std::isfinite(v);
        if (bad)
            throw Error(source + ": tensor '" + printable(t.name, 200) + "' holds " + std::to_string(bad) +
                        " NaN or infinite value(s); a diverged model is refused");
    }
}

} // namespace mergelab
