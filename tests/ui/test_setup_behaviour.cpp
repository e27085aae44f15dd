// The setup panel under a user's hands: messages that move nothing, the
// wheel over fields while scrolling, the preset an opened run shows, words
// instead of command-line options, a decimal comma, ten environments.
#include <QtTest>

#include <QThreadPool>

#include <QCheckBox>
#include <QDir>
#include <QDockWidget>
#include <QHeaderView>
#include <QLineEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QWheelEvent>

#include "class_counts.h"
#include "class_names.h"
#include "insight_kit.h"
#include "main_window.h"
#include "setup_panel.h"
#include "support/image_files.h"
#include "support/process.h"
#include "support/synthetic.h"
#include "support/test_main.h"

namespace test_setup_behaviour {

using namespace mergelab;
using namespace mergelab::ui;

namespace {

QPoint place(QWidget* w, QWidget* window) {
    return w->mapTo(window, QPoint(0, 0));
}

} // namespace

class TestSetupBehaviour : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    ExperimentConfig small(int rounds) const {
        return testing::small_config(rounds, dir_.filePath("data").toStdString());
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        testing::SyntheticSpec spec;
        spec.train_per_class = 40;
        spec.test_per_class = 10;
        testing::write_synthetic_fashion_mnist(dir_.filePath("data").toStdString(), spec);
    }

    // A folder of class folders is data too: the panel takes it and counts
    // each environment's classes from the listing, less the test share; a
    // folder with neither IDX files nor class folders is refused beside the
    // data field.
    void anImageFolderIsAcceptedAndCounted() {
        const FashionMnist synthetic = testing::synthetic_fashion_mnist(10, 1);
        const QString pictures = dir_.filePath("pictures");
        testing::write_image_folder(pictures.toStdString(), synthetic.train);
        SetupPanel panel;
        ExperimentConfig c = small(1);
        c.data_dir = pictures.toStdString();
        c.split.kind = "V";
        c.split.envs = 2;
        // The panel recounts a moment after a change: wait for that count.
        const auto total = [&](double share) {
            c.test_fraction = share;
            QSignalSpy recounted(&panel, &SetupPanel::classCountsChanged);
            panel.setConfig(c);
            if (recounted.isEmpty() && !recounted.wait(5000))
                return int64_t(-1);
            int64_t n = 0;
            for (const auto& env : panel.classCounts()->counts())
                for (int64_t k : env)
                    n += k;
            return panel.classCounts()->counts().size() == 2 ? n : int64_t(-2);
        };
        const int64_t fifth = total(0.2), half = total(0.5);
        QVERIFY2(panel.isValid(), qPrintable(panel.problemText()));
        QVERIFY2(fifth > 0 && fifth <= 80, qPrintable(QString::number(fifth)));
        QVERIFY2(half > 0 && half <= 50 && half < fifth, qPrintable(QString::number(half)));

        const QString empty = dir_.filePath("nothing-here");
        QVERIFY(QDir().mkpath(empty));
        c.data_dir = empty.toStdString();
        panel.setConfig(c);
        QTRY_VERIFY(!panel.isValid());
        QVERIFY2(panel.problemText().contains("class folders"), qPrintable(panel.problemText()));
    }

