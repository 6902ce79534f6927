using Kernelwise.Models;
using Kernelwise.Vision;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Vision;

/// <summary>Gradient saliency: the largest absolute gradient of the class score over each pixel's channels.</summary>
public class SaliencyTests
{
    [Fact]
    public void Should_BeTheLargestAbsoluteWeightOverTheChannels_When_TheModelIsLinear()
    {
        manual_seed(31);
        using var model = new Sequential(new Shape(2, 3, 3)).Flatten().Dense(4, name: "scores").Build(ComputeDevice.Cpu);
        using var images = randn(3, 2, 3, 3);
        using var saliency = model.Saliency(images, classIndex: 1);
        // y₁ = W[1] · flatten(x) + b: ∂y₁/∂x[c, i, j] = W[1, c·9 + i·3 + j], whatever the image.
        using var w = model.Network.state_dict()["scores.weight"][1].reshape(2, 3, 3);
        using var expected = w.abs().amax(new long[] { 0 });
        Assert.Equal(new long[] { 3, 3, 3 }, saliency.Map.shape);
        for (int n = 0; n < 3; n++) Assert.True(saliency.Map[n].allclose(expected, 1e-5, 1e-7), $"image {n}");
        Assert.Equal(new[] { 1, 1, 1 }, saliency.Classes);
    }

    [Fact]
    public void Should_ExplainThePredictedClass_When_NoClassIsGiven()
    {
        manual_seed(32);
        using var model = new Sequential(new Shape(1, 4, 4)).Conv2D(2, 3, activation: Activation.ReLU).Flatten().Dense(3).Build(ComputeDevice.Cpu);
        using var images = rand(5, 1, 4, 4);
        using var logits = model.Predict(images);
        using var saliency = model.Saliency(images);
        Assert.Equal(logits.argmax(1).data<long>().Select(v => (int)v).ToArray(), saliency.Classes);
        for (int n = 0; n < 5; n++) Assert.Equal(logits[n, saliency.Classes[n]].item<float>(), saliency.Scores[n], 5);
    }
}
