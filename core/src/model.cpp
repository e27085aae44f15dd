#include "mergelab/model.h"

#include <cstring>
#include <mutex>

#include "mergelab/error.h"
#include "mergelab/experiment.h"
#include "mergelab/i18n.h"
#include "nets.h"
#include "pool_relu.h"
#include "trainer.h"

namespace mergelab {

void ClassifierImpl::seed_dropout(uint64_t seed) {
    generator_ = at::make_generator<at::CPUGeneratorImpl>(seed);
}

torch::Tensor ClassifierImpl::dropout(const torch::Tensor& x, double p) {
    if (!is_training() || p <= 0)
        return x;
    if (!generator_.defined())
        seed_dropout(0);
    // Inverted dropout, as torch.nn.Dropout: keep with 1-p, scale by 1/(1-p).
    auto keep = torch::empty_like(x).bernoulli_(1 - p, generator_).div_(1 - p);
    return x * keep;
}

CnnImpl::CnnImpl(int channels, int side, int classes) {
    // Two valid 3x3 convolutions, each followed by 2x2 pooling (odd sizes
    // round down): 28 -> 13 -> 5, 32 -> 15 -> 6.
    const int after = ((side - 2) / 2 - 2) / 2;
    conv1 = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, 32, 3)));
    conv2 = register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3)));
    fc1 = register_module("fc1", torch::nn::Linear(64 * after * after, 128));
    fc2 = register_module("fc2", torch::nn::Linear(128, classes));
    classes_ = classes;
}

// Pooling before ReLU computes exactly what conv -> ReLU -> pool computes
// (ReLU is monotone, so it commutes with max; the gradients agree too) on a
// quarter of the elements: measured 1.5x faster training on 2 threads. The
// two run as one fused function (pool_relu.h).
torch::Tensor CnnImpl::forward(torch::Tensor x) {
    x = max_pool2_relu(conv1->forward(x));
    x = max_pool2_relu(conv2->forward(x));
    x = torch::relu(fc1->forward(x.flatten(1)));
    return fc2->forward(dropout(x, 0.25));
}

// Evaluation keeps the convolutional part in oneDNN's blocked layout, with no
// reorder between convolution, pooling and ReLU; the logits are bit-identical
// to forward() (tested) and about 6x faster on 2 cores.
torch::Tensor CnnImpl::infer(const torch::Tensor& images) {
    if (!at::hasMKLDNN() || is_training())
        return forward(images);
    return fc2->forward(features(images));
}

torch::Tensor CnnImpl::features(const torch::Tensor& images) {
    return torch::relu(fc1->forward(head_input(images)));
}

torch::Tensor CnnImpl::head_input(const torch::Tensor& images) {
    if (!at::hasMKLDNN() || is_training()) {
        auto x = max_pool2_relu(conv1->forward(images));
        x = max_pool2_relu(conv2->forward(x));
        return x.flatten(1);
    }
    auto x = at::mkldnn_convolution(images.to_mkldnn(), conv1->weight.to_mkldnn(), conv1->bias, {0, 0},
                                    {1, 1}, {1, 1}, 1);
    x = at::relu(at::mkldnn_max_pool2d(x, {2, 2}, {2, 2}));
    x = at::mkldnn_convolution(x, conv2->weight.to_mkldnn(), conv2->bias, {0, 0}, {1, 1}, {1, 1}, 1);
    x = at::relu(at::mkldnn_max_pool2d(x, {2, 2}, {2, 2}));
    return x.to_dense().flatten(1);
}

MlpImpl::MlpImpl(int classes) {
    fc1 = register_module("fc1", torch::nn::Linear(kImagePixels, 128));
    fc2 = register_module("fc2", torch::nn::Linear(128, classes));
    classes_ = classes;
}

torch::Tensor MlpImpl::forward(torch::Tensor x) {
    return fc2->forward(features(x));
}

torch::Tensor MlpImpl::features(const torch::Tensor& x) {
    return torch::relu(fc1->forward(x.flatten(1)));
}

