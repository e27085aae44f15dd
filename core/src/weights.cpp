#include "mergelab/weights.h"

#include "mergelab/text.h"

#include "mergelab/error.h"

#include <cmath>

#include <sstream>

namespace mergelab {

int64_t NamedTensor::numel() const {
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

std::string shape_to_string(const std::vector<int64_t>& shape) {
    std::ostringstream out;
    out << '[';
    for (size_t i = 0; i < shape.size(); ++i)
        out << (i ? ", " : "") << shape[i];
    out << ']';
    return out.str();
}

const NamedTensor* find_tensor(const WeightSet& set, const std::string& name) {
    for (const auto& t : set)
        if (t.name == name)
            return &t;
    return nullptr;
}

} // namespace mergelab
