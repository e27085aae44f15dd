#include "round_files.h"

#include "mergelab/run_files.h"
#include "mergelab/state_dict.h"

namespace mergelab {

void save_model_file(RunFolder& folder, const std::string& prefix, const std::string& name,
                     const WeightSet& weights) {
    const std::string relative = prefix + "models/" + name;
    folder.write_with(relative,
                      [&](int fd) { write_state_dict(fd, folder.path() + "/" + relative, weights); });
}

void save_round_files(RunFolder& folder, const std::string& prefix, int round, const RoundModels& m,
                      bool save_all, RunResult& result) {
    const auto save = [&](const std::string& name, const WeightSet& weights) {
        save_model_file(folder, prefix, name, weights);
    };
    for (size_t k = 0; k < m.locals->size(); ++k)
        save(model_file_name(round, int(k) + 1), (*m.locals)[k]);
    for (const auto& [method, weights] : *m.merged)
        save(model_file_name(round, method), weights);
    // The baseline's model is what a continued run (--resume) needs of it.
    if (m.central)
        save(model_file_name(round, kCentralModel), *m.central);
    // Without --save-all only the newest round's models are kept; they are
    // written before the previous ones go, so a kill loses nothing.
    if (!save_all && round > 1) {
        const auto remove = [&](const std::string& name) { folder.remove_file(prefix + "models/" + name); };
        for (size_t k = 0; k < m.locals->size(); ++k)
            remove(model_file_name(round - 1, int(k) + 1));
        for (const auto& [method, weights] : *m.merged)
            remove(model_file_name(round - 1, method));
        if (m.central)
            remove(model_file_name(round - 1, kCentralModel));
    }
    result.stopped = StopReason::Running;
    write_run_files(folder, prefix, result);
}

} // namespace mergelab
