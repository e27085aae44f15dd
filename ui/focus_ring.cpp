#include "focus_ring.h"

#include <QApplication>
#include <QPainter>
#include <QProxyStyle>
#include <QStyleOption>

namespace mergelab::ui {
namespace {

constexpr int kRingPx = 3; // whole pixels, drawn crisp: a blurred edge fades on a projector

class FocusRingStyle : public QProxyStyle {
public:
    using QProxyStyle::QProxyStyle;

    void drawPrimitive(PrimitiveElement element, const QStyleOption* option, QPainter* painter,
                       const QWidget* widget) const override {
        if (element == PE_FrameFocusRect) {
            ring(painter, option->rect, 1.0);
            return;
        }
        QProxyStyle::drawPrimitive(element, option, painter, widget);
        if ((element == PE_PanelButtonCommand || element == PE_PanelButtonTool ||
             element == PE_FrameLineEdit) &&
            focused(option))
            ring(painter, option->rect, 0);
    }

    void drawComplexControl(ComplexControl control, const QStyleOptionComplex* option, QPainter* painter,
                            const QWidget* widget) const override {
        QProxyStyle::drawComplexControl(control, option, painter, widget);
        if ((control == CC_ComboBox || control == CC_SpinBox || control == CC_Slider) && focused(option))
            ring(painter, option->rect, 0);
    }

private:
    static bool focused(const QStyleOption* option) {
        return (option->state & State_HasFocus) && (option->state & State_Enabled);
    }

    // A ring whose outer edge lies `grow` px outside `rect` (0: the widget's
    // own outermost pixels, over its frame, where no child covers it).
    static void ring(QPainter* painter, const QRect& rect, double grow) {
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing, false);
        painter->setBrush(Qt::NoBrush);
        painter->setPen(QPen(focus_ring_color(), kRingPx, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
        const double inset = kRingPx / 2.0 - grow;
        // Its centre line; the pen reaches half its width to either side.
        painter->drawRect(QRectF(rect).adjusted(inset, inset, -inset, -inset));
        painter->restore();
    }
};

} // namespace

QColor focus_ring_color() {
    // 9:1 on white and 8:1 on the window's grey, and apart from every method and environment colour.
    return QColor(0x00, 0x3c, 0xb4);
}

void install_focus_rings() {
    if (QApplication::style()->inherits("mergelab::ui::FocusRingStyle") ||
        QApplication::style()->property("mergelabFocusRings").toBool())
        return;
    auto* style = new FocusRingStyle(QApplication::style()->name());
    style->setProperty("mergelabFocusRings", true);
    QApplication::setStyle(style);
}

} // namespace mergelab::ui
