#include "class_names.h"

#include <QCoreApplication>

#include "i18n.h"
#include "mergelab/dataset.h"

namespace mergelab::ui {
namespace {

// Whether the names are Fashion-MNIST's is decided once per change, not on
// every label a view paints.
struct Shown {
    std::vector<std::string> names = fashion_mnist_class_names();
    bool fashion = true;
};

Shown& shown() {
    static Shown s;
    return s;
}

const std::vector<std::string>& names() {
    return shown().names;
}

bool fashion() {
    return shown().fashion;
}

} // namespace

void set_class_names(const std::vector<std::string>& given) {
    Shown& s = shown();
    s.names = given.empty() ? fashion_mnist_class_names() : given;
    s.fashion = s.names == fashion_mnist_class_names();
}

bool showing_fashion_mnist() {
    return fashion();
}

const std::vector<std::string>& shown_class_names() {
    return names();
}

int class_count() {
    return static_cast<int>(names().size());
}

QString class_name(int c) {
    if (c < 0 || c >= class_count())
        return QString::number(c);
    const std::string& name = names()[static_cast<size_t>(c)];
    // Only Fashion-MNIST's names are translated: a folder's are the user's.
    return fashion() ? coreText(name) : QString::fromStdString(name);
}

QString short_class_name(int c) {
    if (c < 0 || c >= class_count())
        return QString::number(c);
    if (fashion() && names()[static_cast<size_t>(c)] == "T-shirt/top")
        return QCoreApplication::translate("mergelab", "T-shirt");
    const QString name = class_name(c);
    return name.size() > 14 ? name.left(13) + QChar(0x2026) : name;
}

QImage dataset_image(const Dataset& data, int64_t index) {
    const int64_t bytes = data.image_bytes();
    if (index < 0 || index >= data.size() || (data.channels != 1 && data.channels != 3) ||
        data.pixels.size() < static_cast<size_t>((index + 1) * bytes))
        return {};
    const int side = data.side;
    const uint8_t* src = data.pixels.data() + index * bytes;
    if (data.channels == 1) {
        QImage img(side, side, QImage::Format_Grayscale8);
        for (int y = 0; y < side; ++y)
            std::copy_n(src + y * side, side, img.scanLine(y));
        return img;
    }
    QImage img(side, side, QImage::Format_RGB888);
    const size_t plane = size_t(side) * side;
    for (int y = 0; y < side; ++y) {
        uchar* line = img.scanLine(y);
        for (int x = 0; x < side; ++x)
            for (int c = 0; c < 3; ++c)
                line[x * 3 + c] = src[c * plane + size_t(y) * side + x];
    }
    return img;
}

} // namespace mergelab::ui
