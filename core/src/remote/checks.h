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

// The bytes of the largest message an environment sends for `layout`.
int64_t message_bound(const WeightSet& layout);

} // namespace mergelab::remote
