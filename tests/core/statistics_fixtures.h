#pragma once
// What the statistics tests share: their tolerance's measure, random images
// and slightly moved initial weights.
#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "mergelab/dataset.h"
#include "mergelab/model.h"

namespace statistics_fixtures {

// Relative error, absolute below 1.
inline double error(double got, double want) {
    return std::abs(got - want) / std::max(1.0, std::abs(want));
}

// Random pixels (no flat regions, so no ties in max-pooling) and the given
// labels, or random ones when none are given.
inline mergelab::Dataset random_images(int count, uint32_t seed, std::vector<int> labels = {}) {
    std::mt19937 rng(seed);
    mergelab::Dataset d;
    d.pixels.resize(size_t(count) * mergelab::kImagePixels);
    for (auto& p : d.pixels)
        p = uint8_t(rng() % 256);
    for (int i = 0; i < count; ++i)
        d.labels.push_back(uint8_t(labels.empty() ? rng() % mergelab::kFashionClasses : labels[size_t(i)]));
    return d;
}

// The initial weights moved a little, so no two models are alike.
inline mergelab::WeightSet model(const std::string& arch, uint64_t seed) {
    mergelab::WeightSet w = mergelab::initial_weights(arch, seed);
    std::mt19937 rng(uint32_t(seed) + 100);
    std::normal_distribution<float> noise(0, 0.02f);
    for (auto& t : w)
        for (auto& v : t.values)
            v += noise(rng);
    return w;
}

} // namespace statistics_fixtures
