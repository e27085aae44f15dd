// The pickle machine of state_dict files: the pickles Python and libtorch
// write are read, everything else is refused by name with the offset of the
// opcode, and no callable named by the file is ever looked up.
#include <QTemporaryDir>
#include <QtTest>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mergelab/state_dict.h"
#include "support/test_main.h"
#include "support/torch_files.h"
#include "torch_format.h"
#include "unpickler.h"

namespace test_unpickler {

namespace {

using mergelab::WeightSet;
using namespace mergelab::testing;
using mergelab::torch_format::Kind;
using mergelab::torch_format::Refusal;
using mergelab::torch_format::Unpickler;
using mergelab::torch_format::ValuePtr;

std::string str(const QString& text) {
    return text.toStdString();
}

const unsigned char* bytesOf(const std::string& s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

// Archives where every storage record "data/<key>" holds `bytes` bytes.
Unpickler::RecordSize everyRecordHolds(uint64_t bytes) {
    return [bytes](const std::string&) -> std::optional<uint64_t> { return bytes; };
}

ValuePtr unpickle(const std::string& pickle, Unpickler::RecordSize recordSize = everyRecordHolds(0)) {
    return Unpickler(bytesOf(pickle), pickle.size(), std::move(recordSize)).run();
}

// What the unpickler refuses `pickle` with; empty if it does not.
QString refusalOf(const std::string& pickle, Unpickler::RecordSize recordSize = everyRecordHolds(0)) {
    try {
        unpickle(pickle, std::move(recordSize));
    } catch (const Refusal& refusal) {
        return QString::fromStdString(refusal.what());
    }
    return {};
}

} // namespace

class TestUnpickler : public QObject {
    Q_OBJECT

private slots:
    void readsPythonStylePickles_data();
    void readsPythonStylePickles();
    void evaluatesATensorEntry();
    void readsScalars();
    void asksTheArchiveForStorageSizes();
    void refusesWithTheOpcodeOffset();
    void refusesBadFiles_data();
    void refusesBadFiles();
};

void TestUnpickler::readsPythonStylePickles_data() {
    QTest::addColumn<QByteArray>("pickle");

    // What torch.save(model.state_dict()) writes: memoized globals and
    // strings, SETITEMS, a storage shared by two tensors, and BUILD with the
    // `_metadata` attribute.
    Pickle py;
    py.proto(2).global("collections", "OrderedDict").put(0).op(')').op('R').put(1).op('(');
    py.str("fc.weight").put(2).global("torch._utils", "_rebuild_tensor_v2").put(3).op('(');
    py.op('(')
        .str("storage")
        .put(4)
        .global("torch", "FloatStorage")
        .put(5)
        .str("0")
        .put(6)
        .str("cpu")
        .put(7)
        .integer(6)
        .op('t')
        .put(8)
        .op('Q');
    py.integer(0).integer(2).integer(3).op(0x86).integer(1).integer(2).op(0x86); // transposed: stride (1, 2)
    py.op(0x89).get(0).op(')').op('R').op('t').op('R');
    py.str("fc.bias").get(3).op('(').op('(').get(4).get(5).str("0").get(7).integer(6).op('t').op('Q');
    py.integer(4).integer(2).op(0x85).integer(1).op(0x85).op(0x89).get(0).op(')').op('R').op('t').op('R');
    py.op('u');
    py.op('}').str("_metadata").get(0).op(')').op('R');
    py.op('(').str("").op('}').str("version").integer(1).op('s');
    py.str("fc").op('}').str("version").integer(1).op('s').op('u').op('s').op('b').op('.');
    QTest::newRow("torch.save protocol 2") << QByteArray::fromStdString(py.bytes());

    // What libtorch's torch::pickle_save writes: a typed dict.
    Pickle jit;
    jit.proto(2).global("torch.jit._pickle", "restore_type_tag").put(0).op('}').op('(');
    jit.tensorItem("fc.weight", "FloatStorage", "0", 6, {2, 3}, {1, 2});
    jit.tensorItem("fc.bias", "FloatStorage", "0", 6, {2}, {1}, 4);
    jit.op('u').str("Dict[str, Tensor]").op(0x86).op('R').op('.');
    QTest::newRow("torch::pickle_save") << QByteArray::fromStdString(jit.bytes());

    // Protocol 4: FRAME, SHORT_BINUNICODE, STACK_GLOBAL, MEMOIZE.
    Pickle p4;
    p4.proto(4).op(0x95).raw(std::string("\x10\0\0\0\0\0\0\0", 8));
    p4.shortStr("collections").op(0x94).shortStr("OrderedDict").op(0x94).op(0x93).op(0x94);
    p4.op(')').op('R').op(0x94);
    p4.op('(');
    struct Item {
        const char* key;
        int offset;
        std::vector<int64_t> size, stride;
    };
    for (const Item& item : {Item{"fc.weight", 0, {2, 3}, {1, 2}}, Item{"fc.bias", 4, {2}, {1}}}) {
        p4.shortStr(item.key).shortStr("torch._utils").shortStr("_rebuild_tensor_v2").op(0x93).op('(');
        p4.op('(')
            .shortStr("storage")
            .shortStr("torch")
            .shortStr("FloatStorage")
            .op(0x93)
            .shortStr("0")
            .shortStr("cpu")
            .integer(6)
            .op('t')
            .op('Q');
        p4.integer(item.offset).intTuple(item.size).intTuple(item.stride);
        p4.op(0x89).get(2).op(')').op('R').op('t').op('R');
    }
    p4.op('u').op('.');
    QTest::newRow("protocol 4") << QByteArray::fromStdString(p4.bytes());
}

void TestUnpickler::readsPythonStylePickles() {
    QFETCH(QByteArray, pickle);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString path = tmp.filePath("crafted.pt");
    mergelab::write_torch_zip(str(path), {{"data.pkl", pickle.toStdString()},
                                          {"data/0", floatBytes({0.f, 1.f, 2.f, 3.f, 4.f, 5.f})}});
    const WeightSet loaded = mergelab::load_state_dict(str(path));
    QCOMPARE(loaded.size(), size_t(2));
    QCOMPARE(loaded[0].name, std::string("fc.weight"));
    QCOMPARE(loaded[0].shape, (std::vector<int64_t>{2, 3}));
    // Element (i, j) sits at storage index i + 2 j.
    QCOMPARE(loaded[0].values, (std::vector<float>{0.f, 2.f, 4.f, 1.f, 3.f, 5.f}));
    QCOMPARE(loaded[1].name, std::string("fc.bias"));
    QCOMPARE(loaded[1].shape, (std::vector<int64_t>{2}));
    QCOMPARE(loaded[1].values, (std::vector<float>{4.f, 5.f}));
}

void TestUnpickler::evaluatesATensorEntry() {
    std::vector<std::string> asked;
    const ValuePtr root = unpickle(oneTensorPickle("fc.weight", "DoubleStorage", 6, {2, 3}, {1, 2}, 0),
                                   [&asked](const std::string& key) -> std::optional<uint64_t> {
                                       asked.push_back(key);
                                       return 48;
                                   });
    QCOMPARE(asked, std::vector<std::string>{"0"});
    QVERIFY(root->kind == Kind::Dict);
    QCOMPARE(root->items.size(), size_t(2));
    QVERIFY(root->items[0]->kind == Kind::String);
    QCOMPARE(root->items[0]->text, std::string("fc.weight"));
    const auto& value = root->items[1];
    QVERIFY(value->kind == Kind::Tensor);
    QCOMPARE(value->tensor->sizes, (std::vector<int64_t>{2, 3}));
    QCOMPARE(value->tensor->strides, (std::vector<int64_t>{1, 2}));
    QCOMPARE(value->tensor->offset, int64_t(0));
    QCOMPARE(value->tensor->storage->key, std::string("0"));
    QCOMPARE(value->tensor->storage->numel, int64_t(6));
    QCOMPARE(std::string(value->tensor->storage->dtype->name), std::string("float64"));
}

void TestUnpickler::readsScalars() {
    // (LONG1 -2, LONG1 2^40, BININT -7, BINFLOAT 1.5, True, None) as a tuple.
    Pickle p;
    p.proto(2).op('(');
    p.op(0x8a).op(1).op(0xfe);
    p.op(0x8a).op(6).raw(le(uint64_t(1) << 40, 6));
    p.op('J').raw(le(static_cast<uint32_t>(-7), 4));
    p.op('G').raw(std::string("\x3f\xf8\0\0\0\0\0\0", 8)); // big-endian, unlike the rest
    p.op(0x88).op('N').op('t').op('.');
    const ValuePtr root = unpickle(p.bytes());
    QVERIFY(root->kind == Kind::Tuple);
    QCOMPARE(root->items.size(), size_t(6));
    QCOMPARE(root->items[0]->integer, int64_t(-2));
    QCOMPARE(root->items[1]->integer, int64_t(1) << 40);
    QCOMPARE(root->items[2]->integer, int64_t(-7));
    QVERIFY(root->items[3]->kind == Kind::Float);
    QCOMPARE(root->items[3]->real, 1.5);
    QVERIFY(root->items[4]->kind == Kind::Bool);
    QCOMPARE(root->items[4]->integer, int64_t(1));
    QVERIFY(root->items[5]->kind == Kind::None);
}

void TestUnpickler::asksTheArchiveForStorageSizes() {
    const std::string pickle = oneTensorPickle("w", "FloatStorage", 4, {4}, {1});
    QVERIFY(unpickle(pickle, everyRecordHolds(16))->kind == Kind::Dict);
    const QString missing = refusalOf(pickle, [](const std::string&) { return std::optional<uint64_t>(); });
    QVERIFY2(missing.contains("'data/0' is missing"), qPrintable(missing));
    const QString other = refusalOf(pickle, everyRecordHolds(12));
    QVERIFY2(other.contains("holds 12 bytes") && other.contains("4 float32 elements (16 bytes)"),
             qPrintable(other));
}

void TestUnpickler::refusesWithTheOpcodeOffset() {
    QCOMPARE(refusalOf(std::string("\x80\x02N\xff.", 5)),
             QString("data.pkl at offset 3: unsupported pickle opcode 0xff"));
    QCOMPARE(refusalOf(std::string("\x80\x09.", 3)),
             QString("data.pkl at offset 0: unknown pickle protocol 9"));
    QCOMPARE(refusalOf(std::string("\x80\x02.", 3)), QString("data.pkl at offset 2: stack underflow"));
    // Values below the innermost MARK are out of reach, as in Python.
    QCOMPARE(refusalOf(std::string("\x80\x02N(\x85.", 6)), QString("data.pkl at offset 4: stack underflow"));
}

void TestUnpickler::refusesBadFiles_data() {
    QTest::addColumn<BadFile>("make");
    QTest::addColumn<QStringList>("words");

    const std::string oneFloat = floatBytes({1.f});
    const int64_t tera = 1000000000000;

    Pickle system;
    system.proto(2).global("os", "system").str("echo owned").op(0x85).op('R').op('.');
    QTest::newRow("GLOBAL os.system")
        << zipWithPickle(system.bytes()) << QStringList{"refuses global os.system", "offset 2"};
    Pickle eval;
    eval.proto(4).shortStr("builtins").shortStr("eval").op(0x93).shortStr("1").op(0x85).op('R').op('.');
    QTest::newRow("STACK_GLOBAL builtins.eval")
        << zipWithPickle(eval.bytes()) << QStringList{"refuses global builtins.eval", "offset 18"};
    Pickle storageCall;
    storageCall.proto(2).global("torch", "FloatStorage").op(')').op('R').op('.');
    QTest::newRow("calling a storage type")
        << zipWithPickle(storageCall.bytes()) << QStringList{"refuses to call torch.FloatStorage"};
    Pickle inst;
    inst.proto(2).op('(').str("id").raw("ios\nsystem\n").op('.');
    QTest::newRow("INST opcode") << zipWithPickle(inst.bytes())
                                 << QStringList{"unsupported pickle opcode 0x69 (INST)", "offset 10"};
    QTest::newRow("unknown opcode") << zipWithPickle(std::string("\x80\x02\xff.", 4))
                                    << QStringList{"opcode 0xff", "offset 2"};
    QTest::newRow("pickle cut short") << zipWithPickle(std::string("\x80\x02X\x10\x00\x00\x00"
                                                                   "abc",
                                                                   10))
                                      << QStringList{"data.pkl", "runs past the end"};
    QTest::newRow("no STOP") << zipWithPickle(std::string("\x80\x02}", 3)) << QStringList{"without STOP"};
    QTest::newRow("memo read before write")
        << zipWithPickle(std::string("\x80\x02h\x05.", 5)) << QStringList{"memo entry 5"};
    QTest::newRow("list containing itself") << zipWithPickle(std::string("\x80\x02]q\x00h\x00\x61.", 8))
                                            << QStringList{"modified after being nested"};
    QTest::newRow("deep nesting") << zipWithPickle("\x80\x02)" + std::string(200, '\x85') + ".")
                                  << QStringList{"nested deeper"};
    QTest::newRow("storage larger than its record")
        << zipWithPickle(oneTensorPickle("big", "FloatStorage", tera, {tera}, {1}), oneFloat)
        << QStringList{"data/0", "holds 4 bytes", "1000000000000 float32"};
    QTest::newRow("storage record missing")
        << zipWithPickle(oneTensorPickle("lost", "FloatStorage", 1, {1}, {1}))
        << QStringList{"data/0", "missing"};
    QTest::newRow("negative size") << zipWithPickle(oneTensorPickle("neg", "FloatStorage", 1, {-1}, {1}),
                                                    oneFloat)
                                   << QStringList{"size", "non-negative"};
}

void TestUnpickler::refusesBadFiles() {
    QFETCH(BadFile, make);
    QFETCH(QStringList, words);
    const QString problem = refusalProblem(make, words);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

MERGELAB_TEST_GUILESS(test_unpickler, TestUnpickler)
} // namespace test_unpickler

#include "test_unpickler.moc"
