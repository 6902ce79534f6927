using Kernelwise.Layers;
using Kernelwise.Models;

namespace Kernelwise.Zoo;

/// <summary>LeNet-5 (LeCun et al., 1998), the first convolutional network trained end to end on digits.</summary>
internal static class LeNet
{
    /// <summary>
    /// LeNet-5: conv 6@5×5 → 2×2 average pooling → conv 16@5×5 → 2×2 average pooling → dense 120 → dense 84 → classes.
    /// 61,706 parameters for 1×32×32 inputs and 10 classes.
    /// </summary>
    /// <remarks>
    /// It is a small-image network by design: inputs below 32×32 (MNIST's 28×28) get 2 pixels of zero padding on the
    /// first convolution, as the original paper padded its digits to 32×32, so both sizes give the same 16×5×5 features.
    /// The original used scaled tanh units and trainable subsampling; this keeps tanh (or the activation given) and
    /// plain average pooling. Layers are named <c>conv1</c>, <c>conv2</c>, <c>fc1</c>, <c>fc2</c>, <c>fc3</c>.
    /// </remarks>
    /// <param name="numClasses">Number of outputs (logits).</param>
    /// <param name="inputChannels">Input channels (1 for grey-scale).</param>
    /// <param name="inputSize">Input height and width (at least 16).</param>
    /// <param name="activation">Activation after each hidden layer (tanh, as in the paper, by default).</param>
    public static Sequential LeNet5(int numClasses = 10, int inputChannels = 1, int inputSize = 32, Activation activation = Activation.Tanh)
    {
        ZooBuilder.Resolve("LeNet-5", numClasses, inputChannels, inputSize, ZooVariant.SmallImages);
        var model = new Sequential(new Shape(inputChannels, inputSize, inputSize), "lenet5")
            .Conv2D(6, 5, padding: inputSize < 32 ? 2 : 0, activation: activation, name: "conv1")
            .AveragePooling2D(2)
            .Conv2D(16, 5, activation: activation, name: "conv2")
            .AveragePooling2D(2)
            .Flatten()
            .Dense(120, activation, name: "fc1")
            .Dense(84, activation, name: "fc2")
            .Dense(numClasses, name: "fc3");
        return ZooBuilder.Checked(model, "LeNet-5", ZooVariant.SmallImages, inputSize);
    }
}
