using System.Reflection;
using Kernelwise.Data;
using Kernelwise.Layers;
using Kernelwise.Models;
using static TorchSharp.torch;
using CenterCrop = Kernelwise.Layers.CenterCrop;
using RandomCrop = Kernelwise.Layers.RandomCrop;
using RandomRotation = Kernelwise.Layers.RandomRotation;

namespace Kernelwise.Tests.Layers.Preprocessing;

/// <summary>Preprocessing layers (Rescaling, Normalization, Resizing, CenterCrop) and augmentation layers (training only).</summary>
public class PreprocessingLayerTests
{
    private static Tensor Run(Model model, Tensor x, bool training)
    {
        model.Network.train(training);
        using var _ = no_grad();
        return model.GraphModule.forward(x);
    }

    public class Configuration
    {
        public static TheoryData<string> Layers => new() { "rescaling", "normalization", "resizing", "center_crop", "random_flip", "random_rotation", "random_translation", "random_zoom", "random_crop" };

        private static (Layer Layer, Dictionary<string, object?> Passed) Create(string name) => name switch
        {
            "rescaling" => (new Rescaling(1 / 255.0, -0.5), new() { ["scale"] = 1 / 255.0, ["offset"] = -0.5 }),
            "normalization" => (new Kernelwise.Layers.Normalization(new[] { 0.1, 0.2 }, new[] { 1.0, 4.0 }, 0, true), new() { ["mean"] = new[] { 0.1, 0.2 }, ["variance"] = new[] { 1.0, 4.0 }, ["axis"] = 0, ["invert"] = true }),
            "resizing" => (new Resizing(7, 5, Interpolation.Nearest, true), new() { ["height"] = 7, ["width"] = 5, ["interpolation"] = Interpolation.Nearest, ["cropToAspectRatio"] = true }),
            "center_crop" => (new CenterCrop(3, 4), new() { ["height"] = 3, ["width"] = 4 }),
            "random_flip" => (new RandomFlip(FlipMode.Vertical), new() { ["mode"] = FlipMode.Vertical }),
            "random_rotation" => (new RandomRotation(0.2, FillMode.Constant, Interpolation.Nearest, 0.5),
                new() { ["factor"] = 0.2, ["fillMode"] = FillMode.Constant, ["interpolation"] = Interpolation.Nearest, ["fillValue"] = 0.5 }),
            "random_translation" => (new RandomTranslation(0.1, 0.3, FillMode.Nearest),
                new() { ["heightFactor"] = 0.1, ["widthFactor"] = 0.3, ["fillMode"] = FillMode.Nearest, ["interpolation"] = Interpolation.Bilinear, ["fillValue"] = 0.0 }),
            "random_zoom" => (new RandomZoom(0.2, 0.1), new() { ["heightFactor"] = 0.2, ["widthFactor"] = 0.1, ["fillMode"] = FillMode.Reflect, ["interpolation"] = Interpolation.Bilinear, ["fillValue"] = 0.0 }),
            "random_crop" => (new RandomCrop(6, 5, 2), new() { ["height"] = 6, ["width"] = 5, ["padding"] = 2 }),
            _ => throw new ArgumentException(name),
        };

        /// <summary>The model archive saves layers by configuration: each constructor parameter must be readable back from a property of the same name.</summary>
        [Theory]
        [MemberData(nameof(Layers))]
        public void Should_ExposeEveryConstructorArgument_When_ReadBackByName(string name)
        {
            var (layer, passed) = Create(name);
            var constructors = layer.GetType().GetConstructors(BindingFlags.Public | BindingFlags.Instance);
            var constructor = Assert.Single(constructors);
            foreach (var parameter in constructor.GetParameters().Where(p => p.Name != "name"))
            {
                string property = char.ToUpperInvariant(parameter.Name![0]) + parameter.Name[1..];
                var info = layer.GetType().GetProperty(property, BindingFlags.Public | BindingFlags.Instance);
                Assert.True(info is not null, $"{layer.GetType().Name} has no property {property} for its parameter {parameter.Name}");
                Assert.False(info!.CanWrite, $"{layer.GetType().Name}.{property} is settable");
                Assert.Equal(passed[parameter.Name], info.GetValue(layer));
            }
        }
    }

    public class Values
    {
        [Fact]
        public void Should_ScaleAndShift_When_Rescaling()
        {
            using var model = LayerTesting.Build(new Rescaling(1 / 127.5, -1), new Shape(1, 2, 2));
            using var x = tensor(new float[] { 0, 127.5f, 255, 51 }, new long[] { 1, 1, 2, 2 });

            using var y = Run(model, x, training: false);

            Assert.Equal(new[] { -1f, 0, 1, -0.6f }, y.data<float>().ToArray().Select(v => MathF.Round(v, 5)));
        }

