using Kernelwise.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Vision;

/// <summary>
/// What a trained classifier looks at: class-activation maps (<see cref="GradCam"/>) and gradient saliency
/// (<see cref="Saliency"/>), as extension methods on <see cref="Model"/>. Both run the model in inference mode and
/// leave its weights, gradients and training mode as they were.
/// </summary>
public static class Interpretation
{
    /// <summary>
    /// Grad-CAM (Selvaraju et al., 2017): where, in the output of the convolution layer <paramref name="layerName"/>, the
    /// evidence for a class lies. With Aᵏ the layer's k-th map and yᶜ the class score (the model's output before any
    /// softmax), each map's weight is the global average of the score's gradient, αᵏ = (1/hw) Σᵢⱼ ∂yᶜ/∂Aᵏᵢⱼ, and the map
    /// is ReLU(Σₖ αᵏ Aᵏ) — positive evidence only — upsampled bilinearly to the input's size.
    /// </summary>
    /// <param name="model">A classifier with one input (images, [N, C, H, W]) whose output (or <paramref name="outputName"/>) is [N, classes].</param>
    /// <param name="images">A batch [N, C, H, W] or one image [C, H, W].</param>
    /// <param name="layerName">A layer with a spatial output (C, h, w), usually the last convolution; a nested layer by its
    /// unique name or path (<c>residual.main.conv2d_3</c>).</param>
    /// <param name="classIndex">The class to explain for every image; by default each image's predicted class.</param>
    /// <param name="outputName">For a model with several outputs, the one whose scores to explain (the first by default).</param>
    /// <returns>The maps, weights, classes and scores, on the CPU; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The layer has no spatial output, the images or the output have the wrong shape, or the class is out of range.</exception>
    /// <remarks>Keras's Grad-CAM example builds <c>keras.Model(model.inputs, [last_conv.output, model.output])</c> and
    /// takes the gradient with <c>GradientTape</c>; here the model's <see cref="Model.GetActivations(IReadOnlyList{Tensor}, IEnumerable{string}, bool)"/>
    /// records the same pass. For a model that ends in softmax the score is the probability, whose gradient fades as it
    /// saturates; a model trained on logits (Kernelwise's <c>CrossEntropy</c>) gives the textbook score.</remarks>
    public static GradCamResult GradCam(this Model model, Tensor images, string layerName, int? classIndex = null, string? outputName = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Guard.NotEmpty(layerName);
        var batch = Batch(model, images, "GradCam");
        int output = OutputIndex(model, outputName);
        using var scope = NewDisposeScope();
        // The input takes part in the graph, so the layer's output has a gradient even when the layers before it are frozen.
        var x = batch.detach().to(model.Device.ToTorch()).requires_grad_(true);
        using var pass = model.GetActivations(new[] { x }, new[] { layerName }, recordGradient: true);
        var activation = pass[layerName];
        if (activation.dim() != 4)
        {
            throw new ArgumentException(
                $"Grad-CAM needs a layer with a spatial output [N, C, h, w]; layer '{layerName}' of model '{model.Name}' outputs [{string.Join(", ", activation.shape)}]. " +
                "Name a convolution (usually the last one before pooling or flattening).", nameof(layerName));
        }
        var (scores, classes) = ClassScores(model, pass.Outputs[output], output, classIndex);
        var gradient = torch.autograd.grad(new[] { scores.sum() }, new[] { activation })[0];
        var weights = gradient.mean(new long[] { 2, 3 });                                        // αᵏ: [N, C]
        var map = (weights.unsqueeze(-1).unsqueeze(-1) * activation).sum(1).relu();              // [N, h, w]
        long height = x.shape[2], width = x.shape[3];
        var heatmap = nn.functional.interpolate(map.unsqueeze(1), new long[] { height, width }, mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1);
        return new GradCamResult(layerName, Keep(weights), Keep(map), Keep(heatmap), classes, Floats(scores));
    }

