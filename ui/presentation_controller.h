#pragma once
// Presentation mode and the zoom, with the actions that drive them
// (View → Presentation F11, Esc; Zoom in/out/reset Ctrl+ Ctrl- Ctrl+0). A
// room reads the views from the back: the window gives them the whole
// screen and larger text, then comes back exactly as it was.
#include <QByteArray>
#include <QObject>
#include <QRect>

class QAction;
class QLabel;
class QMainWindow;
class QMenu;
class QTabWidget;

namespace mergelab::ui {

class PresentationController : public QObject {
    Q_OBJECT
public:
    // Adds its actions to `menu`; zooms `tabs`, the window's bars and
    // `phaseLabel` (the status bar's phase, larger and bold when presenting).
    PresentationController(QMainWindow* window, QTabWidget* tabs, QLabel* phaseLabel, QMenu* menu);

    // Full screen, docks hidden, the views at the presentation zoom; off
    // restores the window's geometry, docks and tool bars.
    void setPresentation(bool on);
    bool isPresenting() const { return presenting_; }
    // The zoom in effect: the window's or the presentation's.
    double zoomFactor() const;
    void zoomBy(int steps); // +1 in, -1 out, 0 back to the mode's default
    // Sets every font and icon size from the zoom in effect.
    void applyZoom();
    // The window's geometry and dock state as they are outside presentation
    // mode: what the settings keep.
    QByteArray windowGeometry() const;
    QByteArray windowState() const;
    QAction* presentationAction() const { return present_; }

private:
    void putBack(); // the window where it was before presentation, on its screen

    QMainWindow* window_;
    QTabWidget* tabs_;
    QLabel* phaseLabel_;
    QAction* present_ = nullptr;
    QAction* leave_ = nullptr;
    QAction* zoomIn_ = nullptr;
    QAction* zoomOut_ = nullptr;
    bool presenting_ = false;
    double windowZoom_ = 1.0;
    double presentationZoom_ = 1.0;
    // The window as it was before presentation mode, to come back to.
    QByteArray normalGeometry_;
    QByteArray normalState_;
    QRect normalRect_; // geometry() before presentation, put back on leaving
    bool normalMaximized_ = false;
};

} // namespace mergelab::ui
