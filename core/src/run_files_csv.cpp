// metrics.csv: one row per round of a run's numbers, for spreadsheets. The
// round's bytes per environment come just before the seconds, which stay
// the last column as in older files.
#include <cstdio>
#include <sstream>

#include "mergelab/run_files.h"
#include "run_files_internal.h"

namespace mergelab {

namespace {

std::string csv_number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", v);
    return buf;
}

} // namespace

std::string metrics_csv(const RunResult& run) {
    std::ostringstream out;
    out << metrics_csv_header(run);
    out << metrics_csv_rows(run);
    return out.str();
}

std::string metrics_csv_header(const RunResult& run) {
    std::ostringstream out;
    const auto methods = evaluated_methods(run.config);
    out << "seed,round";
    for (int k = 0; k < static_cast<int>(run.envs.size()); ++k)
        out << ",env" << k + 1 << "_val_acc";
    if (run.config.baseline)
        out << ",central_test_acc";
    for (const auto& m : methods)
        out << ',' << m << "_test_acc";
    for (const auto& m : methods)
        out << ',' << m << "_test_loss";
    for (int k = 0; k < static_cast<int>(run.envs.size()); ++k)
        out << ",env" << k + 1 << "_sent_weight_bytes,env" << k + 1 << "_sent_statistics_bytes,env" << k + 1
            << "_received_weight_bytes,env" << k + 1 << "_received_statistics_bytes";
    out << ",seconds\n";
    return out.str();
}

std::string metrics_csv_rows(const RunResult& run) {
    std::ostringstream out;
    const auto methods = evaluated_methods(run.config);
    for (const auto& r : run.rounds) {
        out << run.config.seed << ',' << r.round;
        for (const auto& e : r.envs)
            out << ',' << csv_number(e.val_acc);
        if (run.config.baseline)
            out << ',' << (r.central_test_acc ? csv_number(*r.central_test_acc) : "");
        for (const auto& m : methods)
            out << ',' << (r.method(m) ? csv_number(r.method(m)->test_acc) : "");
        for (const auto& m : methods)
            out << ',' << (r.method(m) ? csv_number(r.method(m)->test_loss) : "");
        for (const auto& e : r.envs)
            out << ',' << e.sent_weight_bytes << ',' << e.sent_statistics_bytes << ','
                << e.received_weight_bytes << ',' << e.received_statistics_bytes;
        out << ',' << csv_number(r.seconds) << '\n';
    }
    return out.str();
}

} // namespace mergelab
