// libFuzzer target: run.json parsing must refuse anything malformed with
// mergelab::Error naming the field, never crash; the lanes summary too.
#include <cstdint>
#include <string>

#include "mergelab/error.h"
#include "mergelab/run_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        // What --force would remove is derived from an accepted file.
        mergelab::model_files_of(mergelab::run_from_json(text, "run.json"));
    } catch (const mergelab::Error&) {
    }
    try {
        mergelab::lane_names_from_json(text, "lanes.json");
    } catch (const mergelab::Error&) {
    }
    return 0;
}
