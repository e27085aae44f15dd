// The five views that explain merges, on a real (small, synthetic) run saved
// to disk: what each shows, that the weight-based ones load on a pool thread
// and follow the round scrubber, and what a format-1 run says.
#include <QtTest>

#include "qcustomplot.h"
#include <QLabel>

#include <QTemporaryDir>

#include <memory>

#include "class_accuracy_view.h"
#include "interpolation_view.h"
#include "mergelab/experiment.h"
#include "mergelab/interpolation.h"
#include "mergelab/run_files.h"
#include "methods_view.h"
#include "provenance_view.h"
#include "run_model.h"
#include "scatter_view.h"
#include "support/synthetic.h"
#include "support/test_main.h"
#include "views.h"

namespace test_insight_views {

using namespace mergelab;
using namespace mergelab::ui;

class TestInsightViews : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::shared_ptr<FashionMnist> data_;
    RunModel model_;

    QString runDir() const { return dir_.filePath("run"); }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        data_ = std::make_shared<FashionMnist>();
        data_->train = testing::make_synthetic_dataset(60, 1);
        data_->test = testing::make_synthetic_dataset(20, 2);
        ExperimentConfig c = testing::small_config(3);
        c.split.kind = "H";
        c.save_all = true;
        c.out_dir = runDir().toStdString();
        run_experiment(c, *data_);
        model_.load(load_runs(runDir().toStdString()), runDir());
        model_.setData(data_);
    }

    void everyViewIsRegistered() {
        QStringList names;
        for (const auto& make : standard_views()) {
            std::unique_ptr<RunView> view(make());
            names << view->name();
        }
        for (const char* n : {"provenance", "scatter", "interpolation", "classes", "methods"})
            QVERIFY2(names.contains(n), n);
    }

    void classAccuracyIsTheConfusionDiagonalPerRound() {
        ClassAccuracyView view;
        view.setRunModel(&model_);
        view.setSource("max");
        const RunPtr run = model_.run();
        for (int c = 0; c < kFashionClasses; ++c) {
            const QVector<double> line = view.classLine(c);
            QCOMPARE(line.size(), 3);
            for (int r = 0; r < 3; ++r)
                QCOMPARE(line[r],
                         100 * *class_accuracy(run->rounds[size_t(r)].method("max")->confusion)[size_t(c)]);
        }
        view.setSource("env:1");
        QCOMPARE(view.classLine(7)[0], 100 * *class_accuracy(run->rounds[0].envs[1].test_confusion)[7]);
    }

    void methodsSideBySideWithTheirDifference() {
        MethodsView view;
        view.setRunModel(&model_);
        model_.selectRound(2);
        view.setDifference("avg", "absmax");
        QCOMPARE(view.panelTitles().size(), 4);
        QVERIFY(view.panelTitles().last().contains("avg minus absmax"));
        const RoundResult* r = model_.round(2);
        const auto d = view.difference();
        for (int t = 0; t < 10; ++t)
            for (int p = 0; p < 10; ++p)
                QCOMPARE(d[t][p], r->method("avg")->confusion[t][p] - r->method("absmax")->confusion[t][p]);
        view.resize(1000, 560);
        QVERIFY(!view.grab().isNull());
        model_.selectRound(3);
    }

    void provenanceSharesAndTheElementMap() {
        ProvenanceView view;
        view.setRunModel(&model_);
        view.setMethod("absmax");
        view.setLayer("fc1.weight");
        const RoundResult* last = model_.round(3);
        const auto& tensors = last->provenance[1].tensors;
        const QVector<double> env1 = view.shares(0), env2 = view.shares(1);
        QCOMPARE(env1.size(), int(tensors.size()));
        for (int i = 0; i < env1.size(); ++i)
            QVERIFY(std::fabs(env1[i] + env2[i] - 100) < 1e-9);
        QVERIFY(view.signFlips().contains("fc1.weight"));
        QSignalSpy spy(&view, &ProvenanceView::mapLoaded);
        view.resize(1100, 620);
        view.show();
        QVERIFY(spy.wait(10000) || view.mapReady());
        QVERIFY2(view.mapReady(), qPrintable(view.mapStatus()));
    }

    void scatterSamplesAtMostTwentyThousandElements() {
        ScatterView view;
        view.setRunModel(&model_);
        view.resize(1000, 600);
        view.show();
        QSignalSpy spy(&view, &ScatterView::loaded);
        view.setLayer("conv1.weight");
        QVERIFY(spy.wait(10000));
        QCOMPARE(view.pointCount(), 32 * 9);
        view.setLayer("fc1.weight");
        QVERIFY(spy.wait(10000));
        QCOMPARE(view.pointCount(), ScatterView::kMaxPoints);
        QVERIFY(view.status().contains("sample"));
    }

    void interpolationUsesTheRecordedPathAndComputesOthers() {
        InterpolationView view;
        view.setRunModel(&model_);
        view.resize(1000, 600);
        view.show();
        const RoundResult* last = model_.round(3);
        QVector<double> recorded;
        for (const auto& p : last->env_path->points)
            recorded << 100 * p.test_acc;
        QCOMPARE(view.accuracies(), recorded);
        QSignalSpy spy(&view, &InterpolationView::computed);
        view.setPath("env:0>avg");
        if (view.busy())
            QVERIFY(spy.wait(20000));
        const QVector<double> acc = view.accuracies();
        QCOMPARE(acc.size(), kDefaultInterpolationPoints);
        QCOMPARE(acc.front(), 100 * last->envs[0].test_acc); // the subset is every synthetic test image
        QCOMPARE(acc.back(), 100 * last->method("avg")->test_acc);
        // An earlier round: its own models, computed afresh.
        model_.selectRound(1);
        if (view.busy())
            QVERIFY(spy.wait(20000));
        QCOMPARE(view.accuracies().front(), 100 * model_.round(1)->envs[0].test_acc);
        model_.selectRound(3);
    }

    void formatOneRunsSayTheyPredateTheNewNumbers() {
        std::vector<RunResult> runs = load_runs(runDir().toStdString());
        runs[0].format_version = 1;
        for (auto& r : runs[0].rounds)
            r.provenance.clear(), r.env_path.reset();
        RunModel old;
        old.load(runs, dir_.filePath("nowhere"));
        ProvenanceView provenance;
        provenance.setRunModel(&old);
        QVERIFY(provenance.shares(0).isEmpty());
        // One message in place of the charts, saying why; no empty chart.
        auto* none = provenance.findChild<QLabel*>("provenanceNone");
        QVERIFY(none);
        QVERIFY(!none->isHidden());
        QVERIFY2(none->text().contains("run format 1"), qPrintable(none->text()));
        for (QCustomPlot* plot : provenance.findChildren<QCustomPlot*>())
            QVERIFY(plot->isHidden());
        InterpolationView interpolation;
        interpolation.setRunModel(&old);
        QVERIFY2(interpolation.status().contains("were not kept") || interpolation.accuracies().isEmpty(),
                 qPrintable(interpolation.status()));
        ClassAccuracyView classes; // derived from the confusion matrices: format 1 has them
        classes.setRunModel(&old);
        QCOMPARE(classes.classLine(0).size(), 3);
    }
};

MERGELAB_TEST_WIDGETS(test_insight_views, TestInsightViews)
} // namespace test_insight_views

#include "test_insight_views.moc"
