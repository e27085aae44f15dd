#pragma once
// Writes the pickle of a state_dict, as Python's torch.save does. Private to
// the core.
#include <cstdint>
#include <string>
#include <vector>

#include "mergelab/weights.h"
#include "pickle_opcodes.h"

namespace mergelab::torch_format {

// Appends opcodes and their arguments, each in the shortest form Python's
// pickler would choose.
class PickleWriter {
public:
    void op(Op o);
    void byte(uint8_t b);
    void integer(int64_t v);
    void string(const std::string& s); // BINUNICODE
    void global(const char* module, const char* name);
    void put(uint32_t index); // memo
    void get(uint32_t index);
    void int_tuple(const std::vector<int64_t>& values);

    const std::string& bytes() const { return out_; }

private:
    void le(uint64_t v, int n);

    std::string out_;
};

// The pickle Python's torch.save writes for an OrderedDict of float32
// tensors (protocol 2, the same opcodes, shared strings and globals memoized
// like Python does), minus `_metadata`, which load_state_dict treats as
// optional. Storage i is record "data/i".
std::string state_dict_pickle(const WeightSet& weights);

} // namespace mergelab::torch_format