        [Fact]
        public void Should_StandardisePerChannelAndUndoIt_When_GivenStatistics()
        {
            using var model = new Sequential(new Shape(2, 1, 2)).Normalization(new[] { 1.0, -2.0 }, new[] { 4.0, 0.25 }).Normalization(new[] { 1.0, -2.0 }, new[] { 4.0, 0.25 }, invert: true)
                .Build(ComputeDevice.Cpu);
            using var x = tensor(new float[] { 3, 5, -2, -1 }, new long[] { 1, 2, 1, 2 });

            using var intermediate = model.GraphModule.Forward(new[] { x }, new[] { "normalization" }).Intermediates["normalization"];
            using var back = Run(model, x, training: false);

            Assert.Equal(new[] { 1f, 2, 0, 2 }, intermediate.data<float>().ToArray());
            Assert.True(back.allclose(x), "invert did not undo the standardisation");
        }

        [Fact]
        public void Should_LearnEachChannelsMeanAndVarianceAndKeepThemInTheWeights_When_Adapted()
        {
            manual_seed(3);
            using var images = randn(40, 3, 5, 4) * tensor(new float[] { 1, 2, 3 }).view(1, 3, 1, 1) + tensor(new float[] { 10, -1, 0.5f }).view(1, 3, 1, 1);
            using var data = new TensorDataset(images, zeros(new long[] { 40 }, ScalarType.Int64));
            var layer = new Kernelwise.Layers.Normalization();
            using var model = new Sequential(new Shape(3, 5, 4)).Add(layer).Build(ComputeDevice.Cpu);

            layer.Adapt(data, batchSize: 16); // after the build: the built model receives the statistics

            using var expectedMean = images.mean(new long[] { 0, 2, 3 });
            using var expectedVariance = images.var(new long[] { 0, 2, 3 }, unbiased: false);
            var state = model.Network.state_dict();
            Assert.True(state["normalization.mean"].allclose(expectedMean, rtol: 1e-5, atol: 1e-5));
            Assert.True(state["normalization.variance"].allclose(expectedVariance, rtol: 1e-5, atol: 1e-5));
            using var y = Run(model, images, training: true);
            Assert.True(y.mean(new long[] { 0, 2, 3 }).abs().max().item<float>() < 1e-4, "the adapted output is not centred");
            Assert.True(layer.IsAdapted);
            Assert.Null(layer.Mean);

            string path = Path.Combine(Path.GetTempPath(), $"kernelwise-normalization-{Guid.NewGuid():N}.safetensors");
            try
            {
                model.SaveWeights(path);
                using var rebuilt = new Sequential(new Shape(3, 5, 4)).Normalization().Build(ComputeDevice.Cpu);
                rebuilt.LoadWeights(path);
                using var again = Run(rebuilt, images, training: false);
                Assert.True(again.allclose(y, rtol: 1e-5, atol: 1e-5), "the statistics did not travel with the weights");
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void Should_NameTheMismatch_When_StatisticsDoNotFitTheAxis()
        {
            var e = Assert.Throws<ModelBuildException>(() => new Sequential(new Shape(3, 4, 4)).Normalization(new[] { 0.0, 1.0 }, new[] { 1.0, 1.0 }).Summary());
            Assert.Contains("2 means were given but axis 0 has 3 positions.", e.Message);

            var both = Assert.Throws<ArgumentException>(() => new Kernelwise.Layers.Normalization(mean: new[] { 0.0 }));
            Assert.StartsWith("Invalid arguments mean and variance of Normalization. Expected both or neither. Received mean only.", both.Message);
        }

        [Fact]
        public void Should_MatchPyTorchsInterpolate_When_ResizingBilinearly()
        {
            manual_seed(4);
            using var model = LayerTesting.Build(new Resizing(5, 9), new Shape(2, 8, 6));
            using var x = randn(3, 2, 8, 6);

            using var y = Run(model, x, training: false);
            using var expected = nn.functional.interpolate(x, new long[] { 5, 9 }, mode: InterpolationMode.Bilinear, align_corners: false);

            Assert.True(y.allclose(expected));
        }

        [Fact]
        public void Should_CropTheCentreToTheTargetsAspectRatioFirst_When_Asked()
        {
            using var model = LayerTesting.Build(new Resizing(4, 4, Interpolation.Nearest, cropToAspectRatio: true), new Shape(1, 4, 8));
            using var x = arange(32, dtype: ScalarType.Float32).view(1, 1, 4, 8);

            using var y = Run(model, x, training: false);

            using var centre = x.narrow(3, 2, 4);
            Assert.True(y.equal(centre).all().item<bool>(), "the 4×8 image was not cropped to its centre 4×4 before resizing");
        }

        [Fact]
        public void Should_KeepTheCentreWindow_When_CentreCropping()
        {
            using var model = LayerTesting.Build(new CenterCrop(2, 3), new Shape(1, 5, 6));
            using var x = arange(30, dtype: ScalarType.Float32).view(1, 1, 5, 6);

            using var y = Run(model, x, training: false);

            Assert.Equal(new[] { 7f, 8, 9, 13, 14, 15 }, y.data<float>().ToArray()); // rows 1–2, columns 1–3
            var e = Assert.Throws<ModelBuildException>(() => new Sequential(new Shape(1, 5, 6)).CenterCrop(6, 6).Summary());
            Assert.Contains("the crop 6×6 is larger than the image 5×6", e.Message);
        }
    }

    public class Augmentation
    {
        public static TheoryData<string> Augmenters => new() { "flip", "rotation", "translation", "zoom", "crop" };

        private static Layer Create(string name) => name switch
        {
            "flip" => new RandomFlip(),
            "rotation" => new RandomRotation(0.25),
            "translation" => new RandomTranslation(0.3, 0.3, FillMode.Constant),
            "zoom" => new RandomZoom(0.5),
            "crop" => new RandomCrop(8, 8, padding: 3),
            _ => throw new ArgumentException(name),
        };

        [Theory]
        [MemberData(nameof(Augmenters))]
        public void Should_ChangeImagesInTrainingAndNothingAtInference_When_Augmenting(string name)
        {
            manual_seed(11);
            using var model = LayerTesting.Build(Create(name), new Shape(2, 8, 8));
            using var x = randn(16, 2, 8, 8);

            using var inference = Run(model, x, training: false);
            using var training = Run(model, x, training: true);

            Assert.True(inference.equal(x).all().item<bool>(), $"{name} changed images at inference");
            Assert.Equal(x.shape, training.shape);
            Assert.False(training.allclose(x), $"{name} changed nothing in training");
        }

        [Fact]
        public void Should_FlipSomeImagesExactly_When_Training()
        {
            manual_seed(12);
            using var model = LayerTesting.Build(new RandomFlip(FlipMode.Horizontal), new Shape(1, 3, 3));
            using var x = randn(32, 1, 3, 3);

            using var y = Run(model, x, training: true);

            int flipped = 0;
            for (int i = 0; i < 32; i++)
            {
                using var yi = y[i];
                using var xi = x[i];
                using var mirrored = xi.flip(2);
                bool same = yi.equal(xi).all().item<bool>(), flip = yi.equal(mirrored).all().item<bool>();
                Assert.True(same || flip, $"image {i} is neither itself nor its mirror image");
                if (flip) flipped++;
            }
            Assert.InRange(flipped, 6, 26);
        }

        [Fact]
        public void Should_ResampleExactly_When_TheRangesAreZero()
        {
            manual_seed(13);
            using var model = new Sequential(new Shape(3, 6, 10)).RandomRotation(0).RandomTranslation(0, 0).RandomZoom(0).Build(ComputeDevice.Cpu);
            using var x = randn(4, 3, 6, 10);

            using var y = Run(model, x, training: true);

            Assert.True(y.allclose(x, rtol: 1e-5, atol: 1e-5), "an identity affine resampling changed the images");
        }

        [Fact]
        public void Should_TakeWindowsOfThePaddedImage_When_CroppingRandomly()
        {
            manual_seed(14);
            using var model = LayerTesting.Build(new RandomCrop(4, 4, padding: 1), new Shape(1, 6, 6));
            using var x = arange(36, dtype: ScalarType.Float32).add(1).view(1, 1, 6, 6).expand(20, 1, 6, 6).contiguous();

            using var training = Run(model, x, training: true);
            using var inference = Run(model, x, training: false);

            Assert.Equal(new long[] { 20, 1, 4, 4 }, training.shape);
            using var padded = nn.functional.pad(x, new long[] { 1, 1, 1, 1 });
            var offsets = new HashSet<(int, int)>();
            for (int i = 0; i < 20; i++)
            {
                bool found = false;
                for (int top = 0; top <= 4 && !found; top++)
                    for (int left = 0; left <= 4 && !found; left++)
                    {
                        using var window = padded[i].narrow(1, top, 4).narrow(2, left, 4);
                        using var yi = training[i];
                        if (yi.equal(window).all().item<bool>()) { found = true; offsets.Add((top, left)); }
                    }
                Assert.True(found, $"sample {i} is not a window of the padded image");
            }
            Assert.True(offsets.Count > 1, "every sample got the same window");
            using var centre = x.narrow(2, 1, 4).narrow(3, 1, 4);
            Assert.True(inference.equal(centre).all().item<bool>(), "inference did not take the centre window");
        }

        [Fact]
        public void Should_TrainThroughAugmentationLayers_When_Fitting()
        {
            using var data = SyntheticData.Blocks(32, seed: 9);
            manual_seed(9);
            using var model = new Sequential(new Shape(1, 12, 12)).RandomFlip(FlipMode.Horizontal).RandomRotation(0.02).RandomZoom(0.1).RandomTranslation(0.05, 0.05)
                .Rescaling(2).Conv2D(4, 3, activation: Activation.ReLU).Flatten().Dense(4)
                .Compile(new Adam(1e-2), new CrossEntropy(), new Accuracy());

            var history = model.Fit(data, epochs: 2, batchSize: 8, verbose: 0);

            Assert.True(double.IsFinite(history["loss"][^1]));
        }
    }
}