    /// <summary>
    /// Gradient saliency (Simonyan et al., 2013): how strongly each input pixel moves the class score,
    /// maxᶜʰᵃⁿⁿᵉˡ |∂yᶜ/∂x|, at the input's resolution.
    /// </summary>
    /// <param name="model">A classifier with one input (images) whose output (or <paramref name="outputName"/>) is [N, classes].</param>
    /// <param name="images">A batch [N, C, H, W] or one image [C, H, W].</param>
    /// <param name="classIndex">The class to explain for every image; by default each image's predicted class.</param>
    /// <param name="outputName">For a model with several outputs, the one whose scores to explain (the first by default).</param>
    /// <returns>The map [N, H, W], classes and scores, on the CPU; the caller disposes it.</returns>
    public static SaliencyResult Saliency(this Model model, Tensor images, int? classIndex = null, string? outputName = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var batch = Batch(model, images, "Saliency");
        int output = OutputIndex(model, outputName);
        using var scope = NewDisposeScope();
        var x = batch.detach().to(model.Device.ToTorch()).requires_grad_(true);
        using var pass = model.GetActivations(new[] { x }, new[] { model.InputNames[0] }, recordGradient: true);
        var (scores, classes) = ClassScores(model, pass.Outputs[output], output, classIndex);
        var gradient = torch.autograd.grad(new[] { scores.sum() }, new[] { x })[0];
        var map = gradient.abs().amax(new long[] { 1 });                                        // [N, H, W]
        return new SaliencyResult(Keep(map), classes, Floats(scores));
    }

    /// <summary>The images as a batch for the model's single input: [C, H, W] gains a batch dimension.</summary>
    internal static Tensor Batch(Model model, Tensor images, string method)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (model.InputShapes.Count != 1)
            throw new ArgumentException($"{method} explains models with one input (images); model '{model.Name}' has {model.InputShapes.Count} ({string.Join(", ", model.InputNames)}).", nameof(model));
        var shape = model.InputShapes[0];
        if (shape.Rank != 3)
            throw new ArgumentException($"{method} explains models whose input is images (channels, height, width); model '{model.Name}' takes {shape}.", nameof(model));
        var batch = images.dim() == 3 ? images.unsqueeze(0) : images;
        if (batch.dim() != 4 || !batch.shape.Skip(1).SequenceEqual(shape.ToArray().Select(d => (long)d)))
            throw new ArgumentException($"{method} received images of shape [{string.Join(", ", images.shape)}]; model '{model.Name}' takes [N, {string.Join(", ", shape.ToArray())}] or one image [{string.Join(", ", shape.ToArray())}].", nameof(images));
        if (batch.shape[0] == 0)
            throw new ArgumentException($"{method} received an empty batch of images.", nameof(images));
        return batch;
    }

    private static int OutputIndex(Model model, string? outputName)
    {
        if (outputName is null) return 0;
        int index = model.OutputNames.ToList().IndexOf(outputName);
        return index >= 0 ? index
            : throw new ArgumentException($"Model '{model.Name}' has no output named '{outputName}'. Its outputs are: {string.Join(", ", model.OutputNames)}.", nameof(outputName));
    }

    /// <summary>Each image's score for its class (given, or the predicted one), and the classes.</summary>
    private static (Tensor Scores, int[] Classes) ClassScores(Model model, Tensor output, int index, int? classIndex)
    {
        if (output.dim() != 2)
            throw new ArgumentException($"Explaining a class needs class scores [N, classes]; output '{model.OutputNames[index]}' of model '{model.Name}' is [{string.Join(", ", output.shape)}].");
        long classCount = output.shape[1];
        if (classIndex is { } c && (c < 0 || c >= classCount))
            throw new ArgumentOutOfRangeException(nameof(classIndex), c, $"Invalid value for argument classIndex. Expected a class from 0 to {classCount - 1} (model '{model.Name}' has {classCount} classes). Received classIndex={c}.");
        Tensor chosen;
        using (no_grad()) chosen = classIndex is { } k ? full(output.shape[0], (long)k, ScalarType.Int64, output.device) : output.argmax(1);
        var scores = output.gather(1, chosen.unsqueeze(1)).squeeze(1);
        var classes = chosen.cpu().data<long>().Select(v => (int)v).ToArray();
        return (scores, classes);
    }

    /// <summary>A result tensor: detached from autograd, float32 on the CPU, out of this method's dispose scope.</summary>
    private static Tensor Keep(Tensor t) => t.detach().to(ScalarType.Float32).cpu().contiguous().MoveToOuterDisposeScope();

    private static float[] Floats(Tensor t) => t.detach().to(ScalarType.Float32).cpu().data<float>().ToArray();
}
