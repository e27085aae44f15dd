#pragma once
// PyTorch state_dict files (the zip format of `torch.save`).
//
// LibTorch's own pickle_load refuses the everyday
// `torch.save(model.state_dict(), path)` (an OrderedDict with `_metadata`),
// so MergeLab reads the pickle itself. The reader understands only the few
// opcodes and globals a state_dict uses and refuses anything else by name:
// it never calls code named by the file.
#include <string>
#include <utility>
#include <vector>

#include "mergelab/weights.h"

namespace mergelab {

// Tensors of float32, float64, float16 or bfloat16 are converted to float32;
// the order is the file's. Throws mergelab::Error naming the file (and the
// tensor) on anything unexpected, without allocating more than the file
// actually holds.
WeightSet load_state_dict(const std::string& path);

// Writes `collections.OrderedDict` of float32 tensors that Python's
// `torch.load(path)` returns as a dict name -> tensor and
// `model.load_state_dict(...)` accepts. Written atomically.
void save_state_dict(const std::string& path, const WeightSet& weights);
// The same file's bytes written to `fd` (a write_atomically fill callback);
// `shown` names the file in messages.
void write_state_dict(int fd, const std::string& shown, const WeightSet& weights);

// Writes `records` (name -> raw bytes, in this order) into a PyTorch zip
// container as libtorch lays it out ("archive/<name>" entries, 64-byte
// aligned data, a "version" record unless given). Names must be unique and
// non-empty; contents are neither pickled nor checked, so tests and fuzz
// seeds can hand-craft files, malformed ones included. Written atomically;
// throws mergelab::Error naming the path.
void write_torch_zip(const std::string& path,
                     const std::vector<std::pair<std::string, std::string>>& records);

} // namespace mergelab
