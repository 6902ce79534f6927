using Kernelwise.Data;
using Kernelwise.Layers;
using Kernelwise.Models;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Models.Archive;

/// <summary>Preprocessing inside the model, layer-wise learning rates and ImageNet-style preprocessing metadata travel in the archive.</summary>
public sealed class PreprocessingArchiveTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"kernelwise-archive-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Should_KeepAdaptedStatisticsLayerRatesAndResizeSize_When_SavedAndLoaded()
    {
        using var data = SyntheticData.Blocks(48, seed: 21);
        var normalization = new Kernelwise.Layers.Normalization().Adapt(data);
        manual_seed(21);
        using var model = new Sequential(new Shape(1, 12, 12), "preprocessed")
            .Rescaling(2, offset: -0.1).Add(normalization).RandomFlip(FlipMode.Horizontal).RandomRotation(0.05)
            .Conv2D(4, 3, activation: Activation.ReLU, name: "conv").Flatten().Dense(4, name: "head")
            .Build(ComputeDevice.Cpu)
            .Compile(new Adam(1e-2) { LayerRates = [new LayerRate("conv", 1e-3), new LayerRate("head", 2e-2)] }, new CrossEntropy(), new Accuracy());
        model.Fit(data, epochs: 1, batchSize: 16, verbose: 0);
        model.Metadata = new ModelMetadata { Preprocessing = ImagePreprocessing.ImageNet };
        Directory.CreateDirectory(_folder);
        string path = Path.Combine(_folder, "model.kwmodel");

        model.Save(path, includeOptimizer: true);
        using var loaded = Model.Load(path, ComputeDevice.Cpu);

        using var expected = model.Predict(data);
        using var actual = loaded.Predict(data);
        Assert.True(expected.equal(actual).all().item<bool>(), "the loaded model predicts differently");
        var stats = loaded.Network.state_dict();
        Assert.True(stats["normalization.mean"].equal(model.Network.state_dict()["normalization.mean"]).all().item<bool>());
        Assert.Equal([new LayerRate("conv", 1e-3), new LayerRate("head", 2e-2)], loaded.Optimizer!.LayerRates);
        Assert.Equal([1e-3, 2e-2], loaded.TorchOptimizer!.ParamGroups.Select(g => g.LearningRate)); // the layers before conv hold no parameters
        Assert.Equal(ImagePreprocessing.ImageNet.ResizeSize, loaded.Metadata.Preprocessing!.ResizeSize);
        Assert.Equal(TransformPipeline.ImageNet().ToString(), loaded.Metadata.Preprocessing.ToPipeline().ToString());
    }
}
