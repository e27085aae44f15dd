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

// The shape of the feature statistics of a `layout` model of the `kind` a
// run asks for: fc2's or fc1's input size, fc2's classes, the rank.
struct StatisticsShape {
    int64_t dim = 0;
    int classes = 0;
    int64_t rank = 0; // 0: dense
};
StatisticsShape statistics_shape(const WeightSet& layout, const StatisticsKind& kind);

// The bytes of the largest message an environment sends for `layout`,
// with room for feature statistics of `kind` when the run asks for them.
int64_t message_bound(const WeightSet& layout, bool statistics = false, const StatisticsKind& kind = {});

wire::FeatureStatistics encode(const FeatureStatistics& statistics);

// An environment's feature statistics of `dim` features and `classes`
// classes (in the low-rank form when `rank` > 0), from an environment that
// trains on `train_size` images. Refuses a wrong version, dim or form, a
// label outside the classes or given twice, counts below 0 or above the
// training size (alone or together), means, covariances and factors of the
// wrong size (a factor of more than rank or count - 1 columns), values that
// are not finite, a covariance that is not symmetric or has a negative
// variance, a negative residual, and a message larger than statistics_bound.
FeatureStatistics decode(const wire::FeatureStatistics& statistics, int64_t dim, int classes,
                         int64_t train_size, int64_t rank = 0);

// The largest FeatureStatistics message for `dim`, `classes` and `rank`.
int64_t statistics_bound(int64_t dim, int classes, int64_t rank = 0);
// The values of one image of the run's data (channels x side x side): the
// dim of its images' statistics (vimages).
int64_t image_values(const ExperimentConfig& config);

// Serialized payload sizes, the bytes a round records: a Weights message
// and a FeatureStatistics message. An in-process run counts the same.
int64_t payload_bytes(const WeightSet& weights);
int64_t payload_bytes(const FeatureStatistics& statistics);

} // namespace mergelab::remote
