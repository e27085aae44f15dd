// In Korean, no English is left in
// what the window shows: menus, tool bars, the setup panel, every tab with a
// run open, the charts' texts and what the views paint.
#include <QtTest>

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextDocumentFragment>
#include <QThreadPool>
#include <QToolButton>
#include <QTreeView>

#include <qcustomplot.h>

#include <sys/stat.h>

#include <fstream>
#include <set>

#include "accuracy_chart.h"
#include "accuracy_page.h"
#include "file_dialogs.h"
#include "i18n.h"
#include "log_panel.h"
#include "main_window.h"
#include "mergelab/dataset.h"
#include "mergelab/log.h"
#include "mergelab/merge.h"
#include "mergelab/strategy.h"
#include "palette.h"
#include "provenance_view.h"
#include "support/image_files.h"
#include "support/synthetic.h"
#include "support/test_main.h"
#include "ui_fixture.h"

namespace test_korean {

using namespace mergelab;
using namespace mergelab::ui;

namespace {

struct Shown {
    QString where;
    QString text;
};

// Words that are names rather than English, matched exactly: the app's and
// its parts', the data set's, algorithms' proper names (their papers' own),
// file formats, byte units, keys on the keyboard, the optimizers' option values, and
// "English", the language menu's entry for English written in English on
// purpose. Method, rule and parameter identifiers come from the registry.
const QStringList kNames = {
    "MergeLab", "Qt",         "LibTorch", "QCustomPlot", "CNN",     "MNIST",   "Fashion", "MLP",
    "SGD",      "Adam",       "FedAvg",   "FedAvgM",     "FedAdam", "FedProx", "FedRS",   "SCAFFOLD",
    "TIES",     "CSV",        "JSON",     "PNG",         "JPEG",    "PDF",     "SVG",     "Ctrl",
    "Shift",    "Esc",        "Alt",      "Space",       "Gloo",    "adam",    "sgd",     "English",
    "TLS",      "FedAdagrad", "Adagrad",  "FedYogi",     "Yogi",    "KB",      "MB",      "GB"};

QStringList registry_names() {
    QStringList out;
    auto add_entry = [&](const RegistryEntry& e) {
        out << QString::fromStdString(e.name);
        for (const ParamSpec& p : e.params)
            out << QString::fromStdString(p.key);
    };
    for (const auto& m : merge_methods())
        add_entry(m);
    for (const auto& r : local_rules())
        add_entry(r);
    return out;
}

QString plain(const QString& text) {
    QString t = Qt::mightBeRichText(text) ? QTextDocumentFragment::fromHtml(text).toPlainText() : text;
    return t.remove('&');
}

// The English words left in `text` once names, paths, file names and code
// (conv1.weight, METHOD[+RULE][:key=value], $MERGELAB_DATA, 3x3) are taken out.
QStringList english_words(QString text, const QStringList& allowed) {
    const QStringList code = {
        QStringLiteral(R"(\S*/\S*)"),                                          // paths
        QStringLiteral(R"(\b[\w-]+\.(json|csv|png|pdf|svg|pt|gz|txt|log)\b)"), // file names
        QStringLiteral(R"(\b\w+\d\.(weight|bias)\b)"),                         // layer tensors
        QStringLiteral(R"(\S*[=+*|^\[\]]\S*)"),                                // syntax, formulas
        QStringLiteral(R"(\$\w+)"),                                            // environment variables
        QStringLiteral(R"(\b\d+x\d+\b)"),                                      // sizes
    };
    for (const QString& pattern : code)
        text.remove(QRegularExpression(pattern));
    QStringList out;
    const QRegularExpression word(QStringLiteral("[A-Za-z][A-Za-z0-9_-]*[A-Za-z0-9]"));
    // Layer names (conv1), function keys (F11), Roman numerals (SCAFFOLD's option II).
    const QRegularExpression layerOrKey(QStringLiteral("^((conv|fc)\\d+|F\\d+|[IVX]+)$"));
    for (auto it = word.globalMatch(text); it.hasNext();) {
        const QString w = it.next().captured();
        // "Fashion-MNIST" and "avg-like" names are checked part by part.
        bool isName = true;
        for (const QString& part : w.split('-', Qt::SkipEmptyParts))
            isName =
                isName && (allowed.contains(part) || layerOrKey.match(part).hasMatch() || part.size() < 2);
        if (!isName && !allowed.contains(w))
            out << w;
    }
    return out;
}

void add(std::vector<Shown>& out, const QString& where, const QString& text) {
    if (!text.trimmed().isEmpty())
        out.push_back({where, plain(text)});
}

void collect_menu(std::vector<Shown>& out, QMenu* menu, const QString& where) {
    for (QAction* a : menu->actions()) {
        if (a->isSeparator() || !a->isVisible())
            continue;
        add(out, where + " menu", a->text());
        if (a->toolTip() != plain(a->text()))
            add(out, where + " menu tooltip", a->toolTip());
        if (a->menu())
            collect_menu(out, a->menu(), where + " › " + plain(a->text()));
    }
}

void collect_plot(std::vector<Shown>& out, QCustomPlot* plot, const QString& where) {
    for (QCPAxisRect* rect : plot->axisRects())
        for (QCPAxis* axis : rect->axes())
            if (axis->visible())
                add(out, where + " axis", axis->label());
    if (plot->legend->visible())
        for (int i = 0; i < plot->legend->itemCount(); ++i)
            if (auto* item = qobject_cast<QCPPlottableLegendItem*>(plot->legend->item(i)))
                add(out, where + " legend", item->plottable()->name());
    for (QCPLayoutElement* e : plot->plotLayout()->elements(true))
        if (auto* t = qobject_cast<QCPTextElement*>(e); t && t->visible())
            add(out, where + " title", t->text());
    for (int i = 0; i < plot->itemCount(); ++i)
        if (auto* t = qobject_cast<QCPItemText*>(plot->item(i)); t && t->visible())
            add(out, where + " text item", t->text());
}

void collect_view(std::vector<Shown>& out, QAbstractItemView* view, const QString& where) {
    QAbstractItemModel* model = view->model();
    if (!model)
        return;
    for (int c = 0; c < model->columnCount(); ++c)
        add(out, where + " header", model->headerData(c, Qt::Horizontal).toString());
    for (int r = 0; r < model->rowCount(); ++r)
        for (int c = 0; c < model->columnCount(); ++c) {
            add(out, where + " cell", model->index(r, c).data().toString());
            add(out, where + " cell tooltip", model->index(r, c).data(Qt::ToolTipRole).toString());
        }
}

// What every visible widget of `root` shows in words.
void collect_widgets(std::vector<Shown>& out, QWidget* root, const QString& where) {
    for (QWidget* w : root->findChildren<QWidget*>()) {
        if (!w->isVisible())
            continue;
        const QString at = where + " " + QString::fromLatin1(w->metaObject()->className());
        add(out, at + " tooltip", w->toolTip());
        add(out, at + " accessible name", w->accessibleName());
        if (auto* l = qobject_cast<QLabel*>(w))
            add(out, at, l->text());
        if (auto* b = qobject_cast<QAbstractButton*>(w))
            add(out, at, b->text());
        if (auto* g = qobject_cast<QGroupBox*>(w))
            add(out, at, g->title());
        if (auto* d = qobject_cast<QDockWidget*>(w))
            add(out, at, d->windowTitle());
        if (auto* e = qobject_cast<QLineEdit*>(w))
            add(out, at + " placeholder", e->placeholderText());
        if (auto* s = qobject_cast<QSpinBox*>(w)) {
            add(out, at + " suffix", s->suffix());
            add(out, at + " prefix", s->prefix());
        }
        if (auto* s = qobject_cast<QDoubleSpinBox*>(w)) {
            add(out, at + " suffix", s->suffix());
            add(out, at + " prefix", s->prefix());
        }
        if (auto* s = qobject_cast<QAbstractSpinBox*>(w))
            add(out, at + " special", s->specialValueText());
        if (auto* c = qobject_cast<QComboBox*>(w))
            for (int i = 0; i < c->count(); ++i) {
                add(out, at + " item", c->itemText(i));
                add(out, at + " item tooltip", c->itemData(i, Qt::ToolTipRole).toString());
            }
        if (auto* t = qobject_cast<QTabBar*>(w))
            for (int i = 0; i < t->count(); ++i) {
                add(out, at, t->tabText(i));
                add(out, at + " tooltip", t->tabToolTip(i));
            }
        if (auto* v = qobject_cast<QAbstractItemView*>(w))
            collect_view(out, v, at);
        if (auto* p = qobject_cast<QCustomPlot*>(w))
            collect_plot(out, p, at);
        // What MergeLab's own widgets paint (the flow view's captions, the
        // confusion matrix's labels, ...); Qt's widgets are read above.
        if (QString::fromLatin1(w->metaObject()->className()).startsWith("mergelab::") &&
            !qobject_cast<QCustomPlot*>(w))
            for (const auto& t : testing::painted_texts(w))
                add(out, at + " painted", t.text);
    }
}

} // namespace

class TestKorean : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString run_;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(dir_.isValid());
        // A folder name with no English in it: the title and captions show it.
        run_ = dir_.filePath(QStringLiteral("실험"));
        testing::write_small_run(dir_.filePath("data"), run_);
        installLanguage("ko");
        QCOMPARE(currentLanguage(), QStringLiteral("ko"));
    }

    // The Korean menus and tabs keep their Alt+letters apart too.
    void menusAndTabsHaveDistinctMnemonics() {
        const QStringList clashes = testing::mnemonic_clashes_of_new<MainWindow>();
        QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join('\n')));
    }

    void classNamesAndNumbersAreKorean() {
        for (int c = 0; c < 10; ++c)
            QVERIFY2(english_words(class_name(c), {}).isEmpty(), qPrintable(class_name(c)));
        QCOMPARE(class_name(9), QStringLiteral("앵클부츠"));
        QCOMPARE(grouped(12000), QLocale(QLocale::Korean).toString(12000));
    }

    // Qt's file dialog: buttons from qtbase's Korean, and the kinds and
    // dates of the entries in Korean too, the date column wide enough.
    void fileDialogsSpeakKorean() {
        QTemporaryDir folder;
        QVERIFY(QDir(folder.path()).mkdir(QStringLiteral("실험")));
        QFile file(folder.filePath(QStringLiteral("결과.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        QFileDialog dialog(nullptr, QStringLiteral("열기"), folder.path());
        dialog.setOption(QFileDialog::DontUseNativeDialog);
        dialog.setViewMode(QFileDialog::Detail);
        prepare_file_dialog(dialog);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto* tree = dialog.findChild<QTreeView*>("treeView");
        QVERIFY(tree);
        QTRY_COMPARE_WITH_TIMEOUT(tree->model()->rowCount(tree->rootIndex()), 2, 10000);
        QCoreApplication::processEvents();
        const QStringList allowed = kNames + registry_names();
        for (int row = 0; row < 2; ++row) {
            const QString kind = tree->model()->index(row, 2, tree->rootIndex()).data().toString();
            const QString date = tree->model()->index(row, 3, tree->rootIndex()).data().toString();
            QVERIFY2(!kind.isEmpty() && english_words(kind, allowed).isEmpty(), qPrintable(kind));
            QVERIFY2(!date.isEmpty() && english_words(date, allowed).isEmpty(), qPrintable(date));
            QVERIFY2(
                tree->header()->sectionSize(3) >= tree->fontMetrics().horizontalAdvance(date),
                qPrintable(QStringLiteral("%1 px for \"%2\"").arg(tree->header()->sectionSize(3)).arg(date)));
        }
        for (QAbstractButton* button : dialog.findChildren<QAbstractButton*>())
            if (button->isVisible())
                QVERIFY2(english_words(plain(button->text()), allowed).isEmpty(), qPrintable(button->text()));
        const QString kind = tree->model()->headerData(2, Qt::Horizontal).toString();
        QVERIFY2(english_words(kind, allowed).isEmpty(), qPrintable(kind));
        dialog.reject();
    }

    // Provenance at 1280x720 in Korean, whose lines are taller: both
    // charts and the sign-flip line in view, nothing below the tab's fold.
    void provenanceFitsWithoutScrolling() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openRun(run_));
        auto* view = window.view<ProvenanceView>();
        window.findChild<QTabWidget*>()->setCurrentWidget(view);
        QTRY_VERIFY_WITH_TIMEOUT(view->mapReady(), 10000);
        auto* scroll = view->findChild<QScrollArea*>();
        QVERIFY(scroll);
        for (int i = 0; i < 3; ++i) {
            QCoreApplication::processEvents();
            for (QCustomPlot* plot : view->findChildren<QCustomPlot*>())
                plot->replot(); // the room a chart asks for follows its fonts
        }
        QCoreApplication::processEvents();
        QVERIFY(!view->signFlips().isEmpty());
        QVERIFY2(scroll->verticalScrollBar()->maximum() == 0,
                 qPrintable(QStringLiteral("%1 px below the fold (view %2 px high)")
                                .arg(scroll->verticalScrollBar()->maximum())
                                .arg(scroll->viewport()->height())));
    }

    // The image folder loader's lines, as a run logs them when it reads a
    // folder: its summary, the files it skipped and why, and the summary of
    // a load from the cache.
    void theImageLoaderSpeaksKorean() {
        LogPanel panel;
        const QString folder = dir_.filePath(QStringLiteral("사진"));
        testing::write_image_folder(folder.toStdString(), testing::synthetic_fashion_mnist(3, 1).train);
        std::ofstream(folder.toStdString() + "/c0/메모.png") << "not an image";
        QVERIFY(::mkfifo((folder + QStringLiteral("/c0/파이프.png")).toUtf8().constData(), 0600) == 0);
        qputenv("XDG_CACHE_HOME", dir_.filePath(QStringLiteral("캐시")).toUtf8());
        const FashionMnist decoded = load_fashion_mnist(folder.toStdString());
        const FashionMnist cached = load_fashion_mnist(folder.toStdString());
        QCOMPARE(decoded.train.size() + decoded.test.size(), int64_t(30));
        QVERIFY(cached.train.pixels == decoded.train.pixels);
        QCoreApplication::processEvents();
        const QString text = panel.text();
        qInfo("%s", qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("이미지 30개를")) &&
                     text.contains(QStringLiteral("디코딩했습니다")),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("캐시에서 이미지 30개를")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("파일 2개를 건너뛰었습니다")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("디코딩할 때 읽을 수 없는 파일 2개를 건너뛰었습니다")),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("메모.png: PNG나 JPEG 이미지가 아닙니다")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("파이프.png: 일반 파일이 아닙니다")), qPrintable(text));
        const QStringList words = english_words(text, kNames);
        QVERIFY2(words.isEmpty(), qPrintable(words.join(' ')));
    }

    void noEnglishIsLeft() {
        const QStringList allowed = kNames + registry_names();

        MainWindow window;
        window.resize(1280, 720);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openRun(run_));
        auto* tabs = window.findChild<QTabWidget*>();
        QVERIFY(tabs);

        std::vector<Shown> shown;
        for (QAction* a : window.menuBar()->actions()) {
            add(shown, "menu bar", a->text());
            if (a->menu())
                collect_menu(shown, a->menu(), plain(a->text()));
        }
        add(shown, "window title", window.windowTitle());
        // Lines the engine and an environment process log, as a run in
        // separate processes writes them: the panel shows them in Korean.
        logger()->info("listening on ipv4:127.0.0.1:50000 (TLS); waiting for 2 environment(s)");
        logger()->info("environment 1 (process 903 on 실습실 at ipv4:127.0.0.1:50002) joined");
        logger()->info(
            "{}: loaded 6000 training images from /usr/share/datasets/fashion-mnist",
            QCoreApplication::translate("mergelab::ui::EnvProcesses", "environment %1").arg(2).toStdString());
        logger()->info(
            "{}: round 3: 1 epoch(s), local accuracy 81.25 %",
            QCoreApplication::translate("mergelab::ui::EnvProcesses", "environment %1").arg(2).toStdString());
        logger()->info("lane avg: reached the round limit of 4");
        logger()->info("cancelled after 2 finished round(s)");
        QCoreApplication::processEvents();
        QVERIFY(window.findChild<QPlainTextEdit*>()->toPlainText().contains(QStringLiteral("실습실")));
        for (int i = 0; i < tabs->count(); ++i) {
            tabs->setCurrentIndex(i);
            // The weight-based views load on the pool; then their queued replots.
            QThreadPool::globalInstance()->waitForDone();
            QCoreApplication::processEvents();
            QCoreApplication::processEvents();
            for (QCustomPlot* plot : tabs->widget(i)->findChildren<QCustomPlot*>())
                plot->replot();
            collect_widgets(shown, &window, "tab " + plain(tabs->tabText(i)) + ":");
        }
        // The accuracy against traffic: its title, axis, note and switch.
        auto* accuracy = window.view<AccuracyPage>();
        window.showTab(accuracy->name());
        QVERIFY(accuracy->trafficButton()->isEnabled());
        accuracy->trafficButton()->click();
        QCoreApplication::processEvents();
        accuracy->chart()->plot()->replot();
        QVERIFY(accuracy->chart()->trafficShown());
        collect_widgets(shown, accuracy, "accuracy against traffic:");
        QStringList problems;
        std::set<QString> seen;
        for (const Shown& s : shown) {
            const QStringList words = english_words(s.text, allowed);
            if (!words.isEmpty() && seen.insert(s.text).second)
                problems << QStringLiteral("%1: \"%2\" (%3)").arg(s.where, s.text.left(160), words.join(' '));
        }
        qInfo("%d strings read", static_cast<int>(shown.size()));
        for (const QString& p : problems)
            qWarning("%s", qPrintable(p));
        QVERIFY2(shown.size() > 300, qPrintable(QString::number(shown.size())));
        QVERIFY2(problems.isEmpty(),
                 qPrintable(QStringLiteral("%1 strings with English (listed above)").arg(problems.size())));
    }
};

static int run_test_korean(int argc, char** argv) {
    QTemporaryDir screen;
    testing::use_offscreen_screen(screen, 1280, 720);
    QApplication app(argc, argv);
    TestKorean test;
    return QTest::qExec(&test, argc, argv);
}
MERGELAB_REGISTER_TEST_RUNNER(test_korean, run_test_korean)

} // namespace test_korean

#include "test_korean.moc"
