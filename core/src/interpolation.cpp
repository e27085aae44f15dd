#include "mergelab/interpolation.h"

#include <mutex>

#include "interpolation_path.h"
#include "mergelab/align.h"
#include "mergelab/error.h"
#include "mergelab/merge.h"
#include "nets.h"
#include "trainer.h"

namespace mergelab {

std::vector<int64_t> stratified_subset(const std::vector<uint8_t>& labels, int64_t n) {
    std::vector<int64_t> available(kMaxClasses + 1, 0), take(kMaxClasses + 1, 0);
    for (uint8_t l : labels)
        if (l <= kMaxClasses)
            ++available[l];
    // One image per class in turn: the shares differ by at most one, the
    // lower classes get the remainder, and a small class never blocks the rest.
    int64_t left = std::max<int64_t>(0, n);
    for (bool progress = true; left > 0 && progress;) {
        progress = false;
        for (int c = 0; c <= kMaxClasses && left > 0; ++c)
            if (take[c] < available[c])
                ++take[c], --left, progress = true;
    }
    std::vector<int64_t> out;
    for (size_t i = 0; i < labels.size(); ++i) {
        const uint8_t l = labels[i];
        if (l <= kMaxClasses && take[l] > 0)
            --take[l], out.push_back(static_cast<int64_t>(i));
    }
    return out;
}

Dataset select_images(const Dataset& data, const std::vector<int64_t>& indices) {
    Dataset out;
    out.labels.reserve(indices.size());
    out.channels = data.channels;
    out.side = data.side;
    const int64_t bytes = data.image_bytes();
    out.pixels.reserve(indices.size() * size_t(bytes));
    for (int64_t i : indices) {
        if (i < 0 || i >= data.size())
            throw Error("image index " + std::to_string(i) + " is outside the data set");
        out.labels.push_back(data.labels[static_cast<size_t>(i)]);
        const auto first = data.pixels.begin() + i * bytes;
        out.pixels.insert(out.pixels.end(), first, first + bytes);
    }
    return out;
}

WeightSet interpolate_weights(const WeightSet& a, const WeightSet& b, double t) {
    check_mergeable({&a, &b});
    WeightSet out;
    out.reserve(a.size());
    for (const NamedTensor& ta : a) {
        const NamedTensor& tb = *find_tensor(b, ta.name);
        NamedTensor mixed{ta.name, ta.shape, std::vector<float>(ta.values.size())};
        for (size_t i = 0; i < ta.values.size(); ++i)
            mixed.values[i] = static_cast<float>((1 - t) * double(ta.values[i]) + t * double(tb.values[i]));
        out.push_back(std::move(mixed));
    }
    return out;
}

InterpolationPath interpolation_path(const std::string& arch, const WeightSet& a, const WeightSet& b,
                                     const torch::Tensor& images_u8, const torch::Tensor& labels,
                                     int points) {
    if (points < 2)
        throw UsageError("an interpolation path needs at least 2 points, got " + std::to_string(points));
    InterpolationPath path;
    path.images = images_u8.size(0);
    auto net = make_net_for(arch, a);
    for (int i = 0; i < points; ++i) {
        // i / (points - 1) exactly, so the last point is t = 1, not 0.999...
        const double t = static_cast<double>(i) / static_cast<double>(points - 1);
        assign_weights(*net, interpolate_weights(a, b, t));
        const EvalResult r = evaluate_net(*net, images_u8, labels, false);
        path.points.push_back({t, r.accuracy, r.loss});
    }
    path.barrier = barrier_of(path.points);
    return path;
}

InterpolationPath interpolate(const std::string& arch, const WeightSet& a, const WeightSet& b,
                              const Dataset& eval, int points, int threads) {
    check_weights(arch, a, "the first model");
    check_weights(arch, b, "the second model");
    keep_freed_memory();
    torch::set_num_threads(resolve_threads(threads));
    return interpolation_path(arch, a, b, images_view(eval), labels_tensor(eval), points);
}

namespace {

std::mutex aligner_mutex;
// Weight matching unless a test or an extension registers another.
Aligner& registered_aligner() {
    static Aligner aligner = [](const std::string&, const WeightSet& reference, const WeightSet& other) {
        return align_to(other, reference).weights;
    };
    return aligner;
}

} // namespace

void set_aligner(Aligner aligner) {
    std::lock_guard<std::mutex> lock(aligner_mutex);
    registered_aligner() = std::move(aligner);
}

bool aligner_available() {
    std::lock_guard<std::mutex> lock(aligner_mutex);
    return static_cast<bool>(registered_aligner());
}

WeightSet align_for_interpolation(const std::string& arch, const WeightSet& reference,
                                  const WeightSet& other) {
    Aligner aligner;
    {
        std::lock_guard<std::mutex> lock(aligner_mutex);
        aligner = registered_aligner();
    }
    if (!aligner)
        throw Error("no weight alignment is available in this build");
    return aligner(arch, reference, other);
}

} // namespace mergelab