    // A colour folder of five named classes: the class grid's rows are its
    // folder names, H divides five classes, the model becomes the colour
    // one, and the views name the classes; IDX data refuses the colour
    // model beside its field.
    void aColourFolderNamesItsClassesAndPicksTheColourModel() {
        const QString shapes = dir_.filePath("shapes");
        testing::write_colour_shapes(shapes.toStdString(), 6, 3);
        SetupPanel panel;
        ExperimentConfig c = small(1);
        c.data_dir = shapes.toStdString();
        c.split.kind = "H";
        c.split.envs = 2;
        QSignalSpy named(&panel, &SetupPanel::classNamesChanged);
        panel.setConfig(c);
        QTRY_VERIFY(panel.config().model == "cnn-rgb");
        QCOMPARE(class_count(), 5);
        QCOMPARE(class_name(4), QString("yellow cross"));
        auto* grid = qobject_cast<QTableWidget*>(panel.fieldWidget("classes"));
        QVERIFY(grid);
        QCOMPARE(grid->rowCount(), 5);
        QCOMPARE(grid->verticalHeaderItem(3)->text(), QString("3 red circle"));
        QCOMPARE(panel.config().split.classes, (std::vector<std::vector<int>>{{0, 1, 2}, {3, 4}}));
        QTRY_VERIFY2(panel.isValid(), qPrintable(panel.problemText()));
        QVERIFY(!named.isEmpty());

        // Back to Fashion-MNIST's IDX files: ten named rows, and the colour
        // model is refused where it is chosen.
        if (testing::real_data_dir().isEmpty())
            return;
        c.data_dir = testing::real_data_dir().toStdString();
        c.model = "cnn-rgb";
        c.split.classes.clear();
        panel.setConfig(c);
        QTRY_COMPARE(class_count(), 10);
        QTRY_COMPARE(grid->rowCount(), 10);
        QTRY_VERIFY(!panel.isValid());
        QVERIFY2(panel.problemText().contains("cnn-rgb"), qPrintable(panel.problemText()));
    }

    // A folder is listed off the GUI thread: setConfig returns before its
    // classes are known. Chosen again before the listing is back, only the
    // last folder's answer counts: the colour folder asked about first
    // neither names the classes nor picks the colour model.
    void aFolderIsListedAwayFromTheGuiThreadAndStaleAnswersAreDropped() {
        const QString shapes = dir_.filePath("stale-shapes");
        testing::write_colour_shapes(shapes.toStdString(), 40, 5);
        const QString grey = dir_.filePath("stale-grey");
        testing::write_image_folder(grey.toStdString(), testing::synthetic_fashion_mnist(4, 1).train, "k");
        SetupPanel panel;
        ExperimentConfig c = small(1);
        c.split.kind = "V";
        c.split.envs = 2;
        c.data_dir = dir_.filePath("data").toStdString();
        panel.setConfig(c);
        QTRY_COMPARE(class_count(), 10);
        QTRY_VERIFY(!panel.classCounts()->counts().empty());

        const QString fashionFirst = class_name(0);
        QSignalSpy named(&panel, &SetupPanel::classNamesChanged);
        c.data_dir = shapes.toStdString();
        panel.setConfig(c);
        panel.recountNow();
        // Returned with the listing handed to the pool: nothing of the
        // folder is known yet, and no count is claimed.
        QVERIFY(panel.listingFolder());
        QVERIFY(named.isEmpty());
        QCOMPARE(class_name(0), fashionFirst);
        QVERIFY(panel.classCounts()->counts().empty());
        // Another folder before the event loop could deliver any answer.
        c.data_dir = grey.toStdString();
        panel.setConfig(c);
        panel.recountNow();
        QVERIFY(panel.listingFolder());
        QTRY_VERIFY(!panel.listingFolder());
        QTRY_COMPARE(named.size(), 1);
        QCOMPARE(class_name(0), QString("k0"));
        QCOMPARE(class_count(), 10);
        QCOMPARE(panel.config().model, std::string("cnn"));
        QTRY_VERIFY(!panel.classCounts()->counts().empty());
        // The pool has nothing of it left that could come back later.
        QThreadPool::globalInstance()->waitForDone();
        QCoreApplication::processEvents();
        QCOMPARE(named.size(), 1);
        QCOMPARE(panel.config().model, std::string("cnn"));
    }

