#include "views.h"

#include "accuracy_page.h"
#include "confusion_view.h"
#include "flow_view.h"
#include "histogram_view.h"
#include "samples_view.h"
#include "summary_view.h"

namespace mergelab::ui {

std::vector<ViewFactory> standard_views() {
    return {
        [] { return new AccuracyPage; }, [] { return new HistogramView; }, [] { return new ConfusionView; },
        [] { return new FlowView; },     [] { return new SamplesView; },   [] { return new SummaryView; },
    };
}

} // namespace mergelab::ui
