using Kernelwise;
using Kernelwise.Data;
using Kernelwise.Layers;
using TorchSharp;
using Kernelwise.Models;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Models;

/// <summary>
/// What docs/training.md says works without mixed-precision training: a trained network converted to float16 or
/// bfloat16 for inference, and such weights saved and loaded back into a float32 model.
/// </summary>
public class ReducedPrecisionTests
{
    /// <summary>A small conv/batch-norm/dense net, fitted for eight epochs so its batch-norm statistics are its own.</summary>
    private static Model Trained(TensorDataset data)
    {
        manual_seed(21);
        var model = new Sequential(new Shape(1, 12, 12), "half_net")
            .Conv2D(8, 3, padding: Padding.Same, activation: Activation.ReLU)
            .BatchNormalization()
            .MaxPooling2D(2)
            .Conv2D(16, 3, padding: Padding.Same, activation: Activation.ReLU)
            .BatchNormalization()
            .MaxPooling2D(2)
            .Flatten()
            .Dense(32, Activation.ReLU)
            .Dense(4)
            .Build(ComputeDevice.Cpu)
            .Compile(new Adam(0.01), new CrossEntropy());
        model.Fit(data, epochs: 8, batchSize: 16, seed: 3, verbose: 0);
        return model;
    }

    [Theory]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Float16)]
    public void Should_StayWithinTheDocumentedDistanceOfFloat32_When_ConvertedForInference(ScalarType type)
    {
        using var data = SyntheticData.Blocks(64, seed: 22);
        using var model = Trained(data);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        model.Network.eval();
        var reference = model.GraphModule.call(data.Inputs);
        // As the docs say: convert the network, then call it with inputs of the same type.
        model.Network.to(type);
        var reduced = model.GraphModule.call(data.Inputs.to_type(type));
        Assert.Equal(type, reduced.dtype);
        double difference = (reduced.to_type(ScalarType.Float32) - reference).abs().max().item<float>();
        double scale = reference.abs().max().item<float>();
        Assert.True(scale > 1, $"logits up to {scale}: too small for the bound to mean anything");
        Assert.True(difference <= Bound(type), $"{type} logits differ from float32 by up to {difference} (logits up to {scale})");
        Assert.True(difference > 0, $"{type} gave float32's outputs exactly: the network was not converted");
    }

    /// <summary>The documented bound on the largest difference of the logits (docs/training.md, "Mixed precision").</summary>
    private static double Bound(ScalarType type) => type == ScalarType.BFloat16 ? BFloat16Bound : Float16Bound;

    private const double BFloat16Bound = 0.05, Float16Bound = 0.01;

    [Theory]
    [InlineData(ScalarType.BFloat16, ".safetensors")]
    [InlineData(ScalarType.Float16, ".safetensors")]
    [InlineData(ScalarType.BFloat16, ".pt")]
    [InlineData(ScalarType.Float16, ".pt")]
    public void Should_LoadIntoAFloat32Model_When_WeightsWereSavedInReducedPrecision(ScalarType type, string extension)
    {
        using var data = SyntheticData.Blocks(32, seed: 23);
        using var model = Trained(data);
        var path = Path.Combine(Path.GetTempPath(), $"kernelwise-{type}-{Guid.NewGuid():N}{extension}");
        try
        {
            model.Network.to(type);
            model.SaveWeights(path);
            // Stored in 16 bits: the file's own tensors have the reduced type.
            var stored = extension == ".pt" ? Kernelwise.Formats.PyTorchWeights.Read(path) : Kernelwise.Formats.Safetensors.Read(File.ReadAllBytes(path), path);
            try
            {
                Assert.All(stored.Values.Where(t => t.is_floating_point()), t => Assert.Equal(type, t.dtype));
            }
            finally
            {
                foreach (var t in stored.Values) t.Dispose();
            }
            manual_seed(99);
            using var fresh = new Sequential(new Shape(1, 12, 12), "half_net")
                .Conv2D(8, 3, padding: Padding.Same, activation: Activation.ReLU).BatchNormalization().MaxPooling2D(2)
                .Conv2D(16, 3, padding: Padding.Same, activation: Activation.ReLU).BatchNormalization().MaxPooling2D(2)
                .Flatten().Dense(32, Activation.ReLU).Dense(4)
                .Build(ComputeDevice.Cpu);
            fresh.LoadWeights(path);
            var saved = model.Network.state_dict();
            foreach (var (key, value) in fresh.Network.state_dict())
            {
                if (!value.is_floating_point()) continue;
                Assert.Equal(ScalarType.Float32, value.dtype);
                Assert.Equal(type, saved[key].dtype);
                Assert.True(value.equal(saved[key].to_type(ScalarType.Float32)).all().item<bool>(), $"{key} differs from the saved {type} values");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
