// state_dict files end to end: exact round trips, interop with Python's
// torch.save and torch.load both ways (when /usr/bin/python3 has torch), and
// refusal of files whose trouble lies past the zip and the pickle: not a zip
// at all, or tensors that do not fit their storage. The zip reader, the
// unpickler, the pickler and the zip writer have tests of their own.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "mergelab/error.h"
#include "mergelab/state_dict.h"
#include "support/bytes.h"
#include "support/errors.h"
#include "support/test_main.h"
#include "support/torch_files.h"

namespace test_state_dict {

namespace {

using mergelab::NamedTensor;
using mergelab::WeightSet;
using namespace mergelab::testing;

const char* const kPython = "/usr/bin/python3";

std::string str(const QString& text) {
    return text.toStdString();
}

float fromBits(quint32 bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

QByteArray bytesOf(const std::vector<float>& values) {
    return QByteArray(reinterpret_cast<const char*>(values.data()), int(values.size() * sizeof(float)));
}

QString shapeText(const std::vector<int64_t>& shape) {
    QStringList parts;
    for (int64_t d : shape)
        parts << QString::number(d);
    return "[" + parts.join(", ") + "]";
}

struct ProcessResult {
    bool ran = false;
    int exitCode = -1;
    QString out;
    QString err;
};

ProcessResult runPython(const QString& script, const QStringList& args) {
    QProcess process;
    process.start(kPython, QStringList{"-c", script} + args);
    ProcessResult result;
    if (!process.waitForStarted(30000))
        return result;
    if (!process.waitForFinished(300000)) {
        process.kill();
        process.waitForFinished();
        return result;
    }
    result.ran = process.exitStatus() == QProcess::NormalExit;
    result.exitCode = process.exitCode();
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

// Saves state_dicts the everyday ways and writes, for each file, the
// expected names, shapes and float32 bytes (hex) to expected.json.
const char* const kPythonSaves = R"PY(
import collections, json, struct, sys
import torch
from torch import nn

out = sys.argv[1]
torch.manual_seed(7)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.fc = nn.Linear(8, 3)

net = Net()
base = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 7 - 0.5
mixed = collections.OrderedDict()
mixed['transposed'] = base.t()            # non-contiguous, shares base's storage
mixed['strided'] = base[1:, ::2]          # storage offset and a stride of 2
mixed['float64'] = torch.tensor([1 / 3, -2.5, 1e-40, -0.0], dtype=torch.float64)
mixed['float16'] = torch.tensor([0.1, -0.0, 65504.0, 6e-8], dtype=torch.float16)
mixed['bfloat16'] = torch.tensor([0.1, -3.0, 1e30], dtype=torch.bfloat16)
mixed['scalar'] = torch.tensor(2.5)
mixed['empty'] = torch.zeros(0, 3)
assert not mixed['transposed'].is_contiguous() and not mixed['strided'].is_contiguous()

files = {
    'model.pt': net.state_dict(),                      # OrderedDict with _metadata
    'parameters.pt': net.state_dict(keep_vars=True),   # nn.Parameter: _rebuild_parameter
    'mixed.pt': mixed,
    'protocol4.pt': net.state_dict(),
}
expected = {}
for name, sd in files.items():
    torch.save(sd, out + '/' + name, pickle_protocol=4 if name == 'protocol4.pt' else 2)
    expected[name] = [
        {'name': k, 'shape': list(v.shape),
         'float32': struct.pack('<%df' % v.numel(), *v.detach().float().flatten().tolist()).hex()}
        for k, v in sd.items()]
with open(out + '/expected.json', 'w') as f:
    json.dump(expected, f)
)PY";

// torch.load's a file saved by MergeLab, loads it into the matching module
// (strictly), and prints name, shape and float32 bytes of every tensor; then
// the same for a second file of odd shapes, without a module.
const char* const kPythonLoads = R"PY(
import collections, struct, sys
import torch
from torch import nn

def dump(sd):
    for k, v in sd.items():
        assert v.dtype == torch.float32, (k, v.dtype)
        print(k, list(v.shape), struct.pack('<%df' % v.numel(), *v.flatten().tolist()).hex())

model_path, extras_path = sys.argv[1], sys.argv[2]
sd = torch.load(model_path)
assert type(sd) is collections.OrderedDict, type(sd)
assert list(torch.load(model_path, weights_only=True)) == list(sd)
model = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1))
model.load_state_dict(sd)
dump(model.state_dict())
dump(torch.load(extras_path, weights_only=True))
)PY";

} // namespace

