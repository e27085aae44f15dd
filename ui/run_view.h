#pragma once
// What every tab of the window is: a widget that draws what a RunModel
// holds. The window creates the views from one list (views.h) and puts each
// in a tab; beyond this interface it knows only Flow, which lesson mode
// drives step by step.
#include <QList>
#include <QString>

#include <functional>

#include "run_data.h"

class QAction;
class QObject;
class QCPPainter;
class QPainter;
class QSize;
class QWidget;

namespace mergelab::ui {

class RunModel;

class RunView {
public:
    virtual ~RunView() = default;

    virtual QWidget* widget() = 0;
    // "accuracy": what showTab() and --tab accept.
    virtual QString name() const = 0;
    // "&Accuracy": the tab's text, with its mnemonic.
    virtual QString title() const = 0;
    // Where Help → How merging works explains this tab (its "?" button):
    // "view-" and the name, so a tab never lands on a method's paragraph.
    virtual QString helpAnchor() const { return QStringLiteral("view-") + name(); }
    // Connects to the model's signals and draws what it already holds.
    virtual void setRunModel(RunModel* model) = 0;
    // Checkable actions with an object name are remembered across sessions.
    virtual QList<QAction*> viewActions() { return {}; }
    // What "Export view" draws when this tab is shown: by default
    // exportWidget() as it paints itself, with exportParts() over it, and
    // none of the other widgets inside it (selectors, buttons).
    virtual QWidget* exportWidget() { return widget(); }
    // The widgets inside exportWidget() that carry the tab's content
    // (charts, captions, maps), drawn at their places: charts as vectors,
    // the others as they paint themselves. The picture begins at the top of
    // the highest one shown, so the row of selectors above it stays out.
    virtual QList<QWidget*> exportParts() { return {}; }
    // The exported picture's size in logical pixels, and the picture itself
    // drawn into `painter` (an image, a PDF or an SVG page) from (0, 0).
    // The painter is a QCPPainter, so charts draw themselves as vectors.
    virtual QSize exportSize();
    virtual void renderExport(QCPPainter& painter);
};

using ViewFactory = std::function<RunView*()>;

// The wiring the round-based views share: `setRun` whenever the shown run
// changes or grows, `setRound` whenever another round is to be shown.
void follow_rounds(RunModel* model, QObject* view, std::function<void(RunPtr)> setRun,
                   std::function<void(int)> setRound);

} // namespace mergelab::ui
