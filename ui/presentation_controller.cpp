#include "presentation_controller.h"

#include <QAction>
#include <QDockWidget>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>

#include <algorithm>
#include <array>

#include "zoom.h"

namespace mergelab::ui {

namespace {

// Steps rather than a continuous factor: Ctrl+ and Ctrl- meet the same
// values again, and 1 is one of them.
constexpr std::array<double, 12> kZoomSteps{0.8, 0.9, 1.0, 1.1, 1.25, 1.4, 1.6, 1.8, 2.0, 2.25, 2.5, 3.0};
// Presentation mode starts at a zoom that puts every chart text at 18 px
// or more on a 1280x720 projector (test_presentation).
constexpr double kPresentationZoom = 1.6;
constexpr double kWindowZoom = 1.0;
// The least line height of any text in presentation mode (test_presentation).
constexpr double kPresentationLeastPx = 18.0;

double clamp_zoom(double z) {
    return std::clamp(z, kZoomSteps.front(), kZoomSteps.back());
}

} // namespace

PresentationController::PresentationController(QMainWindow* window, QTabWidget* tabs, QLabel* phaseLabel,
                                               QMenu* menu)
    : QObject(window)
    , window_(window)
    , tabs_(tabs)
    , phaseLabel_(phaseLabel) {
    present_ = menu->addAction(tr("&Presentation"), this, [this](bool on) { setPresentation(on); });
    present_->setObjectName("presentation");
    present_->setCheckable(true);
    present_->setShortcut(QKeySequence(Qt::Key_F11));
    present_->setToolTip(tr("Full screen with large text for a room; F11 or Esc leaves it"));
    // Esc leaves only; it would be surprising as a way in.
    leave_ = new QAction(this);
    leave_->setShortcut(QKeySequence(Qt::Key_Escape));
    leave_->setEnabled(false);
    connect(leave_, &QAction::triggered, this, [this] { setPresentation(false); });
    window_->addAction(leave_);

    zoomIn_ = menu->addAction(tr("Zoom &in"), this, [this] { zoomBy(+1); });
    zoomIn_->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Plus), QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    zoomOut_ = menu->addAction(tr("Zoom &out"), this, [this] { zoomBy(-1); });
    zoomOut_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Minus));
    QAction* reset = menu->addAction(tr("&Reset zoom"), this, [this] { zoomBy(0); });
    reset->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));

    QSettings settings;
    windowZoom_ = clamp_zoom(settings.value("view/zoom", kWindowZoom).toDouble());
    presentationZoom_ = clamp_zoom(settings.value("view/presentationZoom", kPresentationZoom).toDouble());
}

QByteArray PresentationController::windowGeometry() const {
    return presenting_ ? normalGeometry_ : window_->saveGeometry();
}

QByteArray PresentationController::windowState() const {
    return presenting_ ? normalState_ : window_->saveState();
}

double PresentationController::zoomFactor() const {
    return presenting_ ? presentationZoom_ : windowZoom_;
}

void PresentationController::zoomBy(int steps) {
    // Each mode keeps its own zoom: a projector and a laptop screen want
    // different ones.
    double& z = presenting_ ? presentationZoom_ : windowZoom_;
    if (steps == 0) {
        z = presenting_ ? kPresentationZoom : kWindowZoom;
    } else if (steps > 0) {
        const auto next = std::upper_bound(kZoomSteps.begin(), kZoomSteps.end(), z + 1e-6);
        z = next == kZoomSteps.end() ? kZoomSteps.back() : *next;
    } else {
        const auto next = std::lower_bound(kZoomSteps.begin(), kZoomSteps.end(), z - 1e-6);
        z = next == kZoomSteps.begin() ? kZoomSteps.front() : *(next - 1);
    }
    QSettings settings;
    settings.setValue(presenting_ ? "view/presentationZoom" : "view/zoom", z);
    applyZoom();
}

void PresentationController::applyZoom() {
    const double z = zoomFactor();
    Zoom::instance()->setLeastTextPx(presenting_ ? kPresentationLeastPx : 0);
    Zoom::instance()->setFactor(z);
    // The views' own widgets (selectors, tables, labels) and the tab texts
    // follow the font; what the views paint follows the factor.
    tabs_->setFont(zoomed_app_font());
    // So do the menus, the tool bars with their icons and the status bar:
    // a room reads the round counter and the Start button too. A menu is a
    // window of its own, which a font set on the menu bar does not reach.
    window_->menuBar()->setFont(zoomed_app_font());
    for (QMenu* menu : window_->menuBar()->findChildren<QMenu*>())
        menu->setFont(zoomed_app_font());
    const int icon = window_->style()->pixelMetric(QStyle::PM_ToolBarIconSize);
    for (QToolBar* bar : window_->findChildren<QToolBar*>()) {
        bar->setFont(zoomed_app_font());
        bar->setIconSize(QSize(icon, icon) * z);
    }
    window_->statusBar()->setFont(zoomed_app_font());
    QFont phase = zoomed_app_font(presenting_ ? 1.4 : 1.0);
    phase.setBold(presenting_);
    phaseLabel_->setFont(phase);
    zoomIn_->setEnabled(z < kZoomSteps.back() - 1e-6);
    zoomOut_->setEnabled(z > kZoomSteps.front() + 1e-6);
}

void PresentationController::setPresentation(bool on) {
    if (on != presenting_) {
        // A passing message would stay drawn over the status bar's label
        // once the bar takes its new font.
        window_->statusBar()->clearMessage();
        if (on) {
            normalGeometry_ = window_->saveGeometry();
            normalState_ = window_->saveState();
            normalRect_ = window_->geometry();
            normalMaximized_ = window_->isMaximized();
            presenting_ = true;
            for (QDockWidget* dock : window_->findChildren<QDockWidget*>())
                dock->hide();
            window_->showFullScreen();
            // Without a window manager (a bare X server, a kiosk) full
            // screen is only a wish; the screen's geometry makes it so.
            if (const QScreen* s = window_->screen())
                window_->setGeometry(s->geometry());
        } else {
            presenting_ = false;
            // The window's text sizes first: at the presentation zoom its
            // least size was taller than the window it had been, and the
            // status bar came back below a 720-px screen.
            applyZoom();
            window_->showNormal();
            window_->restoreState(normalState_);
            // The rectangle itself, not restoreGeometry(): that one adds a
            // guessed frame where no window manager draws one (+0+20).
            if (normalMaximized_)
                window_->showMaximized();
            else
                putBack();
        }
        leave_->setEnabled(presenting_);
        applyZoom();
    }
    const QSignalBlocker block(present_);
    present_->setChecked(presenting_);
}

void PresentationController::putBack() {
    QRect r = normalRect_;
    if (const QScreen* s = window_->screen()) {
        const QRect room = s->availableGeometry();
        r.setSize(r.size().boundedTo(room.size()));
        r.moveTo(std::clamp(r.left(), room.left(), room.right() - r.width() + 1),
                 std::clamp(r.top(), room.top(), room.bottom() - r.height() + 1));
    }
    window_->setGeometry(r);
    // A window manager leaving full screen may answer with a size of its
    // own a moment later: the rectangle once more after it has.
    QTimer::singleShot(50, this, [this, r] {
        if (!presenting_ && !window_->isMaximized() && window_->geometry() != r)
            window_->setGeometry(r);
    });
}

} // namespace mergelab::ui