class TestStateDict : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void roundTripIsExact();
    void roundTripEmptySet();
    void saveRejectsInconsistentTensors_data();
    void saveRejectsInconsistentTensors();
    void saveFailureNamesPathAndCleansUp();
    void loadsFilesSavedByPython();
    void pythonLoadsSavedFiles();
    void viewsDividingOneStorageAreRead();
    void refusesBadFiles_data();
    void refusesBadFiles();

private:
    bool pythonHasTorch_ = false;
};

void TestStateDict::initTestCase() {
    const ProcessResult probe = runPython("import torch", {});
    pythonHasTorch_ = probe.ran && probe.exitCode == 0;
    if (!pythonHasTorch_)
        qInfo("%s cannot import torch; interop tests will be skipped", kPython);
}

void TestStateDict::roundTripIsExact() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const float inf = std::numeric_limits<float>::infinity();
    const float denormal = std::numeric_limits<float>::denorm_min();
    WeightSet set;
    set.push_back({"conv1.weight", {2, 1, 2, 3}, {}});
    for (int i = 0; i < 12; ++i)
        set.back().values.push_back(std::ldexp(float(i) - 5.5f, -i) / 3.0f);
    set.push_back({"specials",
                   {8},
                   {-0.0f, 0.0f, denormal, -denormal, inf, -inf, fromBits(0x7fc01234),
                    std::numeric_limits<float>::max()}});
    set.push_back({"scalar", {}, {42.5f}});
    set.push_back({"one", {1}, {-1e-30f}});
    set.push_back({"empty", {0}, {}});
    set.push_back({"empty rows", {2, 0, 3}, {}});
    set.push_back({"name with ünïcode/and.dots", {3, 1}, {1.f, 2.f, 3.f}});

    const QString path = tmp.filePath("model.pt");
    mergelab::save_state_dict(str(path), set);
    QCOMPARE(QDir(tmp.path()).entryList(QDir::Files), QStringList{"model.pt"}); // no temporary left
    QVERIFY(readAll(path).startsWith("PK\x03\x04"));

    const WeightSet loaded = mergelab::load_state_dict(str(path));
    QCOMPARE(loaded.size(), set.size());
    for (size_t i = 0; i < set.size(); ++i) {
        QCOMPARE(loaded[i].name, set[i].name);
        QCOMPARE(loaded[i].shape, set[i].shape);
        QCOMPARE(bytesOf(loaded[i].values), bytesOf(set[i].values)); // bit-identical, NaN payload too
    }

    // Saving again replaces the file.
    set.resize(1);
    mergelab::save_state_dict(str(path), set);
    QCOMPARE(mergelab::load_state_dict(str(path)).size(), size_t(1));
}

void TestStateDict::roundTripEmptySet() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString path = tmp.filePath("empty.pt");
    mergelab::save_state_dict(str(path), {});
    QVERIFY(mergelab::load_state_dict(str(path)).empty());
}

void TestStateDict::saveRejectsInconsistentTensors_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("words");

    QTest::newRow("too few values") << "short" << QStringList{"'short'", "[2, 3]", "5 values"};
    QTest::newRow("negative dimension") << "negative" << QStringList{"'negative'", "[-1, 2]"};
    QTest::newRow("duplicate name") << "twice" << QStringList{"'twice'", "twice"};
    QTest::newRow("empty name") << "" << QStringList{"without a name"};
    QTest::newRow("not UTF-8") << "bad\xff" << QStringList{"UTF-8"};
}

void TestStateDict::saveRejectsInconsistentTensors() {
    QFETCH(QString, name);
    QFETCH(QStringList, words);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    WeightSet set;
    set.push_back({"fine", {1}, {1.f}});
    if (name == "short")
        set.push_back({"short", {2, 3}, std::vector<float>(5)});
    else if (name == "negative")
        set.push_back({"negative", {-1, 2}, std::vector<float>(2)});
    else if (name == "twice") {
        set.push_back({"twice", {1}, {1.f}});
        set.push_back({"twice", {1}, {2.f}});
    } else if (name == "")
        set.push_back({"", {1}, {1.f}});
    else
        set.push_back({"bad\xff", {1}, {1.f}});

    const QString path = tmp.filePath("model.pt");
    const QString message = errorMessage([&] { mergelab::save_state_dict(str(path), set); });
    QVERIFY2(message.startsWith(path), qPrintable(message));
    for (const QString& word : words)
        QVERIFY2(message.contains(word), qPrintable(message + " lacks " + word));
    QVERIFY(QDir(tmp.path()).isEmpty());
}

