using Kernelwise.Layers;
using Kernelwise.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Layers.Merging;

public class BranchesTests
{
    private static Sequential InceptionNet() => new Sequential(new Shape(3, 12, 12), "net")
        .Branches("mixed",
            b => b.Conv2D(4, 1, name: "b0"),
            b => b.Conv2D(2, 1).Conv2D(6, 3, padding: 1),
            b => b.MaxPooling2D(3, strides: 1, padding: 1).Conv2D(3, 1, name: "pool_proj"))
        .GlobalAveragePooling2D()
        .Dense(2);

    [Fact]
    public void Should_SumTheChannels_When_PathsKeepTheSpatialSize()
    {
        var summary = InceptionNet().Summary();
        var mixed = summary.Rows.Single(r => r.Layer.Name == "mixed");
        Assert.Equal(new Shape(13, 12, 12), mixed.Output);
        // 3·4 + 4 | 3·2 + 2 + 2·6·9 + 6 | 3·3 + 3
        Assert.Equal(16 + 8 + 114 + 12, mixed.Parameters.Trainable);
        Assert.Equal(new[] { "mixed", "branch_0", "b0", "branch_1", "conv2d", "conv2d_1", "branch_2", "max_pooling2d", "pool_proj" },
            summary.Rows.Take(9).Select(r => r.Layer.Name).ToArray());
        Assert.Equal(new[] { 0, 1, 2, 1, 2, 2, 1, 2, 2 }, summary.Rows.Take(9).Select(r => r.Depth).ToArray());
        Assert.Equal(new[] { 3, 3 }, mixed.ReceptiveField); // the widest path
    }

    [Fact]
    public void Should_NameThePathsAndShapes_When_SpatialSizesDiffer()
    {
        var builder = new Sequential(new Shape(3, 12, 12))
            .Branches("mixed", b => b.Conv2D(4, 1), b => b.Conv2D(4, 3));
        var e = Assert.Throws<ModelBuildException>(() => builder.Summary());
        Assert.Equal("mixed", e.LayerName);
        Assert.Equal("Layer 'mixed' (Branches) cannot concatenate its paths along channels for input (None, 3, 12, 12): branch_0 outputs (None, 4, 12, 12) " +
            "but branch_1 outputs (None, 4, 10, 10); every path must keep the same height and width.", e.Message);
    }

    [Fact]
    public void Should_RequireTwoPaths_When_Created()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sequential(new Shape(3, 12, 12)).Branches(b => b.Conv2D(4, 1)));
        Assert.StartsWith("Invalid value for argument paths of Branches. Expected at least 2 paths. Received 1.", e.Message);
    }

    [Fact]
    public void Should_ConcatenateThePathOutputsInOrder_When_RunForward()
    {
        using var model = InceptionNet().Build(ComputeDevice.Cpu);
        var modules = model.Network.named_modules().ToDictionary(m => m.name, m => (nn.Module<Tensor, Tensor>)m.module);
        using var scope = NewDisposeScope();
        var x = randn(2, 3, 12, 12);
        var mixed = modules["mixed"].forward(x);
        Assert.Equal(new long[] { 2, 13, 12, 12 }, mixed.shape);
        var expected = cat(new[] { modules["mixed.branch_0"].forward(x), modules["mixed.branch_1"].forward(x), modules["mixed.branch_2"].forward(x) }, 1);
        Assert.True(mixed.allclose(expected));
        var names = model.Network.state_dict().Keys.ToArray();
        Assert.Contains("mixed.branch_0.b0.weight", names);
        Assert.Contains("mixed.branch_1.conv2d_1.bias", names);
        Assert.Contains("mixed.branch_2.pool_proj.weight", names);
    }
}
