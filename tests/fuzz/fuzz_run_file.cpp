// libFuzzer target: run.json parsing must refuse anything malformed with
// mergelab::Error naming the field, never crash.
#include <cstdint>
#include <string>

#include "mergelab/error.h"
#include "mergelab/run_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        mergelab::run_from_json(std::string(reinterpret_cast<const char*>(data), size), "run.json");
    } catch (const mergelab::Error&) {
    }
    return 0;
}
