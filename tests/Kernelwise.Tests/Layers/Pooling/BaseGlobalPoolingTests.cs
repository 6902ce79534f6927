using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.Layers.LayerTesting;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Layers.Pooling;

public class BaseGlobalPoolingTests
{
    public static IEnumerable<object[]> Layers() => new List<object[]>
    {
        new object[] { (Func<bool, BaseGlobalPooling>)(keep => new GlobalAveragePooling1D(keep)), new Shape(3, 7) },
        new object[] { (Func<bool, BaseGlobalPooling>)(keep => new GlobalAveragePooling2D(keep)), new Shape(3, 5, 6) },
        new object[] { (Func<bool, BaseGlobalPooling>)(keep => new GlobalAveragePooling3D(keep)), new Shape(3, 2, 4, 5) },
        new object[] { (Func<bool, BaseGlobalPooling>)(keep => new GlobalMaxPooling1D(keep)), new Shape(3, 7) },
        new object[] { (Func<bool, BaseGlobalPooling>)(keep => new GlobalMaxPooling2D(keep)), new Shape(3, 5, 6) },
        new object[] { (Func<bool, BaseGlobalPooling>)(keep => new GlobalMaxPooling3D(keep)), new Shape(3, 2, 4, 5) },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void Should_ReduceEveryPositionOfEachChannel_When_Applied(Func<bool, BaseGlobalPooling> create, Shape input)
    {
        foreach (bool keep in new[] { false, true })
        {
            var layer = create(keep);
            var output = layer.ComputeOutputShape(input);
            Assert.Equal(keep ? new Shape(new[] { 3 }.Concat(Enumerable.Repeat(1, input.Rank - 1)).ToArray()) : new Shape(3), output);
            using var model = Build(layer, input);
            using var scope = NewDisposeScope();
            var x = randn(input.WithBatch(2));
            var flat = x.flatten(2);
            var reduced = layer.Kind == PoolingKind.Max ? flat.amax(new long[] { 2 }) : flat.mean(new long[] { 2 });
            AssertClose(reduced.reshape(output.WithBatch(2)), model.GraphModule.forward(x));
        }
    }

    [Fact]
    public void Should_SeeTheWholeInput_When_DescribedInTheSummary()
    {
        var summary = new Sequential(new Shape(1, 12, 10)).Conv2D(4, 3).GlobalMaxPooling2D().Dense(2).Summary();
        Assert.Equal(new[] { 12, 10 }, summary.Rows[1].ReceptiveField); // 3 + (10 − 1), 3 + (8 − 1)
        Assert.Null(summary.Rows[2].ReceptiveField);
        Assert.Equal(new Shape(4), summary.Rows[1].Output);
    }
}
