using Kernelwise.Data;
using Kernelwise.Layers;
using CenterCrop = Kernelwise.Layers.CenterCrop;
using RandomCrop = Kernelwise.Layers.RandomCrop;
using RandomRotation = Kernelwise.Layers.RandomRotation;

namespace Kernelwise.Tests.Export.Converters;

/// <summary>Preprocessing layers export as their computation; augmentation layers as their inference behaviour (the identity, RandomCrop's centre window).</summary>
public class PreprocessingConvertersTests
{
    private static readonly OnnxCases Cases = new OnnxCases()
        .Add("rescaling", new Shape(2, 4, 4), () => new Layer[] { new Rescaling(1 / 255.0), new Conv2D(2, 3) })
        .Add("rescaling_offset", new Shape(3), () => new Layer[] { new Rescaling(1 / 127.5, -1) })
        .Add("normalization", new Shape(3, 4, 5), () => new Layer[] { new Normalization(new[] { 0.5, -1, 2 }, new[] { 0.25, 4, 0.5 }), new Conv2D(2, 1) })
        .Add("normalization_inverted_last_axis", new Shape(2, 3, 4), () => new Layer[] { new Normalization(new[] { 0.1, 0.2, 0.3, 0.4 }, new[] { 1, 2, 3, 4.0 }, axis: 2, invert: true) })
        .Add("resizing_bilinear_down", new Shape(2, 9, 11), () => new Layer[] { new Resizing(4, 5) })
        .Add("resizing_bilinear_up", new Shape(2, 3, 4), () => new Layer[] { new Resizing(7, 9) })
        .Add("resizing_nearest", new Shape(2, 5, 7), () => new Layer[] { new Resizing(8, 3, Interpolation.Nearest) })
        .Add("resizing_bicubic", new Shape(1, 6, 6), () => new Layer[] { new Resizing(9, 4, Interpolation.Bicubic) })
        .Add("resizing_crop_to_aspect_ratio", new Shape(2, 6, 10), () => new Layer[] { new Resizing(4, 4, cropToAspectRatio: true), new Conv2D(2, 3) })
        .Add("center_crop", new Shape(2, 7, 8), () => new Layer[] { new CenterCrop(4, 5), new Conv2D(2, 3) })
        .Add("random_crop_same_size", new Shape(2, 6, 6), () => new Layer[] { new RandomCrop(6, 6, padding: 2) })
        .Add("random_crop_smaller", new Shape(2, 7, 6), () => new Layer[] { new RandomCrop(4, 4) })
        .Add("augmentation_identity", new Shape(2, 8, 8), () => new Layer[]
        {
            new RandomFlip(), new RandomRotation(0.2), new RandomTranslation(0.1, 0.1), new RandomZoom(0.2), new Conv2D(2, 3),
        });

    public static TheoryData<string> Names => Cases.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void Should_MatchKernelwise_When_LayerIsRunInOnnxRuntime(string name) => Cases.AssertMatches(name);
}
