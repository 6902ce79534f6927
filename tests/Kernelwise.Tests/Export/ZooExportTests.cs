using Kernelwise.Layers;
using Kernelwise.Models;
using Kernelwise.Zoo;

namespace Kernelwise.Tests.Export;

/// <summary>Every zoo architecture at a small input size, exported and run in ONNX Runtime against Kernelwise (batches 1 and 7).</summary>
public class ZooExportTests
{
    private static readonly Dictionary<string, Func<Sequential>> Models = new()
    {
        ["lenet5_28"] = () => LeNet.LeNet5(inputSize: 28),
        ["alexnet_small_32"] = () => AlexNet.Create(numClasses: 10, inputSize: 32, variant: ZooVariant.SmallImages),
        ["vgg11_bn_small_16"] = () => Vgg.Create(11, batchNorm: true, numClasses: 10, inputSize: 16, variant: ZooVariant.SmallImages),
        ["googlenet_small_16_auxiliary"] = () => GoogLeNet.Create(numClasses: 10, inputSize: 16, variant: ZooVariant.SmallImages, auxiliaryOutputs: new AuxiliaryOutputs()),
        ["resnet18_small_16_width16"] = () => ResNet.Create(18, numClasses: 10, inputSize: 16, variant: ZooVariant.SmallImages, width: 16),
        ["resnet50_imagenet_64_width8"] = () => ResNet.Create(50, numClasses: 10, inputSize: 64, variant: ZooVariant.ImageNet, width: 8),
    };

    public static TheoryData<string> Names => new(Models.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Should_MatchKernelwise_When_ZooModelIsRunInOnnxRuntime(string name)
    {
        using var model = OnnxTesting.Build(Models[name]());
        OnnxTesting.AssertMatchesOnnxRuntime(model);
    }
}
