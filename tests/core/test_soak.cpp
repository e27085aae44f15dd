// A long run in a process of its own (so other tests' heap use does not
// blur it): 200 rounds on a small subset, resident memory sampled each round.
#include <QtTest>

#include <fstream>

#include <unistd.h>

#include "mergelab/experiment.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_soak {

using namespace mergelab;

namespace {

long resident_kb() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

} // namespace

class TestSoak : public QObject {
    Q_OBJECT
private slots:
    void soakTwoHundredRoundsMemoryStaysFlat() {
        const FashionMnist data = testing::synthetic_fashion_mnist(4, 5);
        ExperimentConfig c = testing::small_config(200);
        struct Sampler : ExperimentObserver {
            std::vector<long> rss;
            void round_finished(const std::string&, const RoundResult&) override {
                rss.push_back(resident_kb());
            }
        } sampler;
        const auto run = run_experiment(c, data, &sampler)[0];
        QCOMPARE(run.rounds.size(), size_t(200));
        QString trace;
        for (size_t i = 19; i < sampler.rss.size(); i += 30)
            trace += QString(" %1:%2").arg(i + 1).arg(sampler.rss[i]);
        qInfo("soak RSS (round:kB)%s", qPrintable(trace));
        const long warm = sampler.rss[49], last = sampler.rss.back();
        const double growth = 100.0 * (last - warm) / warm;
        qInfo("soak: RSS after round 50 %ld kB, after round 200 %ld kB, growth %.2f %%", warm, last, growth);
        QVERIFY2(growth <= 5.0, qPrintable(QString::number(growth)));
    }
};

MERGELAB_TEST_GUILESS(test_soak, TestSoak)
} // namespace test_soak

#include "test_soak.moc"
