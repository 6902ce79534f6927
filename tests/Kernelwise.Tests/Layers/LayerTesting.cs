using Kernelwise.Layers;
using Kernelwise.Models;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Layers;

/// <summary>Helpers for single-layer tests: build, read weights, draw random configurations, compare with references.</summary>
internal static class LayerTesting
{
    /// <summary>Builds a one-layer model on the CPU, in evaluation mode.</summary>
    public static Model Build(Layer layer, Shape input)
    {
        var model = new Sequential(input).Add(layer).Build(ComputeDevice.Cpu);
        model.Network.eval();
        return model;
    }

    /// <summary>The parameter named <paramref name="suffix"/> (e.g. "weight", "pointwise.bias") of the model's only layer.</summary>
    public static Tensor Parameter(Model model, string suffix)
        => model.Network.named_parameters().Single(p => p.name.EndsWith("." + suffix, StringComparison.Ordinal)).parameter;

    /// <summary>The number of values in the model's parameters, as PyTorch counts them.</summary>
    public static long ParameterCount(Model model) => model.Network.parameters().Sum(p => p.numel());

    /// <summary>Draws <paramref name="rank"/> integers in [min, max].</summary>
    public static int[] Draw(this Random rng, int rank, int min, int max) => Enumerable.Range(0, rank).Select(_ => rng.Next(min, max + 1)).ToArray();

    /// <summary>A SpatialSize from per-dimension values.</summary>
    public static SpatialSize Size(int[] values) => new(values);

    /// <summary>A shape (channels, *spatial).</summary>
    public static Shape ShapeOf(int channels, int[] spatial) => new(new[] { channels }.Concat(spatial).ToArray());

    /// <summary>Product of the values.</summary>
    public static long Product(this int[] values) => values.Aggregate(1L, (a, v) => a * v);

    /// <summary>The values as longs.</summary>
    public static long[] L(this int[] values) => values.Select(v => (long)v).ToArray();

    /// <summary>Asserts equal shapes and values within an absolute plus relative tolerance, printing the largest difference.</summary>
    public static void AssertClose(Tensor expected, Tensor actual, double tolerance = 1e-5)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var diff = (expected - actual).abs().max();
        using var scale = expected.abs().max();
        double d = diff.item<float>();
        double allowed = tolerance * (1 + scale.item<float>());
        Assert.True(d <= allowed, $"largest difference {d} exceeds {allowed}");
    }

    /// <summary>libtorch's functional convolution of any rank with symmetric padding.</summary>
    public static Tensor Conv(int rank, Tensor x, Tensor w, Tensor? b, int[] s, int[] p, int[] d, int g) => rank switch
    {
        1 => nn.functional.conv1d(x, w, b, s[0], p[0], d[0], g),
        2 => nn.functional.conv2d(x, w, b, s.L(), p.L(), d.L(), g),
        _ => nn.functional.conv3d(x, w, b, s.L(), p.L(), d.L(), g),
    };

    /// <summary>libtorch's functional transposed convolution of any rank.</summary>
    public static Tensor ConvTranspose(int rank, Tensor x, Tensor w, Tensor? b, int[] s, int[] p, int[] op, int[] d, int g) => rank switch
    {
        1 => nn.functional.conv_transpose1d(x, w, b, s[0], p[0], op[0], d[0], g),
        2 => nn.functional.conv_transpose2d(x, w, b, s.L(), p.L(), op.L(), d.L(), g),
        _ => nn.functional.conv_transpose3d(x, w, b, s.L(), p.L(), op.L(), d.L(), g),
    };

    /// <summary>F.pad pairs (last dimension first) from per-dimension (before, after) amounts.</summary>
    public static long[] PadPairs(int[] before, int[] after)
    {
        int rank = before.Length;
        var pairs = new long[2 * rank];
        for (int i = 0; i < rank; i++)
        {
            pairs[2 * i] = before[rank - 1 - i];
            pairs[2 * i + 1] = after[rank - 1 - i];
        }
        return pairs;
    }
}
