using Kernelwise.Layers;
using Kernelwise.Models;

namespace Kernelwise.Zoo;

/// <summary>Argument checks and small shape helpers shared by the zoo's definitions (which use the public builder only).</summary>
internal static class ZooBuilder
{
    /// <summary>Validates the common arguments and resolves <see cref="ZooVariant.Auto"/>.</summary>
    public static ZooVariant Resolve(string architecture, int numClasses, int inputChannels, int inputSize, ZooVariant variant)
    {
        Guard.Positive(numClasses);
        Guard.Positive(inputChannels);
        Guard.Positive(inputSize);
        if (!Enum.IsDefined(variant))
            throw new ArgumentOutOfRangeException(nameof(variant), $"Invalid value for argument variant of {architecture}. Expected Auto, ImageNet or SmallImages. Received variant={variant}.");
        return variant == ZooVariant.Auto ? (inputSize < 64 ? ZooVariant.SmallImages : ZooVariant.ImageNet) : variant;
    }

    /// <summary>
    /// Checks the finished definition by shape arithmetic and, when the input is too small for it, rethrows with the
    /// architecture and a remedy in the message.
    /// </summary>
    public static Sequential Checked(Sequential model, string architecture, ZooVariant variant, int inputSize)
    {
        try
        {
            model.Summary();
        }
        catch (ModelBuildException e)
        {
            string remedy = variant == ZooVariant.ImageNet
                ? "Use larger inputs, or variant: ZooVariant.SmallImages for 28×28 / 32×32 data."
                : "Use larger inputs.";
            throw new ModelBuildException(e.LayerName, $"{architecture} ({variant}) cannot take {inputSize}×{inputSize} inputs: {e.Message} {remedy}");
        }
        return model;
    }

    /// <summary>The spatial size (height, width) of the builder's output so far.</summary>
    public static int[] CurrentSpatial(Sequential model) => model.Layers.Count == 0 ? model.InputShape.Spatial : model.ToGraph().Outputs[0].Shape.Spatial;

    /// <summary>
    /// Padding that makes a max pooling of <paramref name="kernel"/>/<paramref name="stride"/> at the builder's current
    /// size behave as PyTorch's <c>ceil_mode=True</c> without padding (torchvision's GoogLeNet): valid when floor and ceil
    /// agree, "same" when its single extra column falls at the end — exact for the windows torchvision uses.
    /// </summary>
    public static Padding CeilModePadding(Sequential model, int kernel, int stride)
    {
        Padding? chosen = null;
        foreach (int n in CurrentSpatial(model))
        {
            int ceil = Shapes.ConvolutionArithmetic.OutputSize(n, kernel, stride, ceilMode: true);
            int floor = Shapes.ConvolutionArithmetic.OutputSize(n, kernel, stride);
            var (b, a) = Shapes.ConvolutionArithmetic.ResolvePadding(Padding.Same, new[] { n }, new[] { kernel }, new[] { stride });
            int before = b[0], after = a[0];
            int same = Shapes.ConvolutionArithmetic.OutputSize(n, kernel, stride, before, after);
            Padding p;
            if (ceil == floor) p = Padding.Valid;
            else if (same == ceil && before == 0) p = Padding.Same;
            else throw new InvalidOperationException($"No padding reproduces ceil-mode pooling (kernel {kernel}, stride {stride}) on size {n}.");
            if (chosen is Padding c && !c.Equals(p))
                throw new InvalidOperationException($"Ceil-mode pooling (kernel {kernel}, stride {stride}) needs different paddings for height and width {Shape.Format(CurrentSpatial(model))}.");
            chosen = p;
        }
        return chosen ?? Padding.Valid;
    }

    /// <summary>Checks the <c>includeTop</c>/<c>pooling</c> pair: pooling is a choice only for a model without its classifier.</summary>
    public static void CheckTop(string architecture, bool includeTop, ZooPooling pooling)
    {
        if (!Enum.IsDefined(pooling))
            throw new ArgumentOutOfRangeException(nameof(pooling), $"Invalid value for argument pooling of {architecture}. Expected None, Average or Max. Received pooling={pooling}.");
        if (includeTop && pooling != ZooPooling.None)
            throw new ArgumentException($"Invalid value for argument pooling of {architecture}. Pooling is chosen only for a model without its classifier: pass includeTop: false with it. Received pooling={pooling} with includeTop: true.", nameof(pooling));
    }

    /// <summary>Appends the pooling that ends a model built without its classifier.</summary>
    public static Sequential Pool(Sequential model, ZooPooling pooling) => pooling switch
    {
        ZooPooling.Average => model.GlobalAveragePooling2D(),
        ZooPooling.Max => model.GlobalMaxPooling2D(),
        _ => model,
    };

    /// <summary>A zoo layer name for a torchvision module path: dots become underscores (<c>layer1.0.conv1</c> → <c>layer1_0_conv1</c>).</summary>
    public static string Tv(string torchvisionPath) => torchvisionPath.Replace('.', '_');
}
