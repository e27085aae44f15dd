#include "version.h"

namespace mergelab::ui {

QString application_version() { return QStringLiteral("0.1.0"); }

} // namespace mergelab::ui
