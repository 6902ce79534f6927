using Kernelwise.Layers;
using Kernelwise.Models;
using Kernelwise.Zoo;

namespace Kernelwise.Tests.Chapter;

/// <summary>
/// The arithmetic of the chapter's architectures: VGG-16's receptive field layer by layer
/// (examples/chapter/receptive-field-vgg16.cs), the cost of an Inception-v1 module against a plain 5×5 convolution
/// (inception-module.cs), and where AlexNet's parameters and multiply-adds sit (alexnet-parameters.cs).
/// </summary>
public class ArchitectureArithmeticTests
{
    [Fact]
    public void Should_GrowTheReceptiveFieldTo212_When_WalkingThroughVgg16()
    {
        var rows = ModelZoo.Vgg16(variant: ZooVariant.ImageNet).Summary().Rows
            .Where(r => r.Depth == 0 && (r.Layer.TypeName == "Conv2D" || r.Layer.TypeName == "MaxPooling2D")).ToList();
        // r ← r + (k − 1)·j, j ← j·s: +2·j per 3×3 convolution, +1·j and j doubled per 2×2/2 pooling.
        int[] fields = { 3, 5, 6, 10, 14, 16, 24, 32, 40, 44, 60, 76, 92, 100, 132, 164, 196, 212 };
        int[] jumps = { 1, 1, 2, 2, 2, 4, 4, 4, 4, 8, 8, 8, 8, 16, 16, 16, 16, 32 };
        Assert.Equal(fields, rows.Select(r => r.ReceptiveField![0]));
        Assert.Equal(jumps, rows.Select(r => r.Jump![0]));
        Assert.All(rows, r => Assert.Equal(r.ReceptiveField![0], r.ReceptiveField[1]));
    }

    private static Sequential Inception3a() => new Sequential(new Shape(192, 28, 28)).Branches(
        p => p.Conv2D(64, 1, activation: Activation.ReLU),
        p => p.Conv2D(96, 1, activation: Activation.ReLU).Conv2D(128, 3, padding: Padding.Same, activation: Activation.ReLU),
        p => p.Conv2D(16, 1, activation: Activation.ReLU).Conv2D(32, 5, padding: Padding.Same, activation: Activation.ReLU),
        p => p.MaxPooling2D(3, strides: 1, padding: Padding.Same).Conv2D(32, 1, activation: Activation.ReLU));

    [Fact]
    public void Should_CostSevenAndAHalfTimesLessThanAPlain5x5Convolution_When_TheModuleIsInception3a()
    {
        var module = Inception3a().Summary();
        long weights = 192 * 64 + 192 * 96 + 9 * 96 * 128 + 192 * 16 + 25 * 16 * 32 + 192 * 32;
        Assert.Equal(new Shape(256, 28, 28), module.Rows[0].Output);
        Assert.Equal(weights + 64 + 96 + 128 + 16 + 32 + 32, module.Totals.Total); // 163,696
        Assert.Equal(784L * weights, module.MultiplyAccumulates);                  // 128,049,152
        var plain = new Sequential(new Shape(192, 28, 28)).Conv2D(256, 5, padding: Padding.Same).Summary();
        Assert.Equal(784L * 25 * 192 * 256, plain.MultiplyAccumulates);             // 963,379,200
        Assert.InRange((double)plain.MultiplyAccumulates / module.MultiplyAccumulates, 7.5, 7.6);
    }

    [Fact]
    public void Should_CutThe5x5PathTenfold_When_A1x1ReductionTo16ChannelsComesFirst()
    {
        var direct = new Sequential(new Shape(192, 28, 28)).Conv2D(32, 5, padding: Padding.Same).Summary();
        var reduced = new Sequential(new Shape(192, 28, 28)).Conv2D(16, 1).Conv2D(32, 5, padding: Padding.Same).Summary();
        Assert.Equal(120_422_400L, direct.MultiplyAccumulates);  // 784·(5·5·192)·32
        Assert.Equal(12_443_648L, reduced.MultiplyAccumulates);  // 784·192·16 + 784·(5·5·16)·32
    }

    [Fact]
    public void Should_KeepMostWeightsInTheDenseLayersAndMostArithmeticInTheConvolutions_When_AlexNet()
    {
        var rows = ModelZoo.AlexNet(variant: ZooVariant.ImageNet).Summary().Rows.Where(r => r.Depth == 0).ToList();
        var conv = rows.Where(r => r.Layer.TypeName == "Conv2D").ToList();
        var dense = rows.Where(r => r.Layer.TypeName == "Dense").ToList();
        Assert.Equal(5, conv.Count);
        Assert.Equal(2_469_696L, conv.Sum(r => r.Parameters.Total));
        Assert.Equal(58_631_144L, dense.Sum(r => r.Parameters.Total));
        Assert.Equal(655_566_528L, conv.Sum(r => r.MultiplyAccumulates));
        Assert.Equal(58_621_952L, dense.Sum(r => r.MultiplyAccumulates));
        Assert.Equal(11 * 11 * 3 * 64 + 64, conv[0].Parameters.Total);
        Assert.Equal(new Shape(64, 55, 55), conv[0].Output);
    }
}