void TestStateDict::saveFailureNamesPathAndCleansUp() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString path = tmp.filePath("missing/dir/model.pt");
    const QString message = errorMessage([&] { mergelab::save_state_dict(str(path), {{"w", {1}, {1.f}}}); });
    QVERIFY2(message.startsWith(path), qPrintable(message));
    QVERIFY(QDir(tmp.path()).isEmpty());

    // An existing file stays as it was when saving over it fails.
    const QString kept = tmp.filePath("kept.pt");
    mergelab::save_state_dict(str(kept), {{"w", {1}, {1.f}}});
    const QByteArray before = readAll(kept);
    QVERIFY(!errorMessage([&] { mergelab::save_state_dict(str(kept), {{"w", {2}, {1.f}}}); }).isNull());
    QCOMPARE(readAll(kept), before);
}

void TestStateDict::loadsFilesSavedByPython() {
    if (!pythonHasTorch_)
        QSKIP("/usr/bin/python3 cannot import torch");
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const ProcessResult python = runPython(kPythonSaves, {tmp.path()});
    QVERIFY2(python.ran && python.exitCode == 0, qPrintable(python.err));

    const QJsonObject expected = QJsonDocument::fromJson(readAll(tmp.filePath("expected.json"))).object();
    QCOMPARE(expected.keys(), (QStringList{"mixed.pt", "model.pt", "parameters.pt", "protocol4.pt"}));
    for (const QString& file : expected.keys()) {
        const QJsonArray tensors = expected[file].toArray();
        const WeightSet loaded = mergelab::load_state_dict(str(tmp.filePath(file)));
        QCOMPARE(loaded.size(), size_t(tensors.size()));
        for (int i = 0; i < tensors.size(); ++i) {
            const QJsonObject want = tensors[i].toObject();
            const NamedTensor& got = loaded[size_t(i)];
            QCOMPARE(QString::fromStdString(got.name), want["name"].toString());
            std::vector<int64_t> shape;
            for (const QJsonValue& d : want["shape"].toArray())
                shape.push_back(d.toInt());
            QCOMPARE(got.shape, shape);
            QCOMPARE(bytesOf(got.values).toHex(), want["float32"].toString().toLatin1());
        }
    }
}

void TestStateDict::pythonLoadsSavedFiles() {
    if (!pythonHasTorch_)
        QSKIP("/usr/bin/python3 cannot import torch");
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const float denormal = std::numeric_limits<float>::denorm_min();
    // Shaped like nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1)).
    WeightSet model;
    model.push_back({"0.weight", {2, 3}, {0.25f, -0.0f, denormal, 1.0f / 3.0f, -7.5f, 1e-20f}});
    model.push_back({"0.bias", {2}, {std::numeric_limits<float>::infinity(), -2.f}});
    model.push_back({"2.weight", {1, 2}, {-denormal, 3.f}});
    model.push_back({"2.bias", {1}, {0.125f}});
    WeightSet extras;
    extras.push_back({"scalar", {}, {-1.5f}});
    extras.push_back({"empty", {0, 3}, {}});
    extras.push_back({"four-d", {1, 2, 1, 2}, {1.f, 2.f, 3.f, 4.f}});
    const QString modelPath = tmp.filePath("model.pt");
    const QString extrasPath = tmp.filePath("extras.pt");
    mergelab::save_state_dict(str(modelPath), model);
    mergelab::save_state_dict(str(extrasPath), extras);

    const ProcessResult python = runPython(kPythonLoads, {modelPath, extrasPath});
    QVERIFY2(python.ran && python.exitCode == 0, qPrintable(python.err));
    QStringList expected;
    for (const WeightSet* set : {&model, &extras})
        for (const NamedTensor& t : *set)
            expected << QString::fromStdString(t.name) + " " + shapeText(t.shape) + " " +
                            QString::fromLatin1(bytesOf(t.values).toHex());
    QCOMPARE(python.out.trimmed().split('\n'), expected);
}

