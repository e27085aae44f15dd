// The pickle writer of state_dict files, read back by MergeLab's own
// unpickler: every tensor keeps its name, order, shape and storage, and
// integers and memo slots survive each of the encodings the writer picks.
// (That Python reads the same pickles is checked in test_state_dict.)
#include <QtTest>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "mergelab/weights.h"
#include "pickle_opcodes.h"
#include "pickler.h"
#include "support/test_main.h"
#include "unpickler.h"

namespace test_pickler {

namespace {

using mergelab::NamedTensor;
using mergelab::WeightSet;
using mergelab::torch_format::Kind;
using mergelab::torch_format::Op;
using mergelab::torch_format::PickleWriter;
using mergelab::torch_format::Unpickler;
using mergelab::torch_format::ValuePtr;

// Storage i is record "data/i", holding the float32 values of weights[i].
ValuePtr readBack(const std::string& pickle, const WeightSet& weights) {
    const auto recordSize = [&weights](const std::string& key) -> std::optional<uint64_t> {
        const size_t i = std::stoul(key);
        if (i >= weights.size())
            return std::nullopt;
        return weights[i].values.size() * sizeof(float);
    };
    return Unpickler(reinterpret_cast<const unsigned char*>(pickle.data()), pickle.size(), recordSize).run();
}

ValuePtr readBack(const PickleWriter& writer) {
    return readBack(writer.bytes(), {});
}

} // namespace

class TestPickler : public QObject {
    Q_OBJECT

private slots:
    void stateDictReadsBack();
    void manyTensorsReadBackInOrder();
    void integersReadBack_data();
    void integersReadBack();
    void memoSlotsPast255ReadBack();
};

void TestPickler::stateDictReadsBack() {
    WeightSet set;
    set.push_back({"conv.weight", {2, 1, 2, 3}, std::vector<float>(12, 0.5f)});
    set.push_back({"scalar", {}, {42.5f}});
    set.push_back({"empty rows", {2, 0, 3}, {}});
    set.push_back({"name with ünïcode", {3}, {1.f, 2.f, 3.f}});

    const ValuePtr root = readBack(mergelab::torch_format::state_dict_pickle(set), set);
    QVERIFY(root->kind == Kind::Dict);
    QCOMPARE(root->items.size(), 2 * set.size());
    // Contiguous strides, with a size-0 dimension counted as 1 like PyTorch.
    const std::vector<std::vector<int64_t>> strides = {{6, 6, 3, 1}, {}, {3, 3, 1}, {1}};
    for (size_t i = 0; i < set.size(); ++i) {
        const ValuePtr& key = root->items[2 * i];
        const ValuePtr& value = root->items[2 * i + 1];
        QVERIFY(key->kind == Kind::String);
        QCOMPARE(key->text, set[i].name);
        QVERIFY(value->kind == Kind::Tensor);
        QCOMPARE(value->tensor->sizes, set[i].shape);
        QCOMPARE(value->tensor->strides, strides[i]);
        QCOMPARE(value->tensor->offset, int64_t(0));
        QCOMPARE(value->tensor->storage->key, std::to_string(i));
        QCOMPARE(value->tensor->storage->numel, int64_t(set[i].values.size()));
        QCOMPARE(std::string(value->tensor->storage->dtype->name), std::string("float32"));
    }
}

// Past a thousand items the writer switches to a new SETITEMS batch, and the
// memo slots of the shared strings and globals are reused throughout.
void TestPickler::manyTensorsReadBackInOrder() {
    WeightSet set;
    for (int i = 0; i < 2001; ++i)
        set.push_back({"t" + std::to_string(i), {1}, {float(i)}});
    const ValuePtr root = readBack(mergelab::torch_format::state_dict_pickle(set), set);
    QCOMPARE(root->items.size(), 2 * set.size());
    for (size_t i = 0; i < set.size(); ++i)
        QCOMPARE(root->items[2 * i]->text, set[i].name);

    WeightSet none;
    QVERIFY(readBack(mergelab::torch_format::state_dict_pickle(none), none)->items.empty());
}

void TestPickler::integersReadBack_data() {
    QTest::addColumn<qint64>("value");
    QTest::addColumn<int>("opcode");
    QTest::addColumn<int>("size"); // bytes after PROTO 2, up to STOP

    QTest::newRow("0") << qint64(0) << int('K') << 2;
    QTest::newRow("255") << qint64(255) << int('K') << 2;
    QTest::newRow("256") << qint64(256) << int('M') << 3;
    QTest::newRow("65535") << qint64(65535) << int('M') << 3;
    QTest::newRow("65536") << qint64(65536) << int('J') << 5;
    QTest::newRow("-1") << qint64(-1) << int('J') << 5;
    QTest::newRow("int32 min") << qint64(std::numeric_limits<int32_t>::min()) << int('J') << 5;
    QTest::newRow("int32 max") << qint64(std::numeric_limits<int32_t>::max()) << int('J') << 5;
    // LONG1: the shortest two's complement, a sign byte added when needed.
    QTest::newRow("2^31") << (qint64(1) << 31) << int(0x8a) << 7;
    QTest::newRow("-2^31-1") << -(qint64(1) << 31) - 1 << int(0x8a) << 7;
    QTest::newRow("2^40") << (qint64(1) << 40) << int(0x8a) << 8;
    QTest::newRow("int64 min") << std::numeric_limits<qint64>::min() << int(0x8a) << 10;
    QTest::newRow("int64 max") << std::numeric_limits<qint64>::max() << int(0x8a) << 10;
}

void TestPickler::integersReadBack() {
    QFETCH(qint64, value);
    QFETCH(int, opcode);
    QFETCH(int, size);
    PickleWriter w;
    w.op(Op::Proto);
    w.byte(2);
    w.integer(value);
    w.op(Op::Stop);
    const std::string& bytes = w.bytes();
    QCOMPARE(int(static_cast<unsigned char>(bytes[2])), opcode);
    QCOMPARE(int(bytes.size()) - 2, size + 1);
    const ValuePtr v = readBack(w);
    QVERIFY(v->kind == Kind::Int);
    QCOMPARE(v->integer, int64_t(value));
}

void TestPickler::memoSlotsPast255ReadBack() {
    PickleWriter w;
    w.op(Op::Proto);
    w.byte(2);
    w.op(Op::Mark);
    w.string("short slot");
    w.put(7);
    w.string("long slot");
    w.put(300);
    w.get(7);
    w.get(300);
    w.op(Op::Tuple);
    w.op(Op::Stop);
    QVERIFY(w.bytes().find(char(Op::LongBinPut)) != std::string::npos);
    QVERIFY(w.bytes().find(char(Op::LongBinGet)) != std::string::npos);
    const ValuePtr v = readBack(w);
    QVERIFY(v->kind == Kind::Tuple);
    QCOMPARE(v->items.size(), size_t(4));
    QCOMPARE(v->items[2]->text, std::string("short slot"));
    QCOMPARE(v->items[3]->text, std::string("long slot"));
}

MERGELAB_TEST_GUILESS(test_pickler, TestPickler)
} // namespace test_pickler

#include "test_pickler.moc"
