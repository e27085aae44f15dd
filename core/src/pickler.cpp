#include "pickler.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <optional>

namespace mergelab::torch_format {

void PickleWriter::op(Op o) {
    out_.push_back(static_cast<char>(o));
}

void PickleWriter::byte(uint8_t b) {
    out_.push_back(static_cast<char>(b));
}

void PickleWriter::integer(int64_t v) {
    if (v >= 0 && v < 0x100) {
        op(Op::BinInt1);
        le(static_cast<uint64_t>(v), 1);
    } else if (v >= 0 && v < 0x10000) {
        op(Op::BinInt2);
        le(static_cast<uint64_t>(v), 2);
    } else if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) {
        op(Op::BinInt);
        le(static_cast<uint64_t>(v), 4);
    } else {
        // Python's own choice for wide ints: LONG1, shortest two's complement.
        std::string bytes;
        int64_t rest = v;
        do {
            bytes.push_back(static_cast<char>(rest & 0xff));
            rest >>= 8; // arithmetic: the sign is kept
        } while (!((rest == 0 && !(bytes.back() & 0x80)) || (rest == -1 && (bytes.back() & 0x80))));
        op(Op::Long1);
        le(bytes.size(), 1);
        out_ += bytes;
    }
}

void PickleWriter::string(const std::string& s) {
    op(Op::BinUnicode);
    le(s.size(), 4);
    out_ += s;
}

void PickleWriter::global(const char* module, const char* name) {
    op(Op::Global);
    out_ += module;
    out_ += '\n';
    out_ += name;
    out_ += '\n';
}

void PickleWriter::put(uint32_t index) {
    if (index < 0x100) {
        op(Op::BinPut);
        le(index, 1);
    } else {
        op(Op::LongBinPut);
        le(index, 4);
    }
}

void PickleWriter::get(uint32_t index) {
    if (index < 0x100) {
        op(Op::BinGet);
        le(index, 1);
    } else {
        op(Op::LongBinGet);
        le(index, 4);
    }
}

void PickleWriter::int_tuple(const std::vector<int64_t>& values) {
    if (values.empty()) {
        op(Op::EmptyTuple);
        return;
    }
    if (values.size() > 3)
        op(Op::Mark);
    for (int64_t v : values)
        integer(v);
    if (values.size() > 3)
        op(Op::Tuple);
    else
        op(static_cast<Op>(static_cast<uint8_t>(Op::Tuple1) + values.size() - 1));
}

void PickleWriter::le(uint64_t v, int n) {
    for (int i = 0; i < n; ++i)
        out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string state_dict_pickle(const WeightSet& weights) {
    PickleWriter w;
    w.op(Op::Proto);
    w.byte(2);

    uint32_t next_memo = 0;
    const uint32_t ordered_dict = next_memo++;
    w.global("collections", "OrderedDict");
    w.put(ordered_dict);
    w.op(Op::EmptyTuple);
    w.op(Op::Reduce);
    w.put(next_memo++);

    // Memo slots of values every tensor repeats, assigned on first use.
    std::optional<uint32_t> rebuild, storage_tag, float_storage, cpu;
    const auto emit_shared = [&](std::optional<uint32_t>& slot, const std::function<void()>& emit) {
        if (slot) {
            w.get(*slot);
        } else {
            emit();
            slot = next_memo++;
            w.put(*slot);
        }
    };

    // Python writes SETITEMS in batches of a thousand, a lone item as SETITEM.
    constexpr size_t kBatch = 1000;
    for (size_t start = 0; start < weights.size(); start += kBatch) {
        const size_t end = std::min(weights.size(), start + kBatch);
        const bool batched = end - start > 1;
        if (batched)
            w.op(Op::Mark);
        for (size_t i = start; i < end; ++i) {
            const NamedTensor& t = weights[i];
            w.string(t.name);
            emit_shared(rebuild, [&] { w.global("torch._utils", "_rebuild_tensor_v2"); });
            w.op(Op::Mark);
            w.op(Op::Mark);
            emit_shared(storage_tag, [&] { w.string("storage"); });
            emit_shared(float_storage, [&] { w.global("torch", "FloatStorage"); });
            w.string(std::to_string(i));
            emit_shared(cpu, [&] { w.string("cpu"); });
            w.integer(static_cast<int64_t>(t.values.size()));
            w.op(Op::Tuple);
            w.op(Op::BinPersId);
            w.integer(0); // storage offset
            w.int_tuple(t.shape);
            // Contiguous strides; PyTorch counts a size-0 dimension as 1 here.
            std::vector<int64_t> strides(t.shape.size());
            int64_t step = 1;
            for (size_t d = t.shape.size(); d-- > 0;) {
                strides[d] = step;
                step *= std::max<int64_t>(t.shape[d], 1);
            }
            w.int_tuple(strides);
            w.op(Op::NewFalse);  // requires_grad
            w.get(ordered_dict); // backward hooks: OrderedDict()
            w.op(Op::EmptyTuple);
            w.op(Op::Reduce);
            w.op(Op::Tuple);
            w.op(Op::Reduce);
        }
        w.op(batched ? Op::SetItems : Op::SetItem);
    }
    w.op(Op::Stop);
    return w.bytes();
}

} // namespace mergelab::torch_format