const std::vector<Architecture>& architectures() {
    static const std::vector<Architecture> all = {
        {{"cnn",
          QT_TRANSLATE_NOOP("mergelab", "CNN (2 conv + 2 linear)"),
          QT_TRANSLATE_NOOP("mergelab", "two 3x3 convolutions (32, 64 filters) with max-pooling, a 128-unit "
                                        "hidden layer, dropout 0.25"),
          "MergeLab's stand-in for the paper's Figure 4, whose layers did not survive extraction",
          {}},
         {{"conv1.weight", {32, 1, 3, 3}},
          {"conv1.bias", {32}},
          {"conv2.weight", {64, 32, 3, 3}},
          {"conv2.bias", {64}},
          {"fc1.weight", {128, 1600}},
          {"fc1.bias", {128}},
          {"fc2.weight", {10, 128}},
          {"fc2.bias", {10}}}},
        {{"cnn-rgb",
          QT_TRANSLATE_NOOP("mergelab", "CNN for colour (2 conv + 2 linear)"),
          QT_TRANSLATE_NOOP("mergelab", "the CNN's layers for 32x32 colour images (3 input channels): "
                                        "for image folders in colour"),
          "MergeLab's CNN with the input of CIFAR-sized colour images",
          {}},
         {{"conv1.weight", {32, 3, 3, 3}},
          {"conv1.bias", {32}},
          {"conv2.weight", {64, 32, 3, 3}},
          {"conv2.bias", {64}},
          {"fc1.weight", {128, 2304}},
          {"fc1.bias", {128}},
          {"fc2.weight", {10, 128}},
          {"fc2.bias", {10}}},
         3,
         kColourImageSide},
        {{"mlp",
          QT_TRANSLATE_NOOP("mergelab", "MLP (2 linear)"),
          QT_TRANSLATE_NOOP("mergelab", "one 128-unit hidden layer: fast, for quick checks"),
          "",
          {}},
         {{"fc1.weight", {128, 784}}, {"fc1.bias", {128}}, {"fc2.weight", {10, 128}}, {"fc2.bias", {10}}}},
    };
    return all;
}

std::vector<std::string> architecture_names() {
    return entry_names(architectures());
}

namespace {

const Architecture& architecture(const std::string& arch) {
    if (const Architecture* a = find_entry(architectures(), arch))
        return *a;
    std::string known;
    for (const auto& name : architecture_names())
        known += (known.empty() ? "" : ", ") + name;
    throw UsageError("unknown model '" + arch + "' (known: " + known + ")");
}

void check_class_count(int classes) {
    if (classes < 2 || classes > kMaxClasses)
        throw UsageError("a model needs 2 to " + std::to_string(kMaxClasses) + " classes, not " +
                         std::to_string(classes));
}

} // namespace

std::shared_ptr<ClassifierImpl> make_net(const std::string& arch, int classes) {
    const Architecture& a = architecture(arch);
    check_class_count(classes);
    if (arch == "mlp")
        return Mlp(classes).ptr();
    return Cnn(a.channels, a.side, classes).ptr();
}

std::shared_ptr<ClassifierImpl> make_net_for(const std::string& arch, const WeightSet& weights) {
    return make_net(arch, weights_class_count(weights));
}

const Architecture& find_architecture(const std::string& arch) {
    return architecture(arch);
}

std::vector<TensorSpec> architecture_spec(const std::string& arch, int classes) {
    check_class_count(classes);
    std::vector<TensorSpec> spec = architecture(arch).tensors;
    // The registry lists the last layer for ten classes.
    for (TensorSpec& t : spec)
        if (t.name == "fc2.weight" || t.name == "fc2.bias")
            t.shape[0] = classes;
    return spec;
}

int weights_class_count(const WeightSet& weights) {
    const NamedTensor* bias = find_tensor(weights, "fc2.bias");
    if (!bias || bias->shape.size() != 1 || bias->shape[0] > kMaxClasses)
        return 0;
    return static_cast<int>(bias->shape[0]);
}

void check_weights(const std::string& arch, const WeightSet& weights, const std::string& source,
                   int classes) {
    if (classes == 0) {
        classes = weights_class_count(weights);
        if (classes < 2)
            classes = kFashionClasses; // the message below names what is wrong
    }
    const auto spec = architecture_spec(arch, classes);
    for (const auto& want : spec) {
        const NamedTensor* have = find_tensor(weights, want.name);
        if (!have)
            throw Error(source + ": tensor '" + want.name + "' is missing (a " + arch +
                        " model needs it with shape " + shape_to_string(want.shape) + ")");
        if (have->shape != want.shape)
            throw Error(source + ": tensor '" + want.name + "' has shape " + shape_to_string(have->shape) +
                        ", a " + arch + " model needs " + shape_to_string(want.shape));
        if (static_cast<int64_t>(have->values.size()) != have->numel())
            throw Error(source + ": tensor '" + want.name + "' holds " + std::to_string(have->values.size()) +
                        " values for shape " + shape_to_string(have->shape));
    }
    for (const auto& t : weights) {
        bool known = false;
        for (const auto& want : spec)
            known = known || want.name == t.name;
        if (!known)
            throw Error(source + ": unexpected tensor '" + t.name + "' for a " + arch + " model");
    }
}

std::string detect_architecture(const WeightSet& weights) {
    const int classes = weights_class_count(weights);
    if (classes < 2)
        return {};
    for (const auto& arch : architecture_names()) {
        const auto spec = architecture_spec(arch, classes);
        if (spec.size() != weights.size())
            continue;
        bool match = true;
        for (const auto& want : spec) {
            const NamedTensor* have = find_tensor(weights, want.name);
            match = match && have && have->shape == want.shape;
        }
        if (match)
            return arch;
    }
    return {};
}

