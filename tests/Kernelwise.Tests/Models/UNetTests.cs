using Kernelwise.Data;
using Kernelwise.Layers;
using Kernelwise.Models;
using Kernelwise.Tests.Export;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Models;

/// <summary>
/// A tiny U-Net built as examples/unet.cs builds its own: convolution and pooling down, transposed convolutions up,
/// skip connections by concatenation, one logit per pixel.
/// </summary>
public class UNetTests
{
    private static SymbolicTensor Block(SymbolicTensor x, int filters, string name) => x
        .Conv2D(filters, 3, padding: Padding.Same, activation: Activation.ReLU, name: $"{name}_a")
        .Conv2D(filters, 3, padding: Padding.Same, activation: Activation.ReLU, name: $"{name}_b");

    private static Model TinyUNet(int seed = 1)
    {
        manual_seed(seed);
        var image = new Input(new Shape(1, 28, 28), "image");
        var down1 = Block(image, 4, "down1");
        var down2 = Block(down1.MaxPooling2D(2, name: "pool1"), 8, "down2");
        var bottom = Block(down2.MaxPooling2D(2, name: "pool2"), 16, "bottom");
        var up2 = Block(Merge.Concatenate(bottom.Conv2DTranspose(8, 2, strides: 2, name: "up2_t"), down2), 8, "up2");
        var up1 = Block(Merge.Concatenate(up2.Conv2DTranspose(4, 2, strides: 2, name: "up1_t"), down1), 4, "up1");
        return new Model(image, up1.Conv2D(1, 1, name: "mask"), "tiny_unet", ComputeDevice.Cpu);
    }

    /// <summary>The first <paramref name="count"/> Fashion-MNIST training images with a little noise; targets: the garment mask (clean pixel above 0.1).</summary>
    private static TensorDataset NoisyMasks(int count)
    {
        using var scope = NewDisposeScope();
        var (train, test) = FashionMnist.Load();
        using (train)
        using (test)
        {
            var clean = train.Inputs.narrow(0, 0, count);
            var g = new Generator(7);
            var input = clean + randn(clean.shape, generator: g) * 0.1;
            var mask = clean.gt(0.1).to_type(ScalarType.Float32);
            return new TensorDataset(input.contiguous().DetachFromDisposeScope(), mask.contiguous().DetachFromDisposeScope());
        }
    }

    [Fact]
    public void Should_ShowTheSkipConnections_When_Summarised()
    {
        using var model = TinyUNet();
        Assert.Equal(new Shape(1, 28, 28), model.OutputShape);
        var summary = model.Summary();
        string text = summary.ToString();
        Assert.Contains("Connected to", text);
        var joins = summary.Rows.Where(r => r.Layer is Concatenate).ToList();
        Assert.Equal(2, joins.Count);
        Assert.Equal(new[] { "up2_t", "down2_b" }, joins[0].ConnectedTo); // 8×14×14 up, 8×14×14 from the way down
        Assert.Equal(new[] { "up1_t", "down1_b" }, joins[1].ConnectedTo);
        Assert.Equal(new[] { "down2_b" }, summary.Rows.Single(r => r.Layer.Name == "pool2").ConnectedTo);
        // down1_b feeds both the pooling and the skip connection.
        Assert.Equal(2, summary.Rows.Count(r => r.ConnectedTo?.Contains("down1_b") == true));
    }

    [Fact]
    public void Should_LowerTheLossAndRaiseTheIoU_When_TrainedForAFewSteps()
    {
        using var data = NoisyMasks(32);
        using var model = TinyUNet(seed: 3);
        model.Compile(new Adam(0.01), new BinaryCrossEntropy(), new BinaryAccuracy(), new BinaryIoU(targetClassIds: new[] { 1 }));
        var before = model.Evaluate(data, batchSize: 32);
        var history = model.Fit(data, epochs: 8, batchSize: 8, seed: 4, verbose: 0); // 32 steps
        var after = model.Evaluate(data, batchSize: 32);
        string trace = $"loss {before["loss"]:0.0000} → {after["loss"]:0.0000}, IoU {before["binary_iou_1"]:0.0000} → {after["binary_iou_1"]:0.0000}, accuracy {before["binary_accuracy"]:0.0000} → {after["binary_accuracy"]:0.0000}";
        Assert.True(after["loss"] < 0.6 * before["loss"], trace);
        Assert.True(after["binary_iou_1"] > before["binary_iou_1"] + 0.2, trace);
        Assert.True(after["binary_accuracy"] > 0.8, trace);
        Assert.True(history["loss"][^1] < history["loss"][0]);
    }

    [Fact]
    public void Should_LoadWithNoCode_When_SavedAsAnArchiveWithItsSegmentationMetrics()
    {
        string path = Path.Combine(Path.GetTempPath(), $"kw-unet-{Guid.NewGuid():N}.kwmodel");
        try
        {
            using var model = TinyUNet(seed: 6);
            model.Compile(new Adam(0.01), new BinaryCrossEntropy(), new BinaryAccuracy(threshold: 0.4), new BinaryIoU(targetClassIds: new[] { 1 }, threshold: 0.6));
            model.Save(path);
            using var loaded = Model.Load(path, ComputeDevice.Cpu);
            Assert.Equal(new[] { "binary_accuracy", "binary_iou_1" }, loaded.Metrics.Select(m => m.Name));
            Assert.Equal(0.4, ((BinaryAccuracy)loaded.Metrics[0]).Threshold);
            var iou = (BinaryIoU)loaded.Metrics[1];
            Assert.Equal(new[] { 1 }, iou.TargetClassIds);
            Assert.Equal(0.6, iou.Threshold);
            Assert.Equal(2, loaded.Summary().Rows.Count(r => r.Layer is Concatenate));
            model.GraphModule.eval();
            loaded.GraphModule.eval();
            using var x = randn(2, 1, 28, 28);
            using var expected = model.Predict(x);
            using var actual = loaded.Predict(x);
            Assert.True(actual.allclose(expected, rtol: 0, atol: 0));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Should_GiveOnnxRuntimesMasks_When_Exported()
    {
        using var model = TinyUNet(seed: 5);
        model.GraphModule.eval();
        OnnxTesting.AssertMatchesOnnxRuntime(model);
    }
}
