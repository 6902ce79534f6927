using Kernelwise.Data;
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

    /// <remarks>Global max pooling: the score's gradient flows back only from where each map peaks, so the saliency
    /// concentrates where the evidence is. Behind global average pooling (the Grad-CAM test's model) every active unit
    /// passes gradient back and the raw saliency spreads over the noise — measured at 1.4× the average density on the
    /// square, its peak on the square for none of 32 images — which is why the two tests differ in the pooling.</remarks>
    [Fact]
    public void Should_PeakOnThePlantedSquare_When_TheSquaresPresenceDecidesTheClass()
    {
        Reproducibility.SetSeed(22);
        var (train, _) = GradCamTests.Patches(384, seed: 1);
        var (test, squares) = GradCamTests.Patches(64, seed: 2);
        using var _1 = train;
        using var _2 = test;
        using var model = new Sequential(new Shape(1, 16, 16))
            .Conv2D(8, 3, padding: Padding.Same, activation: Activation.ReLU)
            .Conv2D(8, 3, padding: Padding.Same, activation: Activation.ReLU)
            .GlobalMaxPooling2D()
            .Dense(2)
            .Build(ComputeDevice.Cpu)
            .Compile(new Adam(0.01), new CrossEntropy(), new Accuracy());
        model.Fit(train, epochs: 4, batchSize: 32, seed: 3, verbose: 0);
        var accuracy = model.Evaluate(test)["accuracy"];
        Assert.True(accuracy >= 0.95, $"The model did not learn the task (test accuracy {accuracy}); the saliency check needs a model that did.");

        var positives = Enumerable.Range(0, 64).Where(i => squares[i].Row >= 0).ToArray();
        using var images = test.Inputs.index_select(0, tensor(positives.Select(i => (long)i).ToArray()));
        using var saliency = model.Saliency(images, classIndex: 1);
        Assert.Equal(new long[] { positives.Length, 16, 16 }, saliency.Map.shape);
        var misses = new List<string>();
        double density = 0; // the saliency per pixel on the square, relative to the image's average
        for (int k = 0; k < positives.Length; k++)
        {
            using var map = saliency.Map[k];
            long peak = map.flatten().argmax().item<long>();
            int row = (int)(peak / 16), column = (int)(peak % 16);
            var (sr, sc) = squares[positives[k]];
            if (row < sr || row >= sr + 4 || column < sc || column >= sc + 4) misses.Add($"image {positives[k]}: peak ({row}, {column}), square at ({sr}, {sc})");
            double total = map.sum().item<float>();
            Assert.True(total > 0, $"image {positives[k]}: the saliency is zero everywhere");
            density += map.narrow(0, sr, 4).narrow(1, sc, 4).sum().item<float>() / total * (256.0 / 16) / positives.Length;
        }
        Assert.True(misses.Count <= positives.Length / 10, $"The saliency of class 'square' peaks off the square on {misses.Count} of {positives.Length} images: {string.Join("; ", misses)}");
        Assert.True(density >= 4, $"The square holds {density:0.00}× the average saliency per pixel; expected at least 4×.");
    }
}
