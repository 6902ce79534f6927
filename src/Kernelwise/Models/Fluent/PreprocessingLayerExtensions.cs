using Kernelwise.Data;
using Kernelwise.Layers;

namespace Kernelwise.Models;

/// <summary>
/// Fluent builder methods for preprocessing layers (Rescaling, Normalization, Resizing, CenterCrop) and augmentation
/// layers (RandomFlip, RandomRotation, RandomTranslation, RandomZoom, RandomCrop), which put the input pipeline inside the
/// model so it travels with it. Augmentation acts in training only. Each returns the builder.
/// </summary>
public static class PreprocessingLayerExtensions
{
    /// <summary>Appends a <see cref="Layers.Rescaling"/> layer: <c>x · scale + offset</c>.</summary>
    public static T Rescaling<T>(this ILayerChain<T> model, double scale, double offset = 0, string? name = null) where T : ILayerChain<T>
        => model.Then(new Rescaling(scale, offset, name));

    /// <summary>Appends a <see cref="Layers.Normalization"/> layer with given statistics (to adapt to data, create the layer, call <c>Adapt</c>, then <c>Then(layer)</c>).</summary>
    public static T Normalization<T>(this ILayerChain<T> model, double[]? mean = null, double[]? variance = null, int axis = 0, bool invert = false, string? name = null)
        where T : ILayerChain<T>
        => model.Then(new Normalization(mean, variance, axis, invert, name));

    /// <summary>Appends a <see cref="Layers.Resizing"/> layer: (C, H, W) → (C, height, width).</summary>
    public static T Resizing<T>(this ILayerChain<T> model, int height, int width, Interpolation interpolation = Interpolation.Bilinear, bool cropToAspectRatio = false,
        string? name = null) where T : ILayerChain<T>
        => model.Then(new Resizing(height, width, interpolation, cropToAspectRatio, name));

    /// <summary>Appends a <see cref="Layers.CenterCrop"/> layer: (C, H, W) → (C, height, width).</summary>
    public static T CenterCrop<T>(this ILayerChain<T> model, int height, int width, string? name = null) where T : ILayerChain<T>
        => model.Then(new Layers.CenterCrop(height, width, name));

    /// <summary>Appends a <see cref="Layers.RandomFlip"/> layer (training only).</summary>
    public static T RandomFlip<T>(this ILayerChain<T> model, FlipMode mode = FlipMode.HorizontalAndVertical, string? name = null) where T : ILayerChain<T>
        => model.Then(new RandomFlip(mode, name));

    /// <summary>Appends a <see cref="Layers.RandomRotation"/> layer (training only): angles up to ±factor of a full turn.</summary>
    public static T RandomRotation<T>(this ILayerChain<T> model, double factor, FillMode fillMode = FillMode.Reflect, Interpolation interpolation = Interpolation.Bilinear,
        double fillValue = 0, string? name = null) where T : ILayerChain<T>
        => model.Then(new Layers.RandomRotation(factor, fillMode, interpolation, fillValue, name));

    /// <summary>Appends a <see cref="Layers.RandomTranslation"/> layer (training only): shifts up to the given fractions of height and width.</summary>
    public static T RandomTranslation<T>(this ILayerChain<T> model, double heightFactor, double widthFactor, FillMode fillMode = FillMode.Reflect,
        Interpolation interpolation = Interpolation.Bilinear, double fillValue = 0, string? name = null) where T : ILayerChain<T>
        => model.Then(new RandomTranslation(heightFactor, widthFactor, fillMode, interpolation, fillValue, name));

    /// <summary>Appends a <see cref="Layers.RandomZoom"/> layer (training only): zooms by up to ±heightFactor.</summary>
    public static T RandomZoom<T>(this ILayerChain<T> model, double heightFactor, double? widthFactor = null, FillMode fillMode = FillMode.Reflect,
        Interpolation interpolation = Interpolation.Bilinear, double fillValue = 0, string? name = null) where T : ILayerChain<T>
        => model.Then(new RandomZoom(heightFactor, widthFactor, fillMode, interpolation, fillValue, name));

    /// <summary>Appends a <see cref="Layers.RandomCrop"/> layer: a random window in training (after zero padding), the centre window otherwise.</summary>
    public static T RandomCrop<T>(this ILayerChain<T> model, int height, int width, int padding = 0, string? name = null) where T : ILayerChain<T>
        => model.Then(new Layers.RandomCrop(height, width, padding, name));
}
