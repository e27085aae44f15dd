#pragma once
// Seeded randomness that does not depend on the standard library's
// distribution algorithms for integers, so splits stay the same everywhere.
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace mergelab {

// Derives independent streams from one user seed (splitmix64 finaliser).
inline uint64_t derive_seed(uint64_t seed, uint64_t stream) {
    uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// Unbiased integer in [0, n) by rejection.
inline uint64_t uniform_below(std::mt19937_64& rng, uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = rng();
    while (x >= limit);
    return x % n;
}

template <typename T> void shuffle_in_place(std::vector<T>& v, std::mt19937_64& rng) {
    for (size_t i = v.size(); i > 1; --i)
        std::swap(v[i - 1], v[uniform_below(rng, i)]);
}

} // namespace mergelab
