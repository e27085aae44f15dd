#pragma once
// Weights to and from the wire, and the checks every message passes before
// anything uses it: tensor names, shapes, dtype and byte counts against the
// run's model, finite values, metrics in their ranges. A failed check
// throws Refused with a sentence that says what was wrong; the caller adds
// who sent it.
#include <string>

#include "mergelab.pb.h"
#include "mergelab/error.h"
#include "mergelab/experiment.h"
#include "mergelab/statistics.h"
#include "mergelab/weights.h"

namespace mergelab::remote {

struct Refused : Error {
    using Error::Error;
};

wire::Weights encode(const WeightSet& weights);

// `layout`: the names and shapes expected, in order (values unused).
// `what`: the message's part, for the refusal ("its weights").
WeightSet decode(const wire::Weights& weights, const WeightSet& layout, const std::string& what);

// A Trained message's numbers, in range for `config`.
EnvRoundMetrics decode_metrics(const wire::Trained& trained, const ExperimentConfig& config);

// Each batch loss finite and >= 0, the batch numbers sane.
void check_progress(const wire::Progress& progress, const ExperimentConfig& config);

// The bytes of the largest message an environment sends for `layout`,
// with room for feature statistics when the run asks for them.
int64_t message_bound(const WeightSet& layout, bool statistics = false);

wire::FeatureStatistics encode(const FeatureStatistics& statistics);

// An environment's feature statistics for a model whose penultimate layer
// has `dim` units and `classes` classes, from an environment that trains on
// `train_size` images. Refuses a wrong version or dim, a label outside the
// classes or given twice, counts below 0 or above the training size (alone
// or together), means and covariances of the wrong size, values that are
// not finite, a covariance that is not symmetric or has a negative
// variance, and a message larger than statistics_bound.
FeatureStatistics decode(const wire::FeatureStatistics& statistics, int64_t dim, int classes,
                         int64_t train_size);

// The largest FeatureStatistics message for `dim` and `classes`.
int64_t statistics_bound(int64_t dim, int classes);
// The values of one image of the run's data (channels x side x side): the
// dim of its images' statistics (vimages).
int64_t image_values(const ExperimentConfig& config);

// Serialized payload sizes, the bytes a round records: a Weights message
// and a FeatureStatistics message. An in-process run counts the same.
int64_t payload_bytes(const WeightSet& weights);
int64_t payload_bytes(const FeatureStatistics& statistics);

} // namespace mergelab::remote
