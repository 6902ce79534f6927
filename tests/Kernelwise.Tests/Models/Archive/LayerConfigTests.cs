using System.Text.Json.Nodes;
using Kernelwise.Layers;
using Kernelwise.Models;

namespace Kernelwise.Tests.Models.Archive;

/// <summary>Every layer's configuration round-trips exactly through the archive's JSON.</summary>
public class LayerConfigTests
{
    /// <summary>One instance of every archivable layer type, with arguments other than the defaults where possible.</summary>
    public static IEnumerable<Layer> Instances()
    {
        yield return new Dense(7, Activation.GELU, useBias: false, name: "d");
        yield return new Flatten("f");
        yield return new Dropout(0.3, "drop");
        yield return new SpatialDropout2D(0.2);
        yield return new ActivationLayer(Activation.LeakyReLU, alpha: 0.2);
        yield return new Conv1D(4, 3, strides: 2, padding: Padding.Same, dilation: 1, groups: 2, activation: Activation.Tanh, useBias: false);
        yield return new Conv2D(6, (3, 5), strides: (1, 2), padding: (1, 2), dilation: (2, 1), groups: 3, activation: Activation.ReLU, useBias: false,
            implementation: ConvolutionImplementation.Explicit);
        yield return new Conv3D(4, 3, padding: Padding.Same, activation: Activation.SiLU);
        yield return new Conv1DTranspose(4, 3, strides: 2, padding: 1, outputPadding: 1);
        yield return new Conv2DTranspose(5, 4, strides: 2, padding: Padding.Valid, activation: Activation.Sigmoid);
        yield return new Conv3DTranspose(2, 2, strides: 2);
        yield return new DepthwiseConv2D(3, strides: 2, padding: Padding.Same, depthMultiplier: 2, useBias: false);
        yield return new SeparableConv2D(8, 3, padding: 1, depthMultiplier: 2, activation: Activation.ELU);
        yield return new MaxPooling1D(3, 2, Padding.Same);
        yield return new MaxPooling2D((2, 3), (1, 2), 1);
        yield return new MaxPooling3D(2);
        yield return new AveragePooling1D(2);
        yield return new AveragePooling2D(3, 2, Padding.Same);
        yield return new AveragePooling3D(2, 1);
        yield return new GlobalAveragePooling1D(keepDims: true);
        yield return new GlobalAveragePooling2D();
        yield return new GlobalAveragePooling3D();
        yield return new GlobalMaxPooling1D();
        yield return new GlobalMaxPooling2D(keepDims: true);
        yield return new GlobalMaxPooling3D();
        yield return new AdaptiveAveragePooling1D(5);
        yield return new AdaptiveAveragePooling2D((3, 4));
        yield return new AdaptiveAveragePooling3D(2);
        yield return new BatchNormalization(momentum: 0.9, epsilon: 1e-3);
        yield return new LayerNormalization(NormalizationAxes.Channels, epsilon: 1e-4);
        yield return new Reshape(new[] { 2, -1 });
        yield return new UpSampling2D((2, 3), UpSamplingInterpolation.Bilinear);
        yield return new ZeroPadding2D((1, 2), (3, 4));
        yield return new Residual(new LayerStack("main").Add(new Conv2D(4, 3, padding: 1)).Add(new BatchNormalization()),
            new LayerStack("shortcut").Add(new Conv2D(4, 1)), Activation.ReLU);
        yield return new Branches(new[] { new LayerStack("a").Add(new Conv2D(2, 1)), new LayerStack("b") });
        yield return new AuxiliaryOutput(new LayerStack("head").Add(new Flatten()).Add(new Dense(3)), new AuxiliaryOutputs());
        yield return new Add();
        yield return new Subtract();
        yield return new Multiply();
        yield return new Average();
        yield return new Maximum();
        yield return new Concatenate(-1);
        yield return new Rescaling(1 / 255.0, offset: -0.5);
        yield return new Kernelwise.Layers.Normalization(new[] { 0.5, 0.25 }, new[] { 1.0, 2.0 }, axis: 0, invert: true);
        yield return new Kernelwise.Layers.Normalization();
        yield return new Resizing(7, 9, Kernelwise.Data.Interpolation.Nearest, cropToAspectRatio: true);
        yield return new Kernelwise.Layers.CenterCrop(3, 4);
        yield return new RandomFlip(FlipMode.Vertical);
        yield return new Kernelwise.Layers.RandomRotation(0.1, FillMode.Constant, Kernelwise.Data.Interpolation.Nearest, fillValue: 0.5);
        yield return new RandomTranslation(0.2, 0.1, FillMode.Nearest);
        yield return new RandomZoom(0.3, widthFactor: 0.2);
        yield return new RandomZoom(0.1);
        yield return new Kernelwise.Layers.RandomCrop(24, 20, padding: 4);
    }

