#include "unpickler.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iterator>

#include "pickle_opcodes.h"
#include "torch_format.h"

namespace mergelab::torch_format {
namespace {

// Every opcode of pickle protocols 0-5, so a refusal can say which it was.
const char* opcode_name(uint8_t op) {
    // clang-format off
    static const std::unordered_map<uint8_t, const char*> names = {
        {'(', "MARK"},         {'.', "STOP"},           {'0', "POP"},           {'1', "POP_MARK"},
        {'2', "DUP"},          {'F', "FLOAT"},          {'I', "INT"},           {'J', "BININT"},
        {'K', "BININT1"},      {'L', "LONG"},           {'M', "BININT2"},       {'N', "NONE"},
        {'P', "PERSID"},       {'Q', "BINPERSID"},      {'R', "REDUCE"},        {'S', "STRING"},
        {'T', "BINSTRING"},    {'U', "SHORT_BINSTRING"}, {'V', "UNICODE"},      {'X', "BINUNICODE"},
        {'a', "APPEND"},       {'b', "BUILD"},          {'c', "GLOBAL"},        {'d', "DICT"},
        {'}', "EMPTY_DICT"},   {'e', "APPENDS"},        {'g', "GET"},           {'h', "BINGET"},
        {'i', "INST"},         {'j', "LONG_BINGET"},    {'l', "LIST"},          {']', "EMPTY_LIST"},
        {'o', "OBJ"},          {'p', "PUT"},            {'q', "BINPUT"},        {'r', "LONG_BINPUT"},
        {'s', "SETITEM"},      {'t', "TUPLE"},          {')', "EMPTY_TUPLE"},   {'u', "SETITEMS"},
        {'G', "BINFLOAT"},     {0x80, "PROTO"},         {0x81, "NEWOBJ"},       {0x82, "EXT1"},
        {0x83, "EXT2"},        {0x84, "EXT4"},          {0x85, "TUPLE1"},       {0x86, "TUPLE2"},
        {0x87, "TUPLE3"},      {0x88, "NEWTRUE"},       {0x89, "NEWFALSE"},     {0x8a, "LONG1"},
        {0x8b, "LONG4"},       {'B', "BINBYTES"},       {'C', "SHORT_BINBYTES"}, {0x8c, "SHORT_BINUNICODE"},
        {0x8d, "BINUNICODE8"}, {0x8e, "BINBYTES8"},     {0x8f, "EMPTY_SET"},    {0x90, "ADDITEMS"},
        {0x91, "FROZENSET"},   {0x92, "NEWOBJ_EX"},     {0x93, "STACK_GLOBAL"}, {0x94, "MEMOIZE"},
        {0x95, "FRAME"},       {0x96, "BYTEARRAY8"},    {0x97, "NEXT_BUFFER"},  {0x98, "READONLY_BUFFER"},
    };
    // clang-format on
    const auto it = names.find(op);
    return it == names.end() ? nullptr : it->second;
}

} // namespace

const char* kind_name(Kind kind) {
    switch (kind) {
    case Kind::None:
        return "None";
    case Kind::Bool:
        return "bool";
    case Kind::Int:
        return "int";
    case Kind::Float:
        return "float";
    case Kind::String:
        return "str";
    case Kind::Tuple:
        return "tuple";
    case Kind::List:
        return "list";
    case Kind::Dict:
        return "dict";
    case Kind::Global:
        return "global";
    case Kind::Storage:
        return "storage";
    case Kind::Tensor:
        return "tensor";
    }
    return "?";
}

ValuePtr Unpickler::make_bool(bool b) {
    auto v = std::make_shared<Value>(Kind::Bool);
    v->integer = b ? 1 : 0;
    return v;
}

void Unpickler::fail(const std::string& what) const {
    refuse("data.pkl at offset " + std::to_string(op_pos_) + ": " + what);
}

uint64_t Unpickler::read_uint(int bytes) {
    return read_le(take(static_cast<size_t>(bytes)), bytes);
}

const unsigned char* Unpickler::take(size_t n) {
    if (n > size_ - pos_)
        fail("data ends inside an opcode (truncated pickle)");
    const unsigned char* p = data_ + pos_;
    pos_ += n;
    return p;
}

std::string Unpickler::read_string(uint64_t n) {
    if (n > size_ - pos_)
        fail("string of " + std::to_string(n) + " bytes runs past the end of the pickle");
    const auto* p = take(static_cast<size_t>(n));
    return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
}

std::string Unpickler::read_line() {
    std::string line;
    while (true) {
        const auto c = static_cast<char>(*take(1));
        if (c == '\n')
            return line;
        if (line.size() >= kMaxGlobalLine)
            fail("GLOBAL name longer than " + std::to_string(kMaxGlobalLine));
        line += c;
    }
}

ValuePtr Unpickler::make(Kind kind) {
    if (++made_ > kMaxValues)
        fail("more than " + std::to_string(kMaxValues) + " objects");
    return std::make_shared<Value>(kind);
}

ValuePtr Unpickler::make_string(std::string text) {
    auto v = make(Kind::String);
    v->text = std::move(text);
    return v;
}

ValuePtr Unpickler::make_int(int64_t i) {
    auto v = make(Kind::Int);
    v->integer = i;
    return v;
}

ValuePtr Unpickler::make_global(const std::string& module, const std::string& name) {
    auto v = make(Kind::Global);
    v->text = module + "." + name;
    if (v->text == "collections.OrderedDict") {
        v->callable = Callable::OrderedDict;
    } else if (v->text == "torch._utils._rebuild_tensor_v2") {
        v->callable = Callable::RebuildTensorV2;
    } else if (v->text == "torch._utils._rebuild_parameter") {
        v->callable = Callable::RebuildParameter;
    } else if (v->text == "torch.jit._pickle.restore_type_tag") {
        // libtorch's torch::pickle_save wraps the dict in this; it only
        // attaches a type name, so it is evaluated as identity.
        v->callable = Callable::RestoreTypeTag;
    } else {
        for (const DType& d : kDTypes)
            if (module == "torch" && name == d.storage)
                v->dtype = &d;
        if (!v->dtype)
            fail("refuses global " + shown(v->text) +
                 " (a state_dict needs only collections.OrderedDict and torch's tensor rebuilds)");
        v->callable = Callable::StorageType;
    }
    return v;
}

// Marks the value as owned by a container; returns the container depth it implies.
int Unpickler::adopt(const ValuePtr& child) {
    child->sealed = true;
    return child->depth + 1;
}

void Unpickler::grow(Value& container, int depth) {
    if (depth > kMaxDepth)
        fail("objects nested deeper than " + std::to_string(kMaxDepth));
    container.depth = std::max(container.depth, depth);
}

ValuePtr Unpickler::make_tuple(std::vector<ValuePtr> items) {
    if (items.empty())
        return empty_tuple_;
    auto t = make(Kind::Tuple);
    for (const auto& item : items)
        grow(*t, adopt(item));
    t->items = std::move(items);
    return t;
}

void Unpickler::push(ValuePtr v) {
    if (stack_.size() >= kMaxStack)
        fail("stack deeper than " + std::to_string(kMaxStack));
    stack_.push_back(std::move(v));
}

// Like Python's unpickler, values below the innermost MARK are out of reach.
ValuePtr Unpickler::pop() {
    const size_t floor = marks_.empty() ? 0 : marks_.back();
    if (stack_.size() <= floor)
        fail("stack underflow");
    ValuePtr v = std::move(stack_.back());
    stack_.pop_back();
    return v;
}

const ValuePtr& Unpickler::top() const {
    const size_t floor = marks_.empty() ? 0 : marks_.back();
    if (stack_.size() <= floor)
        fail("stack underflow");
    return stack_.back();
}

std::vector<ValuePtr> Unpickler::pop_to_mark() {
    if (marks_.empty())
        fail("no MARK to pop to");
    const size_t mark = marks_.back();
    marks_.pop_back();
    std::vector<ValuePtr> items(std::make_move_iterator(stack_.begin() + static_cast<std::ptrdiff_t>(mark)),
                                std::make_move_iterator(stack_.end()));
    stack_.resize(mark);
    return items;
}

std::vector<ValuePtr> Unpickler::pop_n(size_t n) {
    std::vector<ValuePtr> items(n);
    for (size_t i = n; i-- > 0;)
        items[i] = pop();
    return items;
}

void Unpickler::append(const ValuePtr& list, const ValuePtr& item) {
    if (list->kind != Kind::List)
        fail("APPEND to a " + std::string(kind_name(list->kind)));
    // Adopt first: appending a list to itself then trips the sealed check.
    const int depth = adopt(item);
    if (list->sealed)
        fail("list modified after being nested in another object");
    grow(*list, depth);
    list->items.push_back(item);
}

void Unpickler::set_item(const ValuePtr& dict, const ValuePtr& key, const ValuePtr& value) {
    if (dict->kind != Kind::Dict)
        fail("SETITEM on a " + std::string(kind_name(dict->kind)));
    std::string encoded;
    switch (key->kind) {
    case Kind::String:
        encoded = "s" + key->text;
        break;
    case Kind::Int:
    case Kind::Bool:
        encoded = "i" + std::to_string(key->integer);
        break;
    case Kind::None:
        encoded = "n";
        break;
    default:
        fail(std::string("dict key of type ") + kind_name(key->kind) + " is not supported");
    }
    const int depth = std::max(adopt(key), adopt(value));
    if (dict->sealed)
        fail("dict modified after being nested in another object");
    grow(*dict, depth);
    if (!dict->index)
        dict->index = std::make_unique<std::unordered_map<std::string, size_t>>();
    const auto it = dict->index->find(encoded);
    if (it != dict->index->end()) {
        // Python keeps the first position and the last value.
        dict->items[it->second + 1] = value;
    } else {
        dict->index->emplace(std::move(encoded), dict->items.size());
        dict->items.push_back(key);
        dict->items.push_back(value);
    }
}

void Unpickler::memo_put(uint64_t index) {
    if (memo_.size() >= kMaxMemo && memo_.count(index) == 0)
        fail("memo larger than " + std::to_string(kMaxMemo) + " entries");
    memo_[index] = top();
}

void Unpickler::memo_get(uint64_t index) {
    const auto it = memo_.find(index);
    if (it == memo_.end())
        fail("memo entry " + std::to_string(index) + " read before it was written");
    push(it->second);
}

std::vector<int64_t> Unpickler::int_tuple(const ValuePtr& v, const char* what) {
    if (v->kind != Kind::Tuple)
        fail(std::string("tensor ") + what + " is a " + kind_name(v->kind) + ", not a tuple");
    if (v->items.size() > kMaxDims)
        fail(std::string("tensor ") + what + " has more than " + std::to_string(kMaxDims) + " dimensions");
    std::vector<int64_t> out;
    for (const auto& item : v->items) {
        if (item->kind != Kind::Int || item->integer < 0)
            fail(std::string("tensor ") + what + " holds something other than a non-negative int");
        out.push_back(item->integer);
    }
    return out;
}

// _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata]).
// Only the form is checked here; whether the view fits its storage is checked
// when the tensor is read, where its name is known.
ValuePtr Unpickler::rebuild_tensor(const std::vector<ValuePtr>& args) {
    if (args.size() != 6 && args.size() != 7)
        fail("_rebuild_tensor_v2 called with " + std::to_string(args.size()) + " arguments, expected 6 or 7");
    if (args[0]->kind != Kind::Storage)
        fail("_rebuild_tensor_v2 expects a storage, got a " + std::string(kind_name(args[0]->kind)));
    if (args[1]->kind != Kind::Int || args[1]->integer < 0)
        fail("tensor storage offset is not a non-negative int");
    auto t = std::make_shared<TensorRef>();
    t->storage = args[0]->storage;
    t->offset = args[1]->integer;
    t->sizes = int_tuple(args[2], "size");
    t->strides = int_tuple(args[3], "stride");
    if (t->sizes.size() != t->strides.size())
        fail("tensor size " + dims_to_string(t->sizes) + " and stride " + dims_to_string(t->strides) +
             " differ in length");
    if (args[4]->kind != Kind::Bool)
        fail("tensor requires_grad is not a bool");
    if (args[5]->kind != Kind::Dict)
        fail("tensor backward hooks are not an OrderedDict");
    if (args.size() == 7 && args[6]->kind != Kind::Dict && args[6]->kind != Kind::None)
        fail("tensor metadata is neither a dict nor None");
    auto v = make(Kind::Tensor);
    v->tensor = std::move(t);
    return v;
}

ValuePtr Unpickler::reduce(const ValuePtr& callable, const ValuePtr& args) {
    if (callable->kind != Kind::Global)
        fail(std::string("REDUCE calls a ") + kind_name(callable->kind));
    if (args->kind != Kind::Tuple)
        fail("REDUCE arguments for " + shown(callable->text) + " are a " + kind_name(args->kind) +
             ", not a tuple");
    const auto& a = args->items;
    switch (callable->callable) {
    case Callable::OrderedDict:
        if (!a.empty())
            fail("collections.OrderedDict called with arguments");
        return make(Kind::Dict);
    case Callable::RebuildTensorV2:
        return rebuild_tensor(a);
    case Callable::RebuildParameter:
        if (a.size() != 3 || a[0]->kind != Kind::Tensor || a[1]->kind != Kind::Bool ||
            a[2]->kind != Kind::Dict)
            fail("_rebuild_parameter expects (tensor, requires_grad, hooks)");
        return a[0];
    case Callable::RestoreTypeTag:
        if (a.size() != 2 || a[1]->kind != Kind::String)
            fail("restore_type_tag expects (object, type name)");
        return a[0];
    case Callable::StorageType:
        break;
    }
    fail("refuses to call " + shown(callable->text));
}

// BINPERSID argument: ('storage', torch.<X>Storage, key, location, numel).
ValuePtr Unpickler::persistent_load(const ValuePtr& pid) {
    const auto& f = pid->items;
    if (pid->kind != Kind::Tuple || f.size() != 5 || f[0]->kind != Kind::String || f[0]->text != "storage" ||
        f[1]->kind != Kind::Global || f[1]->callable != Callable::StorageType || f[2]->kind != Kind::String ||
        f[3]->kind != Kind::String || f[4]->kind != Kind::Int)
        fail("persistent id is not ('storage', storage type, key, location, numel)");
    const DType* dtype = f[1]->dtype;
    const std::string& key = f[2]->text;
    const int64_t numel = f[4]->integer;
    uint64_t bytes = 0;
    if (numel < 0 || __builtin_mul_overflow(static_cast<uint64_t>(numel), dtype->element_size, &bytes))
        fail("storage '" + shown(key) + "' claims an impossible " + std::to_string(numel) + " elements");
    const std::optional<uint64_t> held = record_size_(key);
    if (!held)
        fail("storage record 'data/" + shown(key) + "' is missing from the archive");
    if (*held != bytes)
        fail("storage record 'data/" + shown(key) + "' holds " + std::to_string(*held) +
             " bytes, but the pickle claims " + std::to_string(numel) + " " + dtype->name + " elements (" +
             std::to_string(bytes) + " bytes)");
    auto storage = std::make_shared<StorageRef>();
    storage->dtype = dtype;
    storage->key = key;
    storage->numel = numel;
    auto v = make(Kind::Storage);
    v->storage = std::move(storage);
    return v;
}

ValuePtr Unpickler::run() {
    while (true) {
        op_pos_ = pos_;
        if (pos_ >= size_)
            fail("pickle ends without STOP");
        const uint8_t byte = *take(1);
        switch (static_cast<Op>(byte)) {
        case Op::Proto: {
            const uint8_t version = *take(1);
            if (version > 5)
                fail("unknown pickle protocol " + std::to_string(version));
            break;
        }
        case Op::Frame:
            // Frames only help buffered readers; the whole pickle is in memory.
            take(8);
            break;
        case Op::Global: {
            const std::string module = read_line();
            const std::string name = read_line();
            push(make_global(module, name));
            break;
        }
        case Op::StackGlobal: {
            // Protocol 4's GLOBAL (torch.save with pickle_protocol=4).
            const ValuePtr name = pop();
            const ValuePtr module = pop();
            if (name->kind != Kind::String || module->kind != Kind::String)
                fail("STACK_GLOBAL needs two strings");
            push(make_global(module->text, name->text));
            break;
        }
        case Op::EmptyTuple:
            push(empty_tuple_);
            break;
        case Op::Tuple:
            push(make_tuple(pop_to_mark()));
            break;
        case Op::Tuple1:
            push(make_tuple(pop_n(1)));
            break;
        case Op::Tuple2:
            push(make_tuple(pop_n(2)));
            break;
        case Op::Tuple3:
            push(make_tuple(pop_n(3)));
            break;
        case Op::EmptyDict:
            push(make(Kind::Dict));
            break;
        case Op::EmptyList:
            push(make(Kind::List));
            break;
        case Op::Mark:
            if (marks_.size() >= kMaxMarks)
                fail("MARKs nested deeper than " + std::to_string(kMaxMarks));
            marks_.push_back(stack_.size());
            break;
        case Op::SetItem: {
            const ValuePtr value = pop();
            const ValuePtr key = pop();
            set_item(top(), key, value);
            break;
        }
        case Op::SetItems: {
            const std::vector<ValuePtr> items = pop_to_mark();
            if (items.size() % 2 != 0)
                fail("SETITEMS with an odd number of items");
            const ValuePtr& dict = top();
            for (size_t i = 0; i < items.size(); i += 2)
                set_item(dict, items[i], items[i + 1]);
            break;
        }
        case Op::Append: {
            const ValuePtr item = pop();
            append(top(), item);
            break;
        }
        case Op::Appends: {
            const std::vector<ValuePtr> items = pop_to_mark();
            const ValuePtr& list = top();
            for (const auto& item : items)
                append(list, item);
            break;
        }
        case Op::BinPut:
            memo_put(read_uint(1));
            break;
        case Op::LongBinPut:
            memo_put(read_uint(4));
            break;
        case Op::Memoize:
            memo_put(memo_.size());
            break;
        case Op::BinGet:
            memo_get(read_uint(1));
            break;
        case Op::LongBinGet:
            memo_get(read_uint(4));
            break;
        case Op::ShortBinUnicode:
        case Op::ShortBinString:
            push(make_string(read_string(read_uint(1))));
            break;
        case Op::BinUnicode:
            push(make_string(read_string(read_uint(4))));
            break;
        case Op::BinUnicode8:
            push(make_string(read_string(read_uint(8))));
            break;
        case Op::BinString: {
            const auto n = static_cast<int32_t>(read_uint(4));
            if (n < 0)
                fail("BINSTRING with a negative length");
            push(make_string(read_string(static_cast<uint64_t>(n))));
            break;
        }
        case Op::BinInt:
            push(make_int(static_cast<int32_t>(read_uint(4))));
            break;
        case Op::BinInt1:
            push(make_int(static_cast<int64_t>(read_uint(1))));
            break;
        case Op::BinInt2:
            push(make_int(static_cast<int64_t>(read_uint(2))));
            break;
        case Op::Long1: {
            const auto n = static_cast<int>(read_uint(1));
            if (n > 8)
                fail("integer of " + std::to_string(n) + " bytes does not fit 64 bits");
            uint64_t raw = n ? read_uint(n) : 0;
            // Two's complement of n bytes: extend the sign bit.
            if (n > 0 && n < 8 && (raw >> (8 * n - 1)) & 1)
                raw |= ~uint64_t{0} << (8 * n);
            push(make_int(static_cast<int64_t>(raw)));
            break;
        }
        case Op::None:
            push(none_);
            break;
        case Op::NewTrue:
            push(true_);
            break;
        case Op::NewFalse:
            push(false_);
            break;
        case Op::BinFloat: {
            const unsigned char* p = take(8);
            uint64_t bits = 0;
            for (int i = 0; i < 8; ++i)
                bits = (bits << 8) | p[i]; // big-endian, unlike everything else
            auto v = make(Kind::Float);
            std::memcpy(&v->real, &bits, sizeof bits);
            push(std::move(v));
            break;
        }
        case Op::Reduce: {
            const ValuePtr args = pop();
            const ValuePtr callable = pop();
            push(reduce(callable, args));
            break;
        }
        case Op::Build: {
            // OrderedDict's state is its __dict__, i.e. {'_metadata': ...}:
            // version numbers for Python's load_state_dict hooks, unused here.
            const ValuePtr state = pop();
            const ValuePtr& target = top();
            if (target->kind != Kind::Dict || (state->kind != Kind::Dict && state->kind != Kind::None))
                fail(std::string("BUILD of a ") + kind_name(target->kind) + " from a " +
                     kind_name(state->kind) + " is not supported");
            break;
        }
        case Op::BinPersId:
            push(persistent_load(pop()));
            break;
        case Op::Stop:
            return pop();
        default: {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02x", byte);
            const char* name = opcode_name(byte);
            fail(std::string("unsupported pickle opcode ") + hex +
                 (name ? std::string(" (") + name + ")" : std::string()));
        }
        }
    }
}

} // namespace mergelab::torch_format
