// PyTorch state_dict files: a zip container around "data.pkl", a pickle
// that names one zip record per tensor storage. This file joins the parts
// (zip_reader, unpickler, pickler, torch_zip_writer) and turns the evaluated
// pickle into tensors: every view is checked against the storage record it
// reads before anything is allocated for it.
#include "mergelab/state_dict.h"

#include "mergelab/files.h"

#include <c10/util/BFloat16.h>
#include <c10/util/Half.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <sys/stat.h>

#include "mergelab/error.h"
#include "pickler.h"
#include "torch_format.h"
#include "torch_zip_writer.h"
#include "unpickler.h"
#include "zip_reader.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "state_dict.cpp copies little-endian storage bytes as they are; a big-endian host needs byte swaps"
#endif

namespace mergelab {
namespace {

using caffe2::serialize::PyTorchStreamWriter;
using namespace torch_format;

// ---------------------------------------------------------------------------
// From the evaluated pickle to a WeightSet.

// How much more the views may decode than the storages they read, and a
// little more for tiny files.
constexpr int64_t kMaxViewsPerStorage = 4;
constexpr int64_t kViewSlack = int64_t{1} << 16;

// Checks the view against its storage before the output is allocated:
// neither the view's extent nor its element count may exceed what the
// storage record (already matched against the zip) holds.
int64_t checked_numel(const std::string& name, const TensorRef& t) {
    const auto where = [&] {
        return "tensor '" + shown(name) + "' (size " + dims_to_string(t.sizes) + ", stride " +
               dims_to_string(t.strides) + ", offset " + std::to_string(t.offset) + ")";
    };
    const int64_t storage = t.storage->numel;
    int64_t numel = 1;
    for (int64_t s : t.sizes)
        if (__builtin_mul_overflow(numel, s, &numel))
            refuse(where() + " has more elements than fit 64 bits");
    if (numel == 0) {
        if (t.offset > storage)
            refuse(where() + " starts past the end of its storage of " + std::to_string(storage) +
                   " elements");
        return 0;
    }
    int64_t last = t.offset;
    for (size_t d = 0; d < t.sizes.size(); ++d) {
        int64_t span = 0;
        if (__builtin_mul_overflow(t.sizes[d] - 1, t.strides[d], &span) ||
            __builtin_add_overflow(last, span, &last))
            refuse(where() + " reaches beyond 64-bit offsets");
    }
    if (last >= storage)
        refuse(where() + " reaches element " + std::to_string(last) + " of a storage with only " +
               std::to_string(storage) + " elements");
    // Stride-0 (broadcast) views could expand a tiny storage into any size.
    if (numel > storage)
        refuse(where() + " has " + std::to_string(numel) + " elements but its storage only " +
               std::to_string(storage) + " (broadcast views are not supported)");
    return numel;
}

template <typename Decode>
void gather(const unsigned char* base, size_t element_size, const TensorRef& t, int64_t numel, float* out,
            Decode decode) {
    if (numel == 0)
        return;
    bool contiguous = true;
    int64_t expected = 1;
    for (size_t d = t.sizes.size(); d-- > 0;) {
        if (t.sizes[d] != 1 && t.strides[d] != expected)
            contiguous = false;
        expected *= t.sizes[d];
    }
    if (contiguous) {
        const unsigned char* p = base + static_cast<size_t>(t.offset) * element_size;
        for (int64_t i = 0; i < numel; ++i)
            out[i] = decode(p + static_cast<size_t>(i) * element_size);
        return;
    }
    // Walk the view in row-major order like an odometer, keeping the storage
    // position in step so each element costs O(1).
    const size_t ndim = t.sizes.size();
    std::vector<int64_t> index(ndim, 0);
    int64_t pos = t.offset;
    for (int64_t i = 0; i < numel; ++i) {
        out[i] = decode(base + static_cast<size_t>(pos) * element_size);
        for (size_t d = ndim; d-- > 0;) {
            if (++index[d] < t.sizes[d]) {
                pos += t.strides[d];
                break;
            }
            pos -= (t.sizes[d] - 1) * t.strides[d];
            index[d] = 0;
        }
    }
}

template <typename T> T load_raw(const unsigned char* p) {
    T value;
    std::memcpy(&value, p, sizeof value);
    return value;
}

void decode_tensor(const unsigned char* base, const TensorRef& t, int64_t numel, float* out) {
    const size_t size = t.storage->dtype->element_size;
    switch (t.storage->dtype->element) {
    case Element::Float32:
        gather(base, size, t, numel, out, [](const unsigned char* p) { return load_raw<float>(p); });
        break;
    case Element::Float64:
        gather(base, size, t, numel, out,
               [](const unsigned char* p) { return static_cast<float>(load_raw<double>(p)); });
        break;
    case Element::Float16:
        gather(base, size, t, numel, out, [](const unsigned char* p) {
            return static_cast<float>(c10::Half(load_raw<uint16_t>(p), c10::Half::from_bits()));
        });
        break;
    case Element::BFloat16:
        gather(base, size, t, numel, out, [](const unsigned char* p) {
            return static_cast<float>(c10::BFloat16(load_raw<uint16_t>(p), c10::BFloat16::from_bits()));
        });
        break;
    case Element::Unsupported:
        break;
    }
}

// The evaluated pickle's dict, name -> tensor, with each tensor's values
// read from the storage record it names.
WeightSet to_weights(const Value& root, std::istream& in, uint64_t file_size, const ZipDirectory& zip) {
    if (root.kind != Kind::Dict)
        refuse(std::string("data.pkl holds a ") + kind_name(root.kind) + ", not a dict of tensors");
    WeightSet out;
    out.reserve(root.items.size() / 2);
    // Consecutive tensors often share one storage (views of one buffer);
    // keeping the last record avoids reading it again for each of them.
    std::string cached_key;
    at::DataPtr cached;
    // Each storage counts once however many views read it, and the views
    // together may decode only a few times what those storages hold
    // (overlapping views and tied weights do occur): a small file of many
    // views of one storage would otherwise be copied per view and grow
    // without bound.
    std::unordered_set<std::string> storages_seen;
    int64_t storage_elements = 0, view_elements = 0;
    for (size_t i = 0; i < root.items.size(); i += 2) {
        const Value& key = *root.items[i];
        const Value& value = *root.items[i + 1];
        if (key.kind != Kind::String)
            refuse(std::string("data.pkl has a dict key of type ") + kind_name(key.kind) +
                   "; tensor names are str");
        const std::string& name = key.text;
        if (value.kind != Kind::Tensor)
            refuse("entry '" + shown(name) + "' holds a value of type " + kind_name(value.kind) +
                   ", not a tensor");
        const TensorRef& t = *value.tensor;
        const DType& dtype = *t.storage->dtype;
        if (dtype.element == Element::Unsupported)
            refuse("tensor '" + shown(name) + "' has unsupported dtype " + dtype.name +
                   " (only float32, float64, float16 and bfloat16 tensors are read)");
        const int64_t numel = checked_numel(name, t);
        if (storages_seen.insert(t.storage->key).second)
            storage_elements += t.storage->numel;
        view_elements += numel;
        if (view_elements > kMaxViewsPerStorage * storage_elements + kViewSlack)
            refuse("tensor '" + shown(name) + "' reads storage '" + shown(t.storage->key) +
                   "' again: the tensors so far would hold " + std::to_string(view_elements) +
                   " elements, more than " + std::to_string(kMaxViewsPerStorage) + " times the " +
                   std::to_string(storage_elements) +
                   " their storages hold (each counted once; views of a shared storage are not copied "
                   "without bound)");

        const std::string record = "data/" + t.storage->key;
        if (!cached || cached_key != t.storage->key) {
            cached = at::DataPtr();
            auto [data, size] = read_record(in, file_size, zip, record);
            // Already implied by the checks at BINPERSID and in read_record;
            // repeated here because the decode below relies on it.
            if (size != static_cast<size_t>(t.storage->numel) * dtype.element_size)
                refuse("record '" + shown(record) + "' holds " + std::to_string(size) + " bytes, not the " +
                       std::to_string(t.storage->numel) + " " + dtype.name + " elements its tensors use");
            cached = std::move(data);
            cached_key = t.storage->key;
        }

        NamedTensor tensor;
        tensor.name = name;
        tensor.shape = t.sizes;
        tensor.values.resize(static_cast<size_t>(numel));
        decode_tensor(static_cast<const unsigned char*>(cached.get()), t, numel, tensor.values.data());
        out.push_back(std::move(tensor));
    }
    return out;
}

// What torch.save wrote before PyTorch 1.6: a bare pickle of this magic
// number (LONG1, 10 bytes) followed by more pickles and raw storages.
bool is_legacy_torch_save(const std::string& head) {
    static const std::string magic = std::string("\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 12);
    return head.size() >= 2 + magic.size() && static_cast<unsigned char>(head[0]) == 0x80 &&
           head.compare(2, magic.size(), magic) == 0;
}

WeightSet load(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        refuse("cannot open (" + (ec ? ec.message() : std::string(std::strerror(ENOENT))) + ")");
    if (fs::is_directory(status))
        refuse("is a directory, not a state_dict file");
    // Opening a FIFO would wait for a writer; a device is no state_dict.
    if (struct stat st{}; ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        refuse("is " + describe_file_type(st.st_mode) + ", not a regular file");
    const uint64_t file_size = fs::file_size(path, ec);
    if (ec)
        refuse("cannot read the size (" + ec.message() + ")");

    std::ifstream in(path, std::ios::binary);
    if (!in)
        refuse(std::string("cannot open (") + std::strerror(errno) + ")");
    if (file_size == 0)
        refuse("empty file, not a PyTorch zip file");

    const std::string head = read_at(in, 0, static_cast<size_t>(std::min<uint64_t>(file_size, 16)));
    if (is_legacy_torch_save(head))
        refuse("legacy (pre-1.6, non-zip) torch.save format is not supported; re-save it with a current "
               "PyTorch: torch.save(torch.load(path), path)");
    if (static_cast<unsigned char>(head[0]) == 0x80)
        refuse("a bare pickle, not a PyTorch zip file (not supported; re-save it with a current PyTorch's "
               "torch.save)");

    const ZipDirectory zip(in, file_size);
    check_version_record(in, file_size, zip);

    if (zip.find("byteorder")) {
        auto [data, size] = read_record(in, file_size, zip, "byteorder");
        const std::string order(static_cast<const char*>(data.get()), size);
        if (order != "little")
            refuse("storages are stored '" + shown(order) + "'-endian; only little-endian is supported");
    }
    if (!zip.find("data.pkl"))
        not_a_zip("no data.pkl record");
    auto [pickle, pickle_size] = read_record(in, file_size, zip, "data.pkl");
    Unpickler unpickler(static_cast<const unsigned char*>(pickle.get()), pickle_size,
                        [&zip](const std::string& key) -> std::optional<uint64_t> {
                            if (const auto entry = zip.find("data/" + key))
                                return entry->size;
                            return std::nullopt;
                        });
    const ValuePtr root = unpickler.run();
    pickle = at::DataPtr();
    return to_weights(*root, in, file_size, zip);
}

bool is_utf8(const std::string& s) {
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        size_t n = 0;
        uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (s.size() - i <= n)
            return false;
        for (size_t k = 1; k <= n; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3f);
        }
        // Overlong forms, surrogates and values past Unicode are what
        // Python's strict decoder rejects.
        static const uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

} // namespace

WeightSet load_state_dict(const std::string& path) {
    try {
        return load(path);
    } catch (const Refusal& e) {
        throw Error(path + ": " + e.what());
    } catch (const std::bad_alloc&) {
        throw Error(path + ": out of memory while reading");
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(path + ": cannot read (" + describe(e) + ")");
    }
}

void save_state_dict(const std::string& path, const WeightSet& weights) {
    write_atomically(path, [&](int fd) { write_state_dict(fd, path, weights); });
}

void write_state_dict(int fd, const std::string& path, const WeightSet& weights) {
    std::unordered_set<std::string> names;
    for (const NamedTensor& t : weights) {
        if (t.name.empty())
            throw Error(path + ": cannot save a tensor without a name");
        if (!is_utf8(t.name))
            throw Error(path + ": tensor name '" + shown(t.name) + "' is not UTF-8");
        if (!names.insert(t.name).second)
            throw Error(path + ": tensor '" + t.name + "' appears twice");
        int64_t numel = 1;
        bool valid = true;
        for (int64_t d : t.shape)
            if (d < 0 || __builtin_mul_overflow(numel, d, &numel))
                valid = false;
        if (!valid || static_cast<uint64_t>(numel) != t.values.size())
            throw Error(path + ": tensor '" + t.name + "' has shape " + dims_to_string(t.shape) + " but " +
                        std::to_string(t.values.size()) + " values");
    }
    const std::string pickle = state_dict_pickle(weights);
    write_zip(fd, path, [&](PyTorchStreamWriter& writer) {
        writer.writeRecord("data.pkl", pickle.data(), pickle.size());
        // PyTorch 2.x writes this too; it makes the byte order explicit.
        writer.writeRecord("byteorder", "little", 6);
        static const float kNothing = 0;
        for (size_t i = 0; i < weights.size(); ++i) {
            const auto& values = weights[i].values;
            writer.writeRecord("data/" + std::to_string(i), values.empty() ? &kNothing : values.data(),
                               values.size() * sizeof(float));
        }
    });
}

} // namespace mergelab
