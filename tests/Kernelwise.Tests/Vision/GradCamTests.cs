using Kernelwise.Data;
using Kernelwise.Models;
using Kernelwise.Vision;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Vision;

/// <summary>
/// Grad-CAM: the weights are the global averages of the class score's gradient over each map, the map is the ReLU of
/// the weighted sum, upsampled bilinearly — checked against a computation by hand on a tiny network — and on images
/// whose class is decided by a planted patch, the map peaks on the patch.
/// </summary>
public class GradCamTests
{
    /// <summary>1×4×4 → features: Conv2D(2, 2×2, stride 2, ReLU) → 2×2×2 → Flatten → hidden: Dense(4, ReLU) → scores: Dense(3).</summary>
    private static Model Tiny()
        => new Sequential(new Shape(1, 4, 4))
            .Conv2D(2, 2, strides: 2, activation: Activation.ReLU, name: "features")
            .Flatten()
            .Dense(4, Activation.ReLU, name: "hidden")
            .Dense(3, name: "scores")
            .Build(ComputeDevice.Cpu);

    private static double[] Values(Tensor t) => t.to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();

    /// <summary>The Grad-CAM of class c for one image, every step written out (doubles throughout).</summary>
    private static (double[] Alpha, double[] Map, double[] Heatmap, double Score, int Predicted) ByHand(
        double[] x, double[] wc, double[] bc, double[] w1, double[] b1, double[] w2, double[] b2, int? chosen)
    {
        // A[k, i, j] = ReLU(Σᵤᵥ Wc[k, u, v] · x[2i + u, 2j + v] + bc[k]); flattened as a[k·4 + i·2 + j].
        var a = new double[8];
        for (int k = 0; k < 2; k++)
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++)
                {
                    double s = bc[k];
                    for (int u = 0; u < 2; u++)
                        for (int v = 0; v < 2; v++) s += wc[k * 4 + u * 2 + v] * x[(2 * i + u) * 4 + 2 * j + v];
                    a[k * 4 + i * 2 + j] = Math.Max(0, s);
                }
        // h = ReLU(W1 a + b1), y = W2 h + b2.
        var h = new double[4];
        for (int m = 0; m < 4; m++)
        {
            double s = b1[m];
            for (int p = 0; p < 8; p++) s += w1[m * 8 + p] * a[p];
            h[m] = Math.Max(0, s);
        }
        var y = new double[3];
        for (int c = 0; c < 3; c++)
        {
            y[c] = b2[c];
            for (int m = 0; m < 4; m++) y[c] += w2[c * 4 + m] * h[m];
        }
        int predicted = Array.IndexOf(y, y.Max());
        int cls = chosen ?? predicted;
        // ∂y_c/∂a[p] = Σₘ W2[c, m] · [h_m > 0] · W1[m, p].
        var g = new double[8];
        for (int p = 0; p < 8; p++)
            for (int m = 0; m < 4; m++)
                if (h[m] > 0) g[p] += w2[cls * 4 + m] * w1[m * 8 + p];
        // αₖ = the mean of the gradient over map k; map = ReLU(Σₖ αₖ Aₖ).
        var alpha = new double[2];
        for (int k = 0; k < 2; k++) alpha[k] = (g[k * 4] + g[k * 4 + 1] + g[k * 4 + 2] + g[k * 4 + 3]) / 4;
        var map = new double[4];
        for (int p = 0; p < 4; p++) map[p] = Math.Max(0, alpha[0] * a[p] + alpha[1] * a[4 + p]);
        // Bilinear 2×2 → 4×4 with half-pixel centres: source = (d + ½)·(2/4) − ½, clamped at 0.
        var heat = new double[16];
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
            {
                double sr = Math.Max(0, (r + 0.5) * 0.5 - 0.5), sc = Math.Max(0, (c + 0.5) * 0.5 - 0.5);
                int r0 = (int)sr, c0 = (int)sc, r1 = Math.Min(r0 + 1, 1), c1 = Math.Min(c0 + 1, 1);
                double fr = sr - r0, fc = sc - c0;
                heat[r * 4 + c] = (1 - fr) * ((1 - fc) * map[r0 * 2 + c0] + fc * map[r0 * 2 + c1]) + fr * ((1 - fc) * map[r1 * 2 + c0] + fc * map[r1 * 2 + c1]);
            }
        return (alpha, map, heat, y[cls], predicted);
    }

    private static void Close(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 + 1e-5 * Math.Abs(expected[i]), $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void Should_WeightEachMapByItsAverageGradientAndUpsample_When_ComparedWithAComputationByHand()
    {
        manual_seed(21);
        using var model = Tiny();
        var w = model.Network.state_dict();
        double[] wc = Values(w["features.weight"]), bc = Values(w["features.bias"]), w1 = Values(w["hidden.weight"]), b1 = Values(w["hidden.bias"]);
        double[] w2 = Values(w["scores.weight"]), b2 = Values(w["scores.bias"]);
        using var images = rand(6, 1, 4, 4);
        int nonZeroMaps = 0;
        foreach (int? chosen in new int?[] { null, 0, 1, 2 })
        {
            using var cam = model.GradCam(images, "features", chosen);
            Assert.Equal(new long[] { 6, 2 }, cam.Weights.shape);
            Assert.Equal(new long[] { 6, 2, 2 }, cam.Map.shape);
            Assert.Equal(new long[] { 6, 4, 4 }, cam.Heatmap.shape);
            for (int n = 0; n < 6; n++)
            {
                var (alpha, map, heat, score, predicted) = ByHand(Values(images[n]), wc, bc, w1, b1, w2, b2, chosen);
                Assert.Equal(chosen ?? predicted, cam.Classes[n]);
                Assert.Equal(score, cam.Scores[n], 5);
                Close(alpha, Values(cam.Weights[n]), $"α (image {n}, class {cam.Classes[n]})");
                Close(map, Values(cam.Map[n]), $"map (image {n}, class {cam.Classes[n]})");
                Close(heat, Values(cam.Heatmap[n]), $"upsampled map (image {n}, class {cam.Classes[n]})");
                if (map.Any(v => v > 1e-4)) nonZeroMaps++;
            }
        }
        Assert.True(nonZeroMaps >= 6, $"Only {nonZeroMaps} of 24 maps are non-zero; the comparison would prove little.");
        Assert.All(model.Network.parameters(), p => Assert.Null(p.grad)); // the model's gradients are left alone
    }

    /// <summary>
    /// 16×16 noise with a bright 4×4 square somewhere (class 1) or not (class 0); every image also holds a bright 1×6 bar
    /// as a distractor. Returns the images, classes and each square's top-left corner (−1 for none).
    /// </summary>
    internal static (TensorDataset Data, (int Row, int Column)[] Squares) Patches(int n, int seed)
    {
        var random = new Random(seed);
        const int size = 16;
        var x = new float[n * size * size];
        var y = new long[n];
        var squares = new (int, int)[n];
        for (int i = 0; i < n; i++)
        {
            int offset = i * size * size;
            for (int p = 0; p < size * size; p++) x[offset + p] = (float)(random.NextDouble() * 0.3);
            bool square = i % 2 == 1;
            y[i] = square ? 1 : 0;
            int sr = -1, sc = -1;
            if (square)
            {
                sr = random.Next(size - 3);
                sc = random.Next(size - 3);
                for (int r = 0; r < 4; r++)
                    for (int c = 0; c < 4; c++) x[offset + (sr + r) * size + sc + c] = 1f;
            }
            squares[i] = (sr, sc);
            // The bar: horizontal or vertical, not touching the square.
            for (int attempt = 0; ; attempt++)
            {
                bool horizontal = random.Next(2) == 0;
                int br = random.Next(horizontal ? size : size - 5), bc = random.Next(horizontal ? size - 5 : size);
                int h = horizontal ? 1 : 6, w = horizontal ? 6 : 1;
                if (square && br <= sr + 4 && br + h >= sr - 1 && bc <= sc + 4 && bc + w >= sc - 1) continue;
                for (int r = 0; r < h; r++)
                    for (int c = 0; c < w; c++) x[offset + (br + r) * size + bc + c] = 1f;
                break;
            }
        }
        return (new TensorDataset(tensor(x, new long[] { n, 1, size, size }), tensor(y)), squares);
    }

    [Fact]
    public void Should_PeakOnThePlantedSquare_When_TheSquaresPresenceDecidesTheClass()
    {
        Reproducibility.SetSeed(22);
        var (train, _) = Patches(384, seed: 1);
        var (test, squares) = Patches(64, seed: 2);
        using var _1 = train;
        using var _2 = test;
        using var model = new Sequential(new Shape(1, 16, 16))
            .Conv2D(8, 3, padding: Padding.Same, activation: Activation.ReLU)
            .Conv2D(8, 3, padding: Padding.Same, activation: Activation.ReLU, name: "evidence")
            .GlobalAveragePooling2D()
            .Dense(2)
            .Build(ComputeDevice.Cpu)
            .Compile(new Adam(0.01), new CrossEntropy(), new Accuracy());
        model.Fit(train, epochs: 4, batchSize: 32, seed: 3, verbose: 0);
        var accuracy = model.Evaluate(test)["accuracy"];
        Assert.True(accuracy >= 0.95, $"The model did not learn the task (test accuracy {accuracy}); the Grad-CAM check needs a model that did.");

        var positives = Enumerable.Range(0, 64).Where(i => squares[i].Row >= 0).ToArray();
        using var images = test.Inputs.index_select(0, tensor(positives.Select(i => (long)i).ToArray()));
        using var cam = model.GradCam(images, "evidence", classIndex: 1);
        var misses = new List<string>();
        for (int k = 0; k < positives.Length; k++)
        {
            Assert.True(cam.Heatmap[k].max().item<float>() > 0, $"image {positives[k]}: the map is zero everywhere");
            long peak = cam.Heatmap[k].flatten().argmax().item<long>();
            int row = (int)(peak / 16), column = (int)(peak % 16);
            var (sr, sc) = squares[positives[k]];
            if (row < sr || row >= sr + 4 || column < sc || column >= sc + 4) misses.Add($"image {positives[k]}: peak ({row}, {column}), square at ({sr}, {sc})");
        }
        Assert.True(misses.Count == 0, $"The Grad-CAM of class 'square' peaks off the square on {misses.Count} of {positives.Length} images: {string.Join("; ", misses)}");
    }

    [Fact]
    public void Should_ExplainALayerInsideAResidualBlockAndLeaveTheModelAsItWas_When_TheEarlierLayersAreFrozen()
    {
        manual_seed(23);
        using var model = new Sequential(new Shape(1, 8, 8))
            .Conv2D(4, 3, padding: 1, activation: Activation.ReLU)
            .Residual(b => b.Conv2D(4, 3, padding: 1).BatchNormalization().ReLU().Conv2D(4, 3, padding: 1), activation: Activation.ReLU)
            .MaxPooling2D(2)
            .Flatten()
            .Dense(3)
            .Build(ComputeDevice.Cpu);
        model.Freeze("conv2d", "residual");
        model.Network.train();
        using var images = rand(2, 1, 8, 8);
        using var byPath = model.GradCam(images, "residual.main.conv2d_2", classIndex: 2);
        using var byName = model.GradCam(images, "conv2d_2", classIndex: 2);
        Assert.Equal(new long[] { 2, 8, 8 }, byPath.Heatmap.shape);
        Assert.True(byPath.Heatmap.allclose(byName.Heatmap));
        Assert.True(byPath.Weights.abs().sum().item<float>() > 0, "The gradient reached the frozen block's layer.");
        Assert.True(model.Network.training);
        Assert.All(model.Network.parameters(), p => Assert.Null(p.grad));
    }

    public class Errors
    {
        [Fact]
        public void Should_AskForASpatialLayer_When_TheLayerIsFlat()
        {
            using var model = Tiny();
            using var images = rand(1, 1, 4, 4);
            var e = Assert.Throws<ArgumentException>(() => model.GradCam(images, "hidden"));
            Assert.StartsWith("Grad-CAM needs a layer with a spatial output [N, C, h, w]; layer 'hidden' of model 'sequential' outputs [1, 4].", e.Message);
        }

        [Fact]
        public void Should_NameTheClassesAvailable_When_TheClassIsOutOfRange()
        {
            using var model = Tiny();
            using var images = rand(1, 1, 4, 4);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.GradCam(images, "features", classIndex: 3));
            Assert.StartsWith("Invalid value for argument classIndex. Expected a class from 0 to 2 (model 'sequential' has 3 classes). Received classIndex=3.", e.Message);
        }

        [Fact]
        public void Should_GiveTheExpectedShape_When_TheImagesDoNotFit()
        {
            using var model = Tiny();
            using var images = rand(2, 3, 4, 4);
            var e = Assert.Throws<ArgumentException>(() => model.GradCam(images, "features"));
            Assert.StartsWith("GradCam received images of shape [2, 3, 4, 4]; model 'sequential' takes [N, 1, 4, 4] or one image [1, 4, 4].", e.Message);
        }
    }
}