WeightSet weights_of(ClassifierImpl& net) {
    WeightSet out;
    for (const auto& item : net.named_parameters()) {
        torch::Tensor t = item.value().detach().to(torch::kFloat32).contiguous();
        NamedTensor nt{item.key(), t.sizes().vec(), std::vector<float>(t.numel())};
        std::memcpy(nt.values.data(), t.data_ptr<float>(), sizeof(float) * nt.values.size());
        out.push_back(std::move(nt));
    }
    return out;
}

void assign_weights(ClassifierImpl& net, const WeightSet& weights) {
    torch::NoGradGuard no_grad;
    for (auto& item : net.named_parameters()) {
        const NamedTensor* src = find_tensor(weights, item.key());
        if (!src)
            throw Error("tensor '" + item.key() + "' is missing");
        torch::Tensor from =
            torch::from_blob(const_cast<float*>(src->values.data()), src->shape, torch::kFloat32);
        item.value().copy_(from);
    }
}

WeightSet initial_weights(const std::string& arch, uint64_t seed, int classes) {
    // torch's default generator is global; serialise seeding + construction.
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    torch::manual_seed(seed);
    auto net = make_net(arch, classes);
    return weights_of(*net);
}

torch::Tensor images_view(const Dataset& data) {
    return torch::from_blob(const_cast<uint8_t*>(data.pixels.data()),
                            {data.size(), data.channels, data.side, data.side}, torch::kUInt8);
}

torch::Tensor labels_tensor(const Dataset& data) {
    return torch::from_blob(const_cast<uint8_t*>(data.labels.data()), {data.size()}, torch::kUInt8)
        .to(torch::kInt64);
}

torch::Tensor to_input(const torch::Tensor& images_u8) {
    return images_u8.to(torch::kFloat32).div_(255.0f);
}

EvalResult evaluate_net(ClassifierImpl& net, const torch::Tensor& images_u8, const torch::Tensor& labels,
                        bool keep_predictions) {
    const bool was_training = net.is_training();
    net.eval();
    torch::InferenceMode inference;
    const int64_t n = images_u8.size(0);
    // Small batches keep oneDNN's working set in cache (measured: 100 is
    // about 3x faster than 1000).
    const int64_t batch = 100;
    double loss_sum = 0;
    std::vector<torch::Tensor> predicted;
    for (int64_t start = 0; start < n; start += batch) {
        const int64_t count = std::min(batch, n - start);
        auto logits = net.infer(to_input(images_u8.narrow(0, start, count)));
        loss_sum += torch::nn::functional::cross_entropy(
                        logits, labels.narrow(0, start, count),
                        torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                        .item<double>();
        predicted.push_back(logits.argmax(1));
    }
    EvalResult result;
    result.confusion = empty_confusion(static_cast<int>(net.num_classes()));
    if (n > 0) {
        auto all = torch::cat(predicted).to(torch::kInt64).contiguous();
        auto truth = labels.contiguous();
        // Confusion counts in one bincount: index = classes * true + predicted.
        const int64_t classes = static_cast<int64_t>(result.confusion.size());
        auto counts = torch::bincount(truth * classes + all, {}, classes * classes).contiguous();
        const int64_t* c = counts.data_ptr<int64_t>();
        for (int64_t t = 0; t < classes; ++t)
            for (int64_t p = 0; p < classes; ++p)
                result.confusion[t][p] = c[t * classes + p];
        result.accuracy = static_cast<double>(confusion_correct(result.confusion)) / n;
        result.loss = loss_sum / n;
        if (keep_predictions) {
            auto bytes = all.to(torch::kUInt8).contiguous();
            result.predictions.assign(bytes.data_ptr<uint8_t>(), bytes.data_ptr<uint8_t>() + n);
        }
    }
    if (was_training)
        net.train();
    return result;
}

EvalResult evaluate(const std::string& arch, const WeightSet& weights, const Dataset& data, int threads) {
    check_weights(arch, weights, "model");
    keep_freed_memory();
    torch::set_num_threads(resolve_threads(threads));
    auto net = make_net_for(arch, weights);
    assign_weights(*net, weights);
    return evaluate_net(*net, images_view(data), labels_tensor(data), true);
}

int64_t confusion_total(const ConfusionMatrix& m) {
    int64_t total = 0;
    for (const auto& row : m)
        for (int64_t v : row)
            total += v;
    return total;
}

int64_t confusion_correct(const ConfusionMatrix& m) {
    int64_t correct = 0;
    for (size_t c = 0; c < m.size(); ++c)
        correct += c < m[c].size() ? m[c][c] : 0;
    return correct;
}

ConfusionMatrix empty_confusion(int classes) {
    return ConfusionMatrix(static_cast<size_t>(std::max(classes, 0)),
                           std::vector<int64_t>(static_cast<size_t>(std::max(classes, 0)), 0));
}

} // namespace mergelab
