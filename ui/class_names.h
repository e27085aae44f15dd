#pragma once
// The classes of the data and the run on screen: Fashion-MNIST's ten, or an
// image folder's folder names. One list for the whole window, because every
// view shows the same data: the main window sets it when data is loaded or a
// run is opened, and the views only read it.
#include <string>
#include <vector>

#include <QImage>
#include <QString>

#include "mergelab/dataset.h"

namespace mergelab::ui {

// Empty: Fashion-MNIST's.
void set_class_names(const std::vector<std::string>& names);
const std::vector<std::string>& shown_class_names();
// Whether those are Fashion-MNIST's ten (translated, with short forms).
bool showing_fashion_mnist();
int class_count();

// Fashion-MNIST's names in the UI's language; a folder's as written. The
// number when `c` is out of range.
QString class_name(int c);
// The same, with "T-shirt" for "T-shirt/top" and a folder name cut to 14
// characters, for axes and legends.
QString short_class_name(int c);

// Image `index` of `data` as it is trained on: grey, or RGB from its three
// planes. A null image when the data holds no such pixels.
QImage dataset_image(const Dataset& data, int64_t index);

} // namespace mergelab::ui
