using Kernelwise.Layers;
using Kernelwise.Models;

namespace Kernelwise.Tests.Layers;

public class ModelSummaryTests
{
    /// <summary>A model touching every column: conv, BN, separable, depthwise, pooling, transposed, upsampling, head.</summary>
    private static ModelSummary Chapter() => new Sequential(new Shape(3, 32, 32), "chapter")
        .Conv2D(16, 3, padding: Padding.Same, useBias: false)
        .BatchNormalization()
        .ReLU()
        .SeparableConv2D(32, 3, strides: 2, padding: Padding.Same)
        .DepthwiseConv2D(3, depthMultiplier: 2, dilation: 2, padding: Padding.Same)
        .MaxPooling2D(2)
        .Conv2DTranspose(16, 3, padding: Padding.Same)
        .Conv2DTranspose(8, 4, strides: 2, padding: 1)
        .UpSampling2D()
        .GlobalAveragePooling2D()
        .Dense(10)
        .Softmax()
        .Summary();

    [Fact]
    public void Should_ReportShapesParametersAndMacsPerLayer_When_TheModelMixesTheFamily()
    {
        var s = Chapter();
        var expected = new (string Name, Shape Output, long Params, long Macs)[]
        {
            ("conv2d", new Shape(16, 32, 32), 432, 16L * 32 * 32 * 27),
            ("batch_normalization", new Shape(16, 32, 32), 64, 16L * 32 * 32),
            ("relu", new Shape(16, 32, 32), 0, 0),
            ("separable_conv2d", new Shape(32, 16, 16), 9 * 16 + 16 * 32 + 32, 16L * 16 * 16 * (9 + 32)),
            ("depthwise_conv2d", new Shape(64, 16, 16), 9 * 32 * 2 + 64, 64L * 16 * 16 * 9),
            ("max_pooling2d", new Shape(64, 8, 8), 0, 0),
            ("conv2d_transpose", new Shape(16, 8, 8), 9 * 64 * 16 + 16, 64L * 8 * 8 * 9 * 16),
            ("conv2d_transpose_1", new Shape(8, 16, 16), 16 * 16 * 8 + 8, 16L * 8 * 8 * 16 * 8),
            ("up_sampling2d", new Shape(8, 32, 32), 0, 0),
            ("global_average_pooling2d", new Shape(8), 0, 0),
            ("dense", new Shape(10), 90, 80),
            ("softmax", new Shape(10), 0, 0),
        };
        Assert.Equal(expected.Select(e => e.Name), s.Rows.Select(r => r.Layer.Name));
        Assert.Equal(expected.Select(e => e.Output), s.Rows.Select(r => r.Output));
        Assert.Equal(expected.Select(e => e.Params), s.Rows.Select(r => r.Parameters.Total));
        Assert.Equal(expected.Select(e => e.Macs), s.Rows.Select(r => r.MultiplyAccumulates));
        Assert.Equal(expected.Sum(e => e.Params), s.Totals.Total);
        Assert.Equal(expected.Sum(e => e.Macs), s.MultiplyAccumulates);
        Assert.Equal(s.Totals.Total * 4, s.ParameterBytes);
        Assert.Equal(expected.Sum(e => e.Output.Elements), s.ActivationElements);
        Assert.Equal(s.ActivationElements * 4, s.ActivationBytes);
    }

    [Fact]
    public void Should_TrackReceptiveFieldAndJumpUntilTheFirstUpsamplingLayer_When_Described()
    {
        var s = Chapter();
        var fields = s.Rows.Select(r => r.ReceptiveField is null ? "-" : string.Join("×", r.ReceptiveField)).ToArray();
        var jumps = s.Rows.Select(r => r.Jump is null ? "-" : string.Join("×", r.Jump)).ToArray();
        // 3; BN and ReLU keep it; +2·1 = 5 (jump 2); dilated 3×3 spans 5: +4·2 = 13; pool +1·2 = 15 (jump 4);
        // stride-1 transposed 3×3: +2·4 = 23; then a stride-2 transposed convolution ends the integer arithmetic.
        Assert.Equal(new[] { "3×3", "3×3", "3×3", "5×5", "13×13", "15×15", "23×23", "-", "-", "-", "-", "-" }, fields);
        Assert.Equal(new[] { "1×1", "1×1", "1×1", "2×2", "2×2", "4×4", "4×4", "-", "-", "-", "-", "-" }, jumps);
    }

