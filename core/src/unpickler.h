#pragma once
// The pickle machine that reads a state_dict's "data.pkl". Values are plain
// data, and the handful of callables a state_dict needs (OrderedDict, the
// tensor rebuild helpers) are interpreted here, never looked up or called.
// Every size a pickle claims is checked before an allocation depends on it.
// Private to the core.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mergelab::torch_format {

enum class Kind : uint8_t { None, Bool, Int, Float, String, Tuple, List, Dict, Global, Storage, Tensor };

const char* kind_name(Kind kind);

enum class Element : uint8_t { Float32, Float64, Float16, BFloat16, Unsupported };

struct DType {
    const char* storage; // the torch.<X>Storage class naming it in pickles
    const char* name;
    size_t element_size;
    Element element;
};

// Integer storages are known so that such a tensor is refused by dtype, with
// its name, rather than as an unknown global.
// clang-format off
inline constexpr DType kDTypes[] = {
    {"FloatStorage", "float32", 4, Element::Float32},
    {"DoubleStorage", "float64", 8, Element::Float64},
    {"HalfStorage", "float16", 2, Element::Float16},
    {"BFloat16Storage", "bfloat16", 2, Element::BFloat16},
    {"LongStorage", "int64", 8, Element::Unsupported},
    {"IntStorage", "int32", 4, Element::Unsupported},
};
// clang-format on

enum class Callable : uint8_t { OrderedDict, RebuildTensorV2, RebuildParameter, RestoreTypeTag, StorageType };

struct StorageRef {
    const DType* dtype;
    std::string key; // record "data/<key>"
    int64_t numel;
};

struct TensorRef {
    std::shared_ptr<const StorageRef> storage;
    int64_t offset = 0;
    std::vector<int64_t> sizes;
    std::vector<int64_t> strides;
};

struct Value;
using ValuePtr = std::shared_ptr<Value>;

struct Value {
    explicit Value(Kind k)
        : kind(k) {}

    Kind kind;
    // Set once the value is inside a container. A sealed container is never
    // modified again, which rules out cycles and keeps `depth` exact.
    bool sealed = false;
    int depth = 0;               // nesting below this value
    int64_t integer = 0;         // Int, Bool
    double real = 0;             // Float
    std::string text;            // String; a Global's dotted name
    std::vector<ValuePtr> items; // Tuple, List; Dict as key, value, key, value...
    // Dict only: encoded key -> index of the key in items.
    std::unique_ptr<std::unordered_map<std::string, size_t>> index;
    Callable callable = Callable::OrderedDict; // Global
    const DType* dtype = nullptr;              // Global naming a storage type
    std::shared_ptr<const StorageRef> storage; // Storage
    std::shared_ptr<const TensorRef> tensor;   // Tensor
};

class Unpickler {
public:
    // Size of record "data/<key>", if the archive has it.
    using RecordSize = std::function<std::optional<uint64_t>(const std::string& key)>;

    Unpickler(const unsigned char* data, size_t size, RecordSize record_size)
        : data_(data)
        , size_(size)
        , record_size_(std::move(record_size)) {}

    // The pickle's value; throws Refusal("data.pkl at offset <n>: ...").
    ValuePtr run();

private:
    // Far above anything a state_dict needs (Python batches SETITEMS by a
    // thousand; libtorch's pickler puts a whole dict on the stack, two slots
    // per tensor), low enough that a hostile file cannot exhaust memory.
    static constexpr size_t kMaxStack = size_t{1} << 20;
    static constexpr size_t kMaxMarks = 1024;
    static constexpr size_t kMaxMemo = size_t{1} << 20;
    static constexpr size_t kMaxValues = size_t{1} << 20;
    static constexpr int kMaxDepth = 64;
    static constexpr size_t kMaxDims = 64;
    static constexpr size_t kMaxGlobalLine = 256;

    [[noreturn]] void fail(const std::string& what) const;

    const unsigned char* take(size_t n);
    uint64_t read_uint(int bytes);
    std::string read_string(uint64_t n);
    std::string read_line();

    ValuePtr make(Kind kind);
    ValuePtr make_string(std::string text);
    ValuePtr make_int(int64_t v);
    ValuePtr make_global(const std::string& module, const std::string& name);
    ValuePtr make_tuple(std::vector<ValuePtr> items);

    void push(ValuePtr v);
    ValuePtr pop();
    const ValuePtr& top() const;
    std::vector<ValuePtr> pop_to_mark();
    std::vector<ValuePtr> pop_n(size_t n);

    int adopt(const ValuePtr& child);
    void grow(Value& container, int child_depth);
    void append(const ValuePtr& list, const ValuePtr& item);
    void set_item(const ValuePtr& dict, const ValuePtr& key, const ValuePtr& value);
    void memo_put(uint64_t index);
    void memo_get(uint64_t index);

    ValuePtr reduce(const ValuePtr& callable, const ValuePtr& args);
    ValuePtr rebuild_tensor(const std::vector<ValuePtr>& args);
    ValuePtr persistent_load(const ValuePtr& pid);
    std::vector<int64_t> int_tuple(const ValuePtr& v, const char* what);

    const unsigned char* data_;
    size_t size_;
    RecordSize record_size_;
    size_t pos_ = 0;
    size_t op_pos_ = 0;
    size_t made_ = 0;
    std::vector<ValuePtr> stack_;
    std::vector<size_t> marks_;
    std::unordered_map<uint64_t, ValuePtr> memo_;
    // Immutable, so every occurrence can share one object.
    const ValuePtr none_ = std::make_shared<Value>(Kind::None);
    const ValuePtr true_ = make_bool(true);
    const ValuePtr false_ = make_bool(false);
    const ValuePtr empty_tuple_ = std::make_shared<Value>(Kind::Tuple);

    static ValuePtr make_bool(bool b);
};

} // namespace mergelab::torch_format
