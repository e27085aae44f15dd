#pragma once
// Numbers that explain a round rather than score it: where each element of a
// picking merge came from, and how test accuracy behaves on the straight
// line between two models. Plain C++, so run files, the CLI and the views
// share them without torch.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mergelab/model.h"

namespace mergelab {

// One tensor of a merged model whose every element is one environment's value.
struct TensorProvenance {
    std::string tensor;          // "conv1.weight"
    std::vector<int64_t> counts; // elements taken from each environment (ties: the lowest)
    int64_t sign_flips = 0;      // elements whose sign is opposite to the environments' mean
    int64_t elements() const;
    std::vector<double> shares() const; // counts / elements; sums to 1
};

struct MethodProvenance {
    std::string method;
    std::vector<TensorProvenance> tensors; // in the model's order
};

struct InterpolationPoint {
    double t = 0; // 0: the first model, 1: the second
    double test_acc = 0;
    double test_loss = 0;
};

struct InterpolationPath {
    std::vector<InterpolationPoint> points; // t ascending, both ends included
    int64_t images = 0;                     // evaluation images behind each point
    double barrier = 0;                     // see barrier_of
};

// The mean of the two endpoints' accuracies minus the lowest accuracy on
// the path: how far the straight line dips below what the ends promise.
// Never negative, since the ends are on the path; 0 for fewer than 2 points.
double barrier_of(const std::vector<InterpolationPoint>& points);

// Correct / total per true class from a confusion matrix ([true][predicted]);
// nullopt for a class without test images.
// One entry per class of the confusion matrix; empty when no test image has it.
using ClassAccuracy = std::vector<std::optional<double>>;
ClassAccuracy class_accuracy(const ConfusionMatrix& confusion);

} // namespace mergelab
