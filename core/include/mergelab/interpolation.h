#pragma once
// Test accuracy along the straight line (1-t)*A + t*B between two models of
// one architecture, on a fixed class-stratified subset of the test images so
// that it stays interactive, or on all of them.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mergelab/insight.h"
#include "mergelab/model.h"

namespace mergelab {

constexpr int kDefaultInterpolationPoints = 11;
constexpr int64_t kDefaultInterpolationImages = 2000;

// The first `n` images in file order, shared as evenly as possible among the
// classes present (lower classes get the remainder; a class with too few
// images gives all it has and the rest go to the others). Ascending indices;
// the whole set when n >= its size. The same data always gives the same subset.
std::vector<int64_t> stratified_subset(const std::vector<uint8_t>& labels, int64_t n);
Dataset select_images(const Dataset& data, const std::vector<int64_t>& indices);

// Element i of every tensor: (1-t)*a + t*b in double, rounded once to float,
// so t = 0 and t = 1 reproduce a and b exactly. Matched by tensor name.
WeightSet interpolate_weights(const WeightSet& a, const WeightSet& b, double t);

// `points` >= 2 evenly spaced values of t from 0 to 1. threads <= 0: every
// core. Throws Error naming the tensor when a and b do not fit `arch`.
InterpolationPath interpolate(const std::string& arch, const WeightSet& a, const WeightSet& b,
                              const Dataset& eval, int points = kDefaultInterpolationPoints, int threads = 0);

// Alignment: `other` permuted (hidden units of each layer) so that it lines
// up with `reference`, leaving the function it computes unchanged. Weight
// matching (align.h) by default; `interpolate --align` and the views'
// "aligned" line go through this hook, which tests may replace.
using Aligner =
    std::function<WeightSet(const std::string& arch, const WeightSet& reference, const WeightSet& other)>;
void set_aligner(Aligner aligner);
bool aligner_available();
// Throws Error when the hook was emptied.
WeightSet align_for_interpolation(const std::string& arch, const WeightSet& reference,
                                  const WeightSet& other);

} // namespace mergelab
