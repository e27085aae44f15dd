// Smoke tests on the real Fashion-MNIST when it is installed (CI installs it).
#include <QtTest>

#include <QElapsedTimer>

#include "mergelab/dataset.h"
#include "mergelab/model.h"
#include "mergelab/split.h"
#include "support/process.h"
#include "support/test_main.h"

namespace test_real_data {

using namespace mergelab;

class TestRealData : public QObject {
    Q_OBJECT
    FashionMnist data_;

private slots:
    void initTestCase() {
        if (testing::real_data_dir().isEmpty())
            QSKIP("Fashion-MNIST not installed (dataset-fashion-mnist)");
        QElapsedTimer timer;
        timer.start();
        data_ = load_fashion_mnist(kDefaultDataDir);
        qInfo("full data set loaded in %lld ms", static_cast<long long>(timer.elapsed()));
    }

    void sizesAndClassBalance() {
        QCOMPARE(data_.train.size(), int64_t(60000));
        QCOMPARE(data_.test.size(), int64_t(10000));
        QCOMPARE(int64_t(data_.train.pixels.size()), int64_t(60000) * kImagePixels);
        std::array<int, kFashionClasses> count{};
        for (auto l : data_.test.labels)
            count[l]++;
        for (int c : count)
            QCOMPARE(c, 1000);
    }

    void paperSplits() {
        SplitSpec v;
        auto envs = make_environments(v, data_.train.labels, 1);
        QCOMPARE(envs[0].train.size(), size_t(27000));
        QCOMPARE(envs[0].val.size(), size_t(3000));
        SplitSpec h;
        h.kind = "H";
        envs = make_environments(h, data_.train.labels, 1);
        QCOMPARE(envs[0].classes, (std::vector<int>{0, 1, 2, 3, 4}));
        QCOMPARE(envs[1].classes, (std::vector<int>{5, 6, 7, 8, 9}));
        QCOMPARE(envs[0].train.size() + envs[0].val.size(), size_t(30000));
    }

    void untrainedModelIsNearChance() {
        const auto r = evaluate("cnn", initial_weights("cnn", 1), data_.test, 2);
        QCOMPARE(confusion_total(r.confusion), int64_t(10000));
        QVERIFY2(r.accuracy < 0.3, qPrintable(QString::number(r.accuracy)));
    }
};

MERGELAB_TEST_GUILESS(test_real_data, TestRealData)
} // namespace test_real_data

#include "test_real_data.moc"
