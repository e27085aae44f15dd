#pragma once
// What travelled between the environments and the server, from the byte
// counts every round records (RoundResult::traffic): summed over the rounds, and in
// words for the charts and the Flow view. Runs saved before the counts
// existed read as zero, which no real round sends, so zero means unknown.
#include <QString>

#include <cstdint>
#include <vector>

#include "mergelab/experiment.h"

namespace mergelab::ui {

bool has_traffic(const RunResult& run);
// Per round, in the run's order: the traffic of that round and every earlier one.
std::vector<int64_t> cumulative_traffic(const RunResult& run);

// The unit that reads best for amounts up to `largest` (decimal: 1 MB is
// 1,000,000 bytes): its size in bytes and its symbol.
struct ByteUnit {
    double bytes = 1;
    QString symbol;
};
ByteUnit unit_for(double largest);
// "0.90 MB", "400 B", "12.5 GB": in the UI's locale, unit chosen by size.
QString format_bytes(double bytes);

// The Flow view's arrow texts for one environment's round, widest first;
// each shorter one is what is left when the longer ones do not fit.
// Empty when the round has no counts.
QStringList upload_texts(const EnvRoundMetrics& env);
QStringList download_texts(const EnvRoundMetrics& env);

} // namespace mergelab::ui