void TestStateDict::refusesBadFiles_data() {
    QTest::addColumn<BadFile>("make");
    QTest::addColumn<QStringList>("words");

    const std::string oneFloat = floatBytes({1.f});
    const std::string fourFloats = floatBytes({1.f, 2.f, 3.f, 4.f});

    QTest::newRow("missing file") << BadFile([](const QString&) {}) << QStringList{"cannot open"};
    QTest::newRow("directory") << BadFile([](const QString& path) { QDir().mkpath(path); })
                               << QStringList{"is a directory"};
    QTest::newRow("empty file") << rawFile({}) << QStringList{"empty file"};
    // torch.save before PyTorch 1.6: a pickled magic number, no zip.
    QTest::newRow("legacy torch.save")
        << rawFile(QByteArray("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19."
                              "\x80\x02M\xe9\x03.",
                              21))
        << QStringList{"legacy", "not supported", "re-save"};
    QTest::newRow("bare pickle") << rawFile(QByteArray("\x80\x02}q\x00.", 6)) << QStringList{"bare pickle"};
    QTest::newRow("top level list") << zipWithPickle(std::string("\x80\x02].", 4))
                                    << QStringList{"holds a list", "not a dict"};

    Pickle nested;
    nested.proto(2).orderedDict().str("inner").op('}').op('s').op('.');
    QTest::newRow("nested dict value")
        << zipWithPickle(nested.bytes()) << QStringList{"'inner'", "not a tensor"};
    Pickle number;
    number.proto(2).op('}').str("lr").integer(3).op('s').op('.');
    QTest::newRow("int value") << zipWithPickle(number.bytes())
                               << QStringList{"'lr'", "type int, not a tensor"};
    QTest::newRow("int64 tensor") << zipWithPickle(oneTensorPickle("steps", "LongStorage", 1, {}, {}),
                                                   std::string(8, '\0'))
                                  << QStringList{"'steps'", "unsupported dtype int64"};

    // 10^12 elements over a storage of one: by extent, and by a stride-0
    // broadcast that stays inside it. Refused before anything is allocated
    // (allocating 4 TB would fail with a different, out-of-memory message).
    const int64_t tera = 1000000000000;
    QTest::newRow("enormous tensor") << zipWithPickle(oneTensorPickle("huge", "FloatStorage", 1, {tera}, {1}),
                                                      oneFloat)
                                     << QStringList{"'huge'", "reaches element 999999999999", "only 1"};
    QTest::newRow("enormous broadcast")
        << zipWithPickle(oneTensorPickle("wide", "FloatStorage", 1, {tera, 4}, {0, 0}), oneFloat)
        << QStringList{"'wide'", "broadcast"};
    const int64_t big = int64_t(1) << 40;
    QTest::newRow("overflowing size")
        << zipWithPickle(oneTensorPickle("overflow", "FloatStorage", 4, {big, big}, {1, 1}), fourFloats)
        << QStringList{"'overflow'", "64 bits"};
    QTest::newRow("view past storage end")
        << zipWithPickle(oneTensorPickle("late", "FloatStorage", 4, {2}, {1}, 3), fourFloats)
        << QStringList{"'late'", "offset 3", "reaches element 4"};
    // Every entry a full view of one storage: each would be a copy.
    Pickle shared;
    shared.proto(2).orderedDict().op('(');
    for (int i = 0; i < 30; ++i)
        shared.tensorItem("v" + std::to_string(i), "FloatStorage", "0", 4096, {4096}, {1});
    shared.op('u').op('.');
    QTest::newRow("views sharing one storage")
        << zipWithPickle(shared.bytes(), std::string(4096 * 4, '\0'))
        << QStringList{"'v20'", "counted once", "86016 elements", "4096 their storages hold"};
}

// Views that split one storage between them read it once, as PyTorch does
// for slices saved together.
void TestStateDict::viewsDividingOneStorageAreRead() {
    QTemporaryDir tmp;
    Pickle halves;
    halves.proto(2).orderedDict().op('(');
    halves.tensorItem("low", "FloatStorage", "0", 4, {2}, {1}, 0);
    halves.tensorItem("high", "FloatStorage", "0", 4, {2}, {1}, 2);
    halves.op('u').op('.');
    const QString path = tmp.filePath("halves.pt");
    zipWithPickle(halves.bytes(), floatBytes({1, 2, 3, 4}))(path);
    const WeightSet w = mergelab::load_state_dict(path.toStdString());
    QCOMPARE(w.size(), size_t(2));
    QCOMPARE(w[0].values, std::vector<float>({1, 2}));
    QCOMPARE(w[1].values, std::vector<float>({3, 4}));
}

void TestStateDict::refusesBadFiles() {
    QFETCH(BadFile, make);
    QFETCH(QStringList, words);
    const QString problem = refusalProblem(make, words);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

MERGELAB_TEST_GUILESS(test_state_dict, TestStateDict)
} // namespace test_state_dict

#include "test_state_dict.moc"
