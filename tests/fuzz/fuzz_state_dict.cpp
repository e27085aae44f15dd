// libFuzzer target: the state_dict loader must refuse any bytes with
// mergelab::Error, never run code and never allocate more than the file holds.
#include <cstdint>
#include <cstdio>
#include <string>

#include <unistd.h>

#include "mergelab/error.h"
#include "mergelab/state_dict.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string path = "/tmp/mergelab-fuzz-sd-" + std::to_string(::getpid()) + ".pt";
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f)
        return 0;
    std::fwrite(data, 1, size, f);
    std::fclose(f);
    try {
        mergelab::load_state_dict(path);
    } catch (const mergelab::Error&) {
    }
    return 0;
}
