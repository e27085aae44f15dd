#pragma once
// Alignment before merging: two networks trained from different starting
// points may compute the same features in different hidden units, and an
// element-wise merge then mixes unrelated units. Permuting one network's
// hidden units (and the next layer's inputs to match) does not change its
// function, so it can be permuted to resemble a reference first.
#include <cstdint>
#include <vector>

#include "mergelab/weights.h"

namespace mergelab {

// One permutation per hidden layer (cnn: conv1, conv2, fc1; mlp: fc1);
// perm[i] is the unit of the input model that becomes unit i.
using Permutations = std::vector<std::vector<int64_t>>;

struct Alignment {
    WeightSet weights;  // `model` with its hidden units permuted
    Permutations perms; // what was applied
    int passes = 0;     // coordinate-descent passes until nothing changed
};

// Weight matching (Ainsworth et al., Git Re-Basin, ICLR 2023): per hidden
// layer a linear assignment maximising the sum of products of the matched
// units' weights (in and out of the layer), coordinate descent over the
// layers until a pass changes no permutation (at most 100 passes). Throws
// Error when the models are not of one known architecture.
Alignment align_to(const WeightSet& model, const WeightSet& reference);

// Applies `perms` to the hidden units (the same function, reordered).
WeightSet permute_units(const WeightSet& model, const Permutations& perms);
// Random permutations of `model`'s hidden layers, drawn from `seed`.
Permutations random_permutations(const WeightSet& model, uint64_t seed);

// The maximum-weight perfect matching of an n x n score matrix (row-major):
// result[i] is the column matched to row i. Hungarian method, O(n^3).
std::vector<int64_t> max_weight_assignment(const std::vector<double>& score, int64_t n);

} // namespace mergelab
