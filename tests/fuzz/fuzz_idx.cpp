// libFuzzer target: the IDX reader must refuse any bytes with mergelab::Error
// and never crash, hang or allocate without bound.
#include <cstdint>
#include <cstdio>
#include <string>

#include <unistd.h>

#include "mergelab/error.h"
#include "mergelab/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string path = "/tmp/mergelab-fuzz-idx-" + std::to_string(::getpid());
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f)
        return 0;
    std::fwrite(data, 1, size, f);
    std::fclose(f);
    // Both readers on every input, so one corpus covers both.
    try {
        mergelab::read_idx_images(path);
    } catch (const mergelab::Error&) {
    }
    try {
        mergelab::read_idx_labels(path);
    } catch (const mergelab::Error&) {
    }
    return 0;
}