    public static TheoryData<string> Names() => new(Instances().Select(l => l.GetType().Name).Distinct());

    private static ConfigSerializer Serializer() => new() { Fail = m => new InvalidDataException(m) };

    [Theory]
    [MemberData(nameof(Names))]
    public void Should_RebuildTheSameConfiguration_When_ALayerIsWrittenAndRead(string type)
    {
        var layer = Instances().First(l => l.GetType().Name == type);
        var json = Serializer().Write(layer, type);
        var text = json.ToJsonString();
        var rebuilt = Serializer().Read<Layer>(JsonNode.Parse(text), type);
        Assert.Equal(layer.GetType(), rebuilt.GetType());
        Assert.Equal(text, Serializer().Write(rebuilt, type).ToJsonString());
    }

    [Fact]
    public void Should_CoverEveryLayerTypeAnArchiveCanHold_When_ListingInstances()
    {
        var covered = Instances().Select(l => l.GetType()).ToHashSet();
        var archivable = typeof(Layer).Assembly.GetExportedTypes()
            .Where(t => !t.IsAbstract && typeof(Layer).IsAssignableFrom(t) && t != typeof(Branch) && t != typeof(Lambda));
        Assert.Empty(archivable.Where(t => !covered.Contains(t)).Select(t => t.Name));
    }

    [Fact]
    public void Should_NameTheLayerTheArgumentAndTheValue_When_AConfigurationIsWrong()
    {
        var e = Assert.Throws<InvalidDataException>(() => Serializer().Read<Layer>(JsonNode.Parse("""{"type":"Dense","config":{"units":"ten"}}"""), "layer 3"));
        Assert.Equal("layer 3 (Dense), argument 'units' must be an integer in the 32-bit range; found \"ten\".", e.Message);
        var unknown = Assert.Throws<InvalidDataException>(() => Serializer().Read<Layer>(JsonNode.Parse("""{"type":"System.IO.File","config":{}}"""), "layer 0"));
        Assert.StartsWith("layer 0 has type 'System.IO.File', which this program does not know.", unknown.Message);
        var invalid = Assert.Throws<InvalidDataException>(() => Serializer().Read<Layer>(JsonNode.Parse("""{"type":"Dense","config":{"units":0}}"""), "layer 1"));
        Assert.StartsWith("layer 1 (Dense) cannot be rebuilt from its configuration: Invalid value for argument units", invalid.Message);
        var extra = Assert.Throws<InvalidDataException>(() => Serializer().Read<Layer>(JsonNode.Parse("""{"type":"Flatten","config":{"name":"f","exec":"rm -rf /"}}"""), "layer 2"));
        Assert.Contains("unknown argument 'exec'", extra.Message);
        var activation = Assert.Throws<InvalidDataException>(() => Serializer().Read<Layer>(JsonNode.Parse("""{"type":"Dense","config":{"units":2,"activation":"7"}}"""), "layer 4"));
        Assert.Contains("is '7', which is not one of Linear, ReLU", activation.Message);
    }
}
