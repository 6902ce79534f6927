using Kernelwise.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Kernelwise.Tests.Data.Transforms;

public class TransformPipelineTests
{
    [Fact]
    public void Should_ReturnANewPipelineWithEachStep_When_BuiltFluently()
    {
        var empty = new TransformPipeline();
        var p = empty.Resize(32).CenterCrop(28).RandomHorizontalFlip().ToTensor().Normalize(new[] { 0.5 }, new[] { 0.5 });
        Assert.Empty(empty.Steps);
        Assert.Equal(new[] { typeof(Resize), typeof(CenterCrop), typeof(RandomHorizontalFlip), typeof(ToTensor), typeof(Normalize) }, p.Steps.Select(s => s.GetType()));
        Assert.True(p.IsRandom);
        Assert.Equal("Compose(Resize(size=32, interpolation=Bilinear), CenterCrop(size=(28, 28)), RandomHorizontalFlip(p=0.5), ToTensor(), Normalize(mean=[0.5], std=[0.5]))", p.ToString());
    }

    [Fact]
    public void Should_RefuseTensorStepsBeforeToTensorAndImageStepsAfterIt_When_Built()
    {
        var before = Assert.Throws<ArgumentException>(() => new TransformPipeline().Normalize(new[] { 0.5 }, new[] { 0.5 }));
        Assert.Contains("works on tensors", before.Message);
        Assert.Contains("Add .ToTensor() before it", before.Message);
        var after = Assert.Throws<ArgumentException>(() => new TransformPipeline().ToTensor().RandomVerticalFlip());
        Assert.Contains("RandomVerticalFlip(p=0.5) works on images", after.Message);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => new TransformPipeline().ToTensor().ToTensor()).Message);
    }

    [Fact]
    public void Should_ProduceAFloatTensorInTheNormalizedRange_When_Applied()
    {
        using var image = new Image<Rgb24>(40, 30, new Rgb24(255, 0, 128));
        var p = new TransformPipeline().Resize(16).CenterCrop(16).ToTensor().Normalize(new[] { 0.5, 0.5, 0.5 }, new[] { 0.5, 0.5, 0.5 });
        using var t = p.Apply(image);
        Assert.Equal(new long[] { 3, 16, 16 }, t.shape);
        Assert.Equal(1f, t[0].mean().item<float>(), 4);
        Assert.Equal(-1f, t[1].mean().item<float>(), 4);
        Assert.Equal(new Rgb24(255, 0, 128), image[0, 0]); // the input is left alone
    }

    [Fact]
    public void Should_DrawTheSameForTheSameSampleAndDifferentlyForOthers_When_Random()
    {
        using var image = new Image<Rgb24>(32, 32);
        for (int y = 0; y < 32; y++) for (int x = 0; x < 32; x++) image[x, y] = new Rgb24((byte)(x * 8), (byte)(y * 8), 0);
        var p = new TransformPipeline().RandomResizedCrop(16, 16).RandomHorizontalFlip().ColorJitter(0.3, 0.3, 0.3, 0.1);
        using var a = p.Apply(image, seed: 1, epoch: 2, index: 3);
        using var b = p.Apply(image, seed: 1, epoch: 2, index: 3);
        using var c = p.Apply(image, seed: 1, epoch: 2, index: 4);
        using var d = p.Apply(image, seed: 1, epoch: 3, index: 3);
        Assert.True(a.equal(b).all().item<bool>());
        Assert.False(a.equal(c).all().item<bool>());
        Assert.False(a.equal(d).all().item<bool>());
    }
}
