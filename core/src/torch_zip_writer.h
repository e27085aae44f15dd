#pragma once
// Writes PyTorch zip containers through libtorch's PyTorchStreamWriter (the
// layout torch.load expects), atomically. Private to the core.
#include <caffe2/serialize/inline_container.h>

#include <functional>
#include <string>

namespace mergelab::torch_format {

// `fill` adds the records; "version" and the directory are the writer's.
// Throws mergelab::Error "<path>: cannot write (...)"; `path` is then as it was.
void write_zip_atomically(const std::string& path,
                          const std::function<void(caffe2::serialize::PyTorchStreamWriter&)>& fill);
// The same archive written to `fd` (for write_atomically's fill callbacks);
// `shown` names the file in messages.
void write_zip(int fd, const std::string& shown,
               const std::function<void(caffe2::serialize::PyTorchStreamWriter&)>& fill);

} // namespace mergelab::torch_format
