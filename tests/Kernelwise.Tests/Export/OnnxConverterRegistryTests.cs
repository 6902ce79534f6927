using Kernelwise.Export;
using Kernelwise.Layers;

namespace Kernelwise.Tests.Export;

public class OnnxConverterRegistryTests
{
    [Fact]
    public void Should_HaveAConverter_When_ALayerTypeIsPartOfKernelwise()
    {
        var layerTypes = typeof(Layer).Assembly.GetTypes()
            .Where(t => t.IsPublic && !t.IsAbstract && typeof(Layer).IsAssignableFrom(t))
            .Where(t => t != typeof(Lambda)) // holds a delegate: nothing to convert, and export says so
            .ToList();

        var missing = layerTypes.Where(t => OnnxConverterRegistry.Default.Find(t) is null).Select(t => t.FullName).ToList();

        Assert.True(layerTypes.Count >= 37, $"only {layerTypes.Count} layer types found");
        Assert.True(missing.Count == 0, "layers without an ONNX converter: " + string.Join(", ", missing));
    }

    [Fact]
    public void Should_MatchExactTypesOnly_When_LookingUpAConverter()
    {
        Assert.NotNull(OnnxConverterRegistry.Default.Find(typeof(Conv2D)));
        Assert.Null(OnnxConverterRegistry.Default.Find(typeof(BaseConv)));
        Assert.Null(OnnxConverterRegistry.Default.Find(typeof(Layer)));
    }
}
