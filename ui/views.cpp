#include "views.h"

#include "accuracy_page.h"
#include "class_accuracy_view.h"
#include "confusion_view.h"
#include "flow_view.h"
#include "histogram_view.h"
#include "interpolation_view.h"
#include "methods_view.h"
#include "provenance_view.h"
#include "samples_view.h"
#include "scatter_view.h"
#include "summary_view.h"

namespace mergelab::ui {

std::vector<ViewFactory> standard_views() {
    return {
        [] { return new AccuracyPage; },      [] { return new HistogramView; },
        [] { return new ConfusionView; },     [] { return new FlowView; },
        [] { return new SamplesView; },       [] { return new SummaryView; },
        [] { return new ProvenanceView; },    [] { return new ScatterView; },
        [] { return new InterpolationView; }, [] { return new ClassAccuracyView; },
        [] { return new MethodsView; },
    };
}

} // namespace mergelab::ui
