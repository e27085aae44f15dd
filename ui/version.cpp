#include "version.h"

#include "mergelab/version.h"

namespace mergelab::ui {

QString application_version() {
    return QString::fromLatin1(mergelab::kVersion);
}

} // namespace mergelab::ui
