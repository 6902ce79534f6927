using Kernelwise.Data;
using Kernelwise.Layers;
using Kernelwise.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Models;

// Model, continued: looking into a model — intermediate activations and class probabilities.
public partial class Model
{
    /// <summary>
    /// The outputs of the named layers for <paramref name="input"/>, in one forward pass in inference mode without
    /// gradients — Keras's <c>keras.Model(model.inputs, [layer.output, ...])(x)</c>. A layer inside a residual block or
    /// branches is named by its unique name (<c>conv2d_3</c>) or its path (<c>residual.main.conv2d_3</c>, as in its
    /// weights' names); an input by its name.
    /// <code>
    /// using var acts = model.GetActivations(images, "conv2d", "conv2d_1");
    /// Tensor maps = acts["conv2d_1"];   // [N, 64, 14, 14]
    /// </code>
    /// </summary>
    /// <param name="input">A batch for the model's one input, [N, ...] (moved to the model's device when elsewhere).</param>
    /// <param name="layerNames">The layers (or inputs) whose outputs to return.</param>
    /// <returns>The activations by name and the model's outputs from the same pass; the caller owns and disposes them.</returns>
    /// <exception cref="ArgumentException">No names, a name the model does not have, or an input of the wrong shape.</exception>
    public LayerActivations GetActivations(Tensor input, params string[] layerNames)
        => GetActivations(new[] { input ?? throw new ArgumentNullException(nameof(input)) }, layerNames);

    /// <summary>
    /// The outputs of the named layers for one tensor per model input, in one forward pass in inference mode (dropout
    /// off, batch normalization on its running statistics). With <paramref name="recordGradient"/> the pass is
    /// recorded by autograd, so gradients of the outputs with respect to the activations can be taken (Grad-CAM);
    /// otherwise it runs without gradients. The model's training mode is restored afterwards.
    /// </summary>
    /// <param name="inputs">One batch per model input, in the model's input order.</param>
    /// <param name="layerNames">The layers (or inputs) whose outputs to return: unique names or dotted paths.</param>
    /// <param name="recordGradient">Record the pass for autograd (off by default).</param>
    /// <returns>The activations by name and the model's outputs from the same pass; the caller owns and disposes them.</returns>
    /// <exception cref="ArgumentException">No names, a name the model does not have, or inputs of the wrong number or shape.</exception>
    public LayerActivations GetActivations(IReadOnlyList<Tensor> inputs, IEnumerable<string> layerNames, bool recordGradient = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(layerNames);
        var names = layerNames.Distinct(StringComparer.Ordinal).ToList();
        if (names.Count == 0)
            throw new ArgumentException($"Invalid value for argument layerNames. Expected at least one layer name. Model '{Name}' has: {string.Join(", ", Layers.Select(l => l.Name))}.", nameof(layerNames));
        for (int i = 0; i < inputs.Count; i++) ArgumentNullException.ThrowIfNull(inputs[i], $"{nameof(inputs)}[{i}]");
        CheckInputs(inputs, nameof(GetActivations));
        var device = Device.ToTorch();
        var moved = inputs.Select(t => t.device == device ? t : t.to(device)).ToArray();
        bool wasTraining = Network.training;
        SetTrainingMode(false);
        try
        {
            using var gradients = recordGradient ? enable_grad() : no_grad();
            var (outputs, activations) = _network.Forward(moved, names);
            return new LayerActivations(Name, names, activations, outputs);
        }
        finally
        {
            if (wasTraining) SetTrainingMode(true);
            for (int i = 0; i < moved.Length; i++) if (!ReferenceEquals(moved[i], inputs[i])) moved[i].Dispose();
        }
    }

    // ---------------------------------------------------------------- probabilities

    /// <summary>
    /// Class probabilities (softmax over the outputs) for every sample; the caller owns the tensor. A model whose last
    /// layer already applies softmax (see <see cref="EndsInSoftmax"/>) returns its outputs unchanged, not softmax twice.
    /// </summary>
    public Tensor PredictProbabilities(Dataset data, int batchSize = 32)
    {
        var outputs = Predict(data, batchSize);
        if (EndsInSoftmax) return outputs;
        using (outputs) return nn.functional.softmax(outputs, 1);
    }

    /// <summary>
    /// Class probabilities (softmax over the outputs) for <paramref name="inputs"/>; the caller owns the tensor. A model
    /// whose last layer already applies softmax returns its outputs unchanged.
    /// </summary>
    public Tensor PredictProbabilities(Tensor inputs, int batchSize = 32)
    {
        var outputs = Predict(inputs, batchSize);
        if (EndsInSoftmax) return outputs;
        using (outputs) return nn.functional.softmax(outputs, 1);
    }

    /// <summary>
    /// Class probabilities with flip test-time augmentation (fastai's <c>tta</c> with mirror images): the mean of the
    /// probabilities for each image and for its horizontal mirror. For models trained with random horizontal flips; the
    /// caller owns the tensor.
    /// </summary>
    /// <param name="inputs">Images [N, C, H, W].</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <exception cref="ArgumentException">The inputs are not a batch of images (rank 4).</exception>
    public Tensor PredictProbabilitiesWithFlips(Tensor inputs, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.dim() != 4)
            throw new ArgumentException($"PredictProbabilitiesWithFlips of model '{Name}' needs images [N, C, H, W]; received rank {inputs.dim()} ({string.Join('×', inputs.shape)}).", nameof(inputs));
        using var mirrored = inputs.flip(3);
        using var direct = PredictProbabilities(inputs, batchSize);
        using var flipped = PredictProbabilities(mirrored, batchSize);
        return direct.add(flipped).div_(2);
    }

    /// <summary>
    /// True when the (first) output is already probabilities: the layer producing it, looking past dropout (an identity
    /// at inference), applies softmax as its activation (<see cref="IHasActivation"/>: an activation layer, Dense, a
    /// convolution or a residual block with <c>activation: Softmax</c>). Probability helpers and the ONNX exporter use
    /// it so softmax is never applied twice.
    /// </summary>
    public bool EndsInSoftmax
    {
        get
        {
            var tensor = Graph.Outputs[0];
            while (tensor.Node is { } node)
            {
                if (node.Layer is Dropout or SpatialDropout2D)
                {
                    tensor = node.Inputs[0];
                    continue;
                }
                return node.Layer is IHasActivation { Activation: Activation.Softmax };
            }
            return false;
        }
    }
}
