// Architectures, initialisation, weight checks and evaluation.
#include <QtTest>

#include "mergelab/error.h"
#include "mergelab/model.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_model {

using namespace mergelab;

class TestModel : public QObject {
    Q_OBJECT
private slots:
    void initialWeightsFollowTheSpec_data() {
        QTest::addColumn<QString>("arch");
        QTest::newRow("cnn") << "cnn";
        QTest::newRow("mlp") << "mlp";
    }
    void initialWeightsFollowTheSpec() {
        QFETCH(QString, arch);
        const auto spec = architecture_spec(arch.toStdString());
        const auto w = initial_weights(arch.toStdString(), 1);
        QCOMPARE(w.size(), spec.size());
        for (size_t i = 0; i < spec.size(); ++i) {
            QCOMPARE(w[i].name, spec[i].name);
            QCOMPARE(w[i].shape, spec[i].shape);
            QCOMPARE(int64_t(w[i].values.size()), w[i].numel());
        }
        QCOMPARE(detect_architecture(w), arch.toStdString());
    }

    void cnnHasThePyTorchParameterNames() {
        std::vector<std::string> names;
        for (const auto& t : architecture_spec("cnn"))
            names.push_back(t.name);
        QCOMPARE(names, (std::vector<std::string>{"conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                                                  "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"}));
        QCOMPARE(architecture_spec("cnn")[4].shape, (std::vector<int64_t>{128, 1600}));
    }

    void initialisationIsSeeded() {
        const auto a = initial_weights("cnn", 3), b = initial_weights("cnn", 3),
                   c = initial_weights("cnn", 4);
        QVERIFY(a[0].values == b[0].values);
        QVERIFY(a[0].values != c[0].values);
        // PyTorch's default init bounds conv1 weights by 1/sqrt(fan_in) = 1/3.
        for (float v : a[0].values)
            QVERIFY(std::fabs(v) <= 1.0f / 3.0f + 1e-6f);
    }

    void checkWeightsNamesTheWrongTensor() {
        auto w = initial_weights("cnn", 1);
        w[4].shape = {128, 1599};
        try {
            check_weights("cnn", w, "x.pt");
            QFAIL("accepted");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("x.pt") && QString(e.what()).contains("fc1.weight"),
                     e.what());
        }
        w = initial_weights("cnn", 1);
        w.erase(w.begin() + 1);
        QVERIFY_THROWS_EXCEPTION(Error, check_weights("cnn", w, "x.pt"));
        QVERIFY(detect_architecture(w).empty());
        w = initial_weights("mlp", 1);
        w.push_back({"extra", {1}, {0}});
        QVERIFY_THROWS_EXCEPTION(Error, check_weights("mlp", w, "x.pt"));
        QVERIFY_THROWS_EXCEPTION(UsageError, architecture_spec("resnet"));
    }

    void evaluationCountsEveryImage() {
        const Dataset data = testing::make_synthetic_dataset(13, 5);
        const auto r = evaluate("cnn", initial_weights("cnn", 2), data, 1);
        QCOMPARE(confusion_total(r.confusion), data.size());
        QCOMPARE(r.predictions.size(), data.labels.size());
        QCOMPARE(double(confusion_correct(r.confusion)) / data.size(), r.accuracy);
        int64_t correct = 0;
        for (size_t i = 0; i < data.labels.size(); ++i) {
            QVERIFY(r.predictions[i] < 10);
            correct += r.predictions[i] == data.labels[i];
        }
        QCOMPARE(correct, confusion_correct(r.confusion));
        QVERIFY(r.loss > 1.5 && r.loss < 3.5); // an untrained net is near ln(10)
    }
};

MERGELAB_TEST_GUILESS(test_model, TestModel)
} // namespace test_model

#include "test_model.moc"