    [Fact]
    public void Should_RenderEveryColumnTotalsAndTheLegend_When_PrintedAsText()
    {
        string text = Chapter().ToString();
        Assert.StartsWith("Model: \"chapter\"   input (None, 3, 32, 32)", text);
        Assert.Contains("Layer (type)", text);
        Assert.Contains("Receptive field  Jump", text);
        Assert.Contains("separable_conv2d (SeparableConv2D)", text);
        Assert.Matches(@"depthwise_conv2d \(DepthwiseConv2D\)\s+\(None, 64, 16, 16\)\s+640\s+147,456\s+13×13\s+2×2", text);
        Assert.Matches(@"conv2d_transpose_1 \(Conv2DTranspose\)\s+\(None, 8, 16, 16\)\s+2,056\s+131,072\s+-\s+-", text);
        Assert.Contains("Total params: 13,202 (51.57 KB)", text);
        Assert.Contains("Trainable params: 13,170 (51.45 KB)", text);
        Assert.Contains("Non-trainable params: 32 (128 B)", text);
        Assert.Contains("PyTorch parameter count (trainable tensors only): 13,170", text);
        Assert.Contains("Multiply-accumulates per sample: 1,495,120 (1.50 M)", text);
        Assert.Contains("Activations per sample: 89,116 values (348.11 KB)", text);
        Assert.Contains("Receptive field: input pixels (per spatial dimension) that one output unit depends on.", text);
    }

    [Fact]
    public void Should_RenderTheSameContentAsAMarkdownTable_When_AskedForMarkdown()
    {
        string md = Chapter().ToMarkdown();
        var lines = md.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Contains("| Layer (type) | Output Shape | Param # | MACs | Receptive field | Jump |", lines);
        Assert.Contains("|---|---|---:|---:|---|---|", lines);
        Assert.Contains("| depthwise_conv2d (DepthwiseConv2D) | (None, 64, 16, 16) | 640 | 147,456 | 13×13 | 2×2 |", lines);
        Assert.Contains("| up_sampling2d (UpSampling2D) | (None, 8, 32, 32) | 0 | 0 | - | - |", lines);
        Assert.Contains("- Non-trainable params: 32 (128 B)", lines);
        Assert.Equal(12, lines.Count(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| Layer", StringComparison.Ordinal)));
    }

    [Fact]
    public void Should_MatchTheBuiltModulesParameters_When_TheModelIsBuilt()
    {
        var builder = new Sequential(new Shape(2, 16, 16))
            .Conv2D(8, 3, padding: Padding.Same).BatchNormalization().SeparableConv2D(8, 3, depthMultiplier: 2).DepthwiseConv2D(3)
            .Conv2DTranspose(4, 3, strides: 2, outputPadding: 1).LayerNormalization()
            .Reshape([4, -1]).Conv1D(4, 3).Conv1DTranspose(2, 3, strides: 2).GlobalMaxPooling1D(); // rank changes: 2D → 1D → features
        var summary = builder.Summary();
        using var model = builder.Build(ComputeDevice.Cpu);
        Assert.Equal(summary.PyTorchParameterCount, model.Network.parameters().Sum(p => p.numel()));
        Assert.Equal(summary.Totals.Trainable, summary.PyTorchParameterCount);
        using var x = TorchSharp.torch.randn(summary.Input.WithBatch(2));
        model.Network.eval();
        using var y = model.GraphModule.forward(x);
        Assert.Equal(summary.Rows[^1].Output.WithBatch(2), y.shape);
    }
}