    // The panel holds the settings the CLI has for a run: the validation
    // share, histogram bins, the model to start from and keeping every
    // round's models; and what needs that last one names its check box.
    void everyRunSettingHasAField() {
        SetupPanel panel;
        for (const char* key : {"val_fraction", "bins", "init_from", "save_all"})
            QVERIFY2(panel.fieldWidget(key), key);
        auto* saveAll = qobject_cast<QCheckBox*>(panel.fieldWidget("save_all"));
        QVERIFY(saveAll);
        saveAll->setChecked(true);
        QVERIFY(panel.config().save_all);
        auto* bins = qobject_cast<QSpinBox*>(panel.fieldWidget("bins"));
        QVERIFY(bins);
        bins->setValue(48);
        QCOMPARE(panel.config().histogram_bins, 48);
        ExperimentConfig c = panel.config();
        c.split.val_fraction = 0.2;
        c.init_from = "/models/start.pt";
        panel.setConfig(c);
        QCOMPARE(panel.config().split.val_fraction, 0.2);
        QCOMPARE(panel.config().init_from, std::string("/models/start.pt"));
        const QString missing = missing_models_text(1);
        QVERIFY2(!missing.contains("--"), qPrintable(missing));
        QVERIFY2(missing.contains(saveAll->text()), qPrintable(missing));
    }

    void messagesMoveNothing() {
        MainWindow window;
        window.resize(1366, 768);
        window.show();
        SetupPanel* setup = window.setupPanel();
        auto c = small(2);
        c.split.kind = "H";
        setup->setConfig(c);
        QVERIFY2(setup->isValid(), qPrintable(setup->problem()));
        QCoreApplication::processEvents();
        auto* grid = setup->findChild<QTableWidget*>("classes");
        QList<QWidget*> watched{grid};
        for (const char* key : {"envs", "rounds", "lr", "batch", "seed", "split"})
            watched << setup->fieldWidget(key);
        QList<QRect> before;
        for (QWidget* w : watched)
            before << QRect(place(w, &window), w->size());

        // Errors of several fields come and go.
        for (const char* lr : {"fast", "0.001", "50", "0.001"}) {
            setup->findChild<QLineEdit*>("lr")->setText(lr);
            QCoreApplication::processEvents();
            for (int i = 0; i < watched.size(); ++i)
                QCOMPARE(QRect(place(watched[i], &window), watched[i]->size()), before[i]);
        }
        c.split.classes = {{0, 1, 2, 3, 4}, {4, 5, 6, 7, 8, 9}};
        setup->setConfig(c);
        QVERIFY(!setup->isValid());
        QVERIFY(!setup->fieldError("classes").isEmpty());
        QCoreApplication::processEvents();
        for (int i = 0; i < watched.size(); ++i)
            QCOMPARE(QRect(place(watched[i], &window), watched[i]->size()), before[i]);
    }

    void wheelOverAnUnfocusedFieldScrollsThePanel() {
        MainWindow window;
        window.resize(1280, 720);
        window.show();
        SetupPanel* setup = window.setupPanel();
        auto c = small(12);
        setup->setConfig(c);
        QCoreApplication::processEvents();
        auto* rounds = qobject_cast<QSpinBox*>(setup->fieldWidget("rounds"));
        QVERIFY(rounds);
        QScrollArea* scroll = setup->findChild<QScrollArea*>();
        QVERIFY(scroll);
        QVERIFY2(scroll->verticalScrollBar()->maximum() > 0, "the panel must scroll at 1280x720");
        scroll->ensureWidgetVisible(rounds);
        QCoreApplication::processEvents();
        window.setFocus();
        QVERIFY(!rounds->hasFocus());
        const int scrolled = scroll->verticalScrollBar()->value();
        QWidget* target = rounds->findChild<QLineEdit*>();
        QVERIFY(target);
        const QPoint at = target->rect().center();
        for (int i = 0; i < 3; ++i) {
            QWheelEvent wheel(at, target->mapToGlobal(at), QPoint(), QPoint(0, -120), Qt::NoButton,
                              Qt::NoModifier, Qt::NoScrollPhase, false);
            QApplication::sendEvent(target, &wheel);
        }
        QCOMPARE(rounds->value(), 12);
        QVERIFY(scroll->verticalScrollBar()->value() != scrolled);
    }

