using Kernelwise.Layers;
using Kernelwise.Models;
using Kernelwise.Zoo;

namespace Kernelwise.Tests.Zoo;

/// <summary>
/// Parameter counts of the ImageNet configurations (3×224×224, 1000 classes) against torchvision's
/// <c>sum(p.numel() for p in model.parameters())</c>, from the summary's arithmetic alone (no weights allocated).
/// </summary>
public class ParameterCountTests
{
    public static IEnumerable<object[]> TorchvisionCounts() => new List<object[]>
    {
        new object[] { "alexnet", 61_100_840L },
        new object[] { "vgg11", 132_863_336L },
        new object[] { "vgg13", 133_047_848L },
        new object[] { "vgg16", 138_357_544L },
        new object[] { "vgg19", 143_667_240L },
        new object[] { "vgg11_bn", 132_868_840L },
        new object[] { "vgg13_bn", 133_053_736L },
        new object[] { "vgg16_bn", 138_365_992L },
        new object[] { "vgg19_bn", 143_678_248L },
        new object[] { "googlenet", 6_624_904L },
        new object[] { "resnet18", 11_689_512L },
        new object[] { "resnet34", 21_797_672L },
        new object[] { "resnet50", 25_557_032L },
    };

    internal static Sequential ImageNetModel(string name, int inputSize = 224) => name switch
    {
        "alexnet" => AlexNet.Create(inputSize: inputSize, variant: ZooVariant.ImageNet),
        "googlenet" => GoogLeNet.Create(inputSize: inputSize, variant: ZooVariant.ImageNet),
        "googlenet_aux" => GoogLeNet.Create(inputSize: inputSize, variant: ZooVariant.ImageNet, auxiliaryOutputs: new AuxiliaryOutputs()),
        _ when name.StartsWith("vgg", StringComparison.Ordinal) => Vgg.Create(int.Parse(name[3..5]), batchNorm: name.EndsWith("_bn", StringComparison.Ordinal), inputSize: inputSize, variant: ZooVariant.ImageNet),
        _ when name.StartsWith("resnet", StringComparison.Ordinal) => ResNet.Create(int.Parse(name[6..]), inputSize: inputSize, variant: ZooVariant.ImageNet),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(TorchvisionCounts))]
    public void Should_EqualTorchvisionsParameterCount_When_ImageNetConfiguration(string name, long expected)
    {
        var summary = ImageNetModel(name).Summary();
        Assert.Equal(expected, summary.PyTorchParameterCount);
        Assert.Equal(expected, summary.Totals.Trainable);
        Assert.Equal(new Shape(1000), summary.Rows.Last(r => r.Depth == 0).Output);
    }

    [Fact]
    public void Should_CountTheAuxiliaryHeads_When_GoogLeNetHasThem()
    {
        // torchvision googlenet(aux_logits=True, init_weights=False): 13,004,888 parameters.
        Assert.Equal(13_004_888L, ImageNetModel("googlenet_aux").Summary().PyTorchParameterCount);
    }

    [Fact]
    public void Should_Have61706Parameters_When_LeNet5On32x32()
    {
        Assert.Equal(61_706L, LeNet.LeNet5().Summary().Totals.Total);
        Assert.Equal(61_706L, LeNet.LeNet5(inputSize: 28).Summary().Totals.Total);
    }

    [Fact]
    public void Should_CountNonTrainableRunningStatistics_When_ResNet18()
    {
        // Keras's count adds the running mean and variance (2 per channel of every batch norm).
        var summary = ResNet.Create(18).Summary();
        Assert.Equal(11_689_512L + 9_600L, summary.Totals.Total);
    }
}
