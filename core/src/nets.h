#pragma once
// The torch side of the models. Internal to the core: nothing outside core/src
// sees these types.
#include <memory>
#include <string>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "mergelab/dataset.h"
#include "mergelab/split.h"
#include "mergelab/weights.h"

namespace mergelab {

// Common base so the engine can hold any architecture.
struct ClassifierImpl : torch::nn::Module {
    virtual torch::Tensor forward(torch::Tensor images) = 0; // N x C x S x S -> N x classes logits
    // The same function for evaluation (no autograd); may take faster paths.
    virtual torch::Tensor infer(const torch::Tensor& images) { return forward(images); }
    // fc2's inputs (fc1 after ReLU) for evaluation, by infer()'s path:
    // infer() is fc2 of them. N x 128.
    virtual torch::Tensor features(const torch::Tensor& images) = 0;
    // fc1's inputs by the same path (the flattened convolutional output).
    virtual torch::Tensor head_input(const torch::Tensor& images) = 0;

    // Dropout draws from this net's own generator, not torch's global one,
    // so environments trained on parallel threads stay reproducible.
    void seed_dropout(uint64_t seed);

    int64_t num_classes() const { return classes_; }

protected:
    int64_t classes_ = kFashionClasses;
    torch::Tensor dropout(const torch::Tensor& x, double p);

private:
    at::Generator generator_;
};

// Parameter names match the PyTorch module a user would write, so saved
// state_dicts load there with load_state_dict.
struct CnnImpl : ClassifierImpl {
    // `channels` x `side` x `side` images in, `classes` logits out.
    CnnImpl(int channels, int side, int classes);
    torch::Tensor forward(torch::Tensor images) override;
    torch::Tensor infer(const torch::Tensor& images) override;
    torch::Tensor features(const torch::Tensor& images) override;
    torch::Tensor head_input(const torch::Tensor& images) override;

    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
    torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(Cnn);

struct MlpImpl : ClassifierImpl {
    explicit MlpImpl(int classes);
    torch::Tensor forward(torch::Tensor images) override;
    torch::Tensor features(const torch::Tensor& images) override;
    torch::Tensor head_input(const torch::Tensor& images) override { return images.flatten(1); }

    torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(Mlp);

// Throws UsageError for an unknown architecture. Initialised from torch's
// global generator: callers seed it (see initial_weights).
std::shared_ptr<ClassifierImpl> make_net(const std::string& arch, int classes);
// The same for the class count `weights` were made for.
std::shared_ptr<ClassifierImpl> make_net_for(const std::string& arch, const WeightSet& weights);

WeightSet weights_of(ClassifierImpl& net);
// Shapes must already be checked (check_weights).
void assign_weights(ClassifierImpl& net, const WeightSet& weights);

// Images stay uint8 (N x channels x side x side) until a batch is taken: a quarter of
// the memory of float32, and the conversion per batch costs little.
torch::Tensor
images_view(const Dataset& data); // uint8, views `data` without copying: it must outlive the tensor
torch::Tensor labels_tensor(const Dataset& data); // int64
// uint8 batch -> float32 pixel/255, the only normalisation.
torch::Tensor to_input(const torch::Tensor& images_u8);

// Evaluates `net` in inference mode on uint8 images and int64 labels.
EvalResult evaluate_net(ClassifierImpl& net, const torch::Tensor& images_u8, const torch::Tensor& labels,
                        bool keep_predictions);

} // namespace mergelab