    void presetOfAnOpenedRun() {
        const FashionMnist data = load_fashion_mnist(small(1).data_dir);
        auto h = small(1);
        h.split.kind = "H";
        h.split.envs = 3;
        h.out_dir = dir_.filePath("h3").toStdString();
        run_experiment(h, data);
        ExperimentConfig quick = preset("quick");
        quick.data_dir = h.data_dir;
        quick.threads = 1;
        quick.out_dir = dir_.filePath("quick").toStdString();
        run_experiment(quick, data);

        MainWindow window;
        QVERIFY(window.openRun(dir_.filePath("h3")));
        QCOMPARE(window.setupPanel()->presetName(), QStringLiteral("custom"));
        QVERIFY(window.openRun(dir_.filePath("quick")));
        QCOMPARE(window.setupPanel()->presetName(), QStringLiteral("quick"));
        QVERIFY(window.openRun(dir_.filePath("h3")));
        QCOMPARE(window.setupPanel()->presetName(), QStringLiteral("custom"));
    }

    // What the panel shows, given back to it, is the same setup: the app's
    // --data and --rounds go through config() -> setConfig() and must not
    // turn a preset into "Custom".
    void panelRoundTripKeepsEveryPreset() {
        MainWindow window;
        SetupPanel* panel = window.setupPanel();
        for (const auto& p : presets()) {
            window.applyPreset(QString::fromStdString(p.name));
            QCOMPARE(panel->presetName(), QString::fromStdString(p.name));
            const ExperimentConfig shown = panel->config();
            panel->setConfig(shown);
            const ExperimentConfig again = panel->config();
            for (const auto& d : settings())
                QVERIFY2(format_setting(d, d.get(shown)) == format_setting(d, d.get(again)),
                         qPrintable(QString::fromStdString(p.name + ": " + d.key + " " +
                                                           format_setting(d, d.get(shown)) + " -> " +
                                                           format_setting(d, d.get(again)))));
            QCOMPARE(panel->presetName(), QString::fromStdString(p.name));
        }
    }

    // A run compared with a calibration step ("avg@ccvr") opens with its
    // plain method ticked, not with an empty Compare list and its error.
    void aCalibratedStrategyTicksItsMethod() {
        SetupPanel setup;
        auto c = small(2);
        c.method = "avg@ccvr";
        c.compare = {"avg@ccvr"};
        setup.setConfig(c);
        QVERIFY2(setup.fieldError("compare").isEmpty(), qPrintable(setup.fieldError("compare")));
        QCOMPARE(setup.config().compare, std::vector<std::string>{"avg"});
    }

    void plainWordsAndADecimalComma() {
        SetupPanel setup;
        setup.setConfig(small(2));
        auto* lr = setup.findChild<QLineEdit*>("lr");
        lr->setText("0,001");
        QVERIFY2(setup.isValid(), qPrintable(setup.problem()));
        QCOMPARE(setup.config().lr, 0.001);
        lr->setText("50");
        QVERIFY(!setup.isValid());
        const QString message = setup.fieldError("lr");
        QVERIFY2(!message.contains("--") && message.contains("Learning rate", Qt::CaseInsensitive),
                 qPrintable(message));
        QVERIFY2(!message.contains("50.0000"), qPrintable(message));
    }

    void tenEnvironmentsStayReadable() {
        MainWindow window;
        window.resize(1366, 768);
        window.show();
        auto c = small(2);
        c.split.kind = "H";
        c.split.envs = 10;
        c.split.classes.clear();
        window.setupPanel()->setConfig(c);
        QCoreApplication::processEvents();
        auto* grid = window.setupPanel()->findChild<QTableWidget*>("classes");
        QCOMPARE(grid->columnCount(), 10);
        for (int k = 0; k < 10; ++k) {
            const QString text = grid->horizontalHeaderItem(k)->text();
            QCOMPARE(text, QString::number(k + 1));
            QVERIFY(grid->horizontalHeader()->sectionSize(k) >= grid->fontMetrics().horizontalAdvance(text));
        }
    }
};

MERGELAB_TEST_WIDGETS(test_setup_behaviour, TestSetupBehaviour)
} // namespace test_setup_behaviour

#include "test_setup_behaviour.moc"
