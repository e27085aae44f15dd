#pragma once
// How many training images of each class every environment holds, as the
// engine will split them, drawn as one stacked bar per environment (the
// picture flwr-datasets and FedLab draw for label skew). The Flow view and
// the setup panel both show it; the setup panel before Start.
#include <QWidget>

#include <array>
#include <cstdint>
#include <vector>

#include "mergelab/dataset.h"
#include "mergelab/experiment.h"

class QPainter;

namespace mergelab::ui {

using ClassCounts = std::vector<int64_t>; // one count per class_count() class

// One entry per environment; empty when the split cannot be made (the
// setup says why elsewhere).
std::vector<ClassCounts> environment_class_counts(const ExperimentConfig& config,
                                                  const std::vector<uint8_t>& labels);
// A segment per class in its class_color(), left to right, its width the
// class's share of `full` (the largest environment's total, so bars of
// different sizes compare).
void draw_class_bar(QPainter& p, const QRectF& bar, const ClassCounts& counts, int64_t full);
// One row "■ T-shirt ■ Trouser ...", the font shrunk until it fits `row`.
void draw_class_legend(QPainter& p, const QRectF& row, const QFont& font);
// "T-shirt 540, Trouser 12, ...": the counts in words, for tooltips and tests.
QString class_counts_text(const ClassCounts& counts);

class ClassCountsChart : public QWidget {
    Q_OBJECT
public:
    explicit ClassCountsChart(QWidget* parent = nullptr);

    void setCounts(std::vector<ClassCounts> counts);
    // Shown instead of the bars ("Loading the labels…").
    void setMessage(const QString& text);
    const std::vector<ClassCounts>& counts() const { return counts_; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void fitHeight();
    int rowHeight() const;
    int legendHeight(int width) const;

    std::vector<ClassCounts> counts_;
    QString message_;
};

} // namespace mergelab::ui
