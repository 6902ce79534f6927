using Kernelwise.Models;
using Kernelwise.Tests.Data;
using Kernelwise.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Vision;

/// <summary>
/// The pictures: each has the size its grid implies, is not blank (its pixels vary and take many colours), and is
/// written atomically (no temporary file is left beside it).
/// </summary>
public class PicturesTests
{
    private const int Gap = 2;

    private static int Side(int tiles, int tile) => tiles * tile + (tiles + 1) * Gap;

    /// <summary>Opens the PNG, checks its size, and checks it is not blank: many distinct colours and a clear spread of brightness.</summary>
    private static Image<Rgb24> Check(string path, int width, int height, int minimumColours)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
        var image = Image.Load<Rgb24>(path);
        Assert.Equal((width, height), (image.Width, image.Height));
        var colours = new HashSet<Rgb24>();
        double sum = 0, squares = 0;
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                var p = image[x, y];
                colours.Add(p);
                double v = (p.R + p.G + p.B) / 3.0;
                sum += v;
                squares += v * v;
            }
        double n = image.Width * image.Height, variance = squares / n - (sum / n) * (sum / n);
        Assert.True(colours.Count >= minimumColours, $"{Path.GetFileName(path)} has only {colours.Count} distinct colours");
        Assert.True(variance > 100, $"{Path.GetFileName(path)} is nearly blank: brightness variance {variance:0.0}");
        return image;
    }

    private static Model Grey()
        => new Sequential(new Shape(1, 12, 12))
            .Conv2D(6, 3, padding: Padding.Same, activation: Activation.ReLU)
            .MaxPooling2D(2)
            .Conv2D(9, 3, padding: Padding.Same, activation: Activation.ReLU)
            .Flatten()
            .Dense(3)
            .Build(ComputeDevice.Cpu);

    /// <summary>A 12×12 image with a bright diagonal and a square, so feature maps have structure.</summary>
    private static Tensor Image12()
    {
        var x = zeros(1, 12, 12);
        for (int i = 0; i < 12; i++) x[0, i, i] = tensor(1f);
        x[0, TensorIndex.Slice(2, 5), TensorIndex.Slice(7, 10)] = tensor(0.8f);
        return x;
    }

    [Fact]
    public void Should_DrawOneDivergingTilePerFilter_When_TheFirstLayerHasOneInputChannel()
    {
        manual_seed(41);
        using var model = Grey();
        using var folder = new TempDirectory();
        string path = folder.Combine("filters.png");
        model.SaveFilters(path, scale: 10);
        // 6 filters of 3×3 at scale 10: a 3-column grid of 2 rows.
        using var image = Check(path, Side(3, 30), Side(2, 30), 20);
        var top = image[Gap + 15, Gap + 15];
        Assert.True(top.R != top.G || top.G != top.B || top == new Rgb24(255, 255, 255), "weights are drawn in the blue-white-red scale");
    }

    [Fact]
    public void Should_DrawFiltersInColour_When_TheLayerSeesThreeChannels()
    {
        manual_seed(42);
        using var model = new Sequential(new Shape(3, 10, 10)).Conv2D(4, 5, name: "rgb").Flatten().Dense(2).Build(ComputeDevice.Cpu);
        using var folder = new TempDirectory();
        string path = folder.Combine("filters.png");
        model.SaveFilters(path, "rgb");
        // 4 filters of 5×5, about 48 pixels a side: scale 10, a 2×2 grid.
        using var _ = Check(path, Side(2, 50), Side(2, 50), 50);
    }

    [Fact]
    public void Should_DrawARowPerFilterAndAColumnPerChannel_When_ALaterLayerIsNamed()
    {
        manual_seed(43);
        using var model = Grey();
        using var folder = new TempDirectory();
        string path = folder.Combine("filters.png");
        model.SaveFilters(path, "conv2d_1", scale: 4);
        using var _ = Check(path, Side(6, 12), Side(9, 12), 50);
    }

    [Fact]
    public void Should_DrawEveryChannelOfTheLayer_When_FeatureMapsAreSaved()
    {
        manual_seed(44);
        using var model = Grey();
        using var folder = new TempDirectory();
        using var x = Image12();
        string path = folder.Combine("maps.png");
        model.SaveFeatureMaps(x, "conv2d", path);
        // 6 maps of 12×12, about 64 pixels a side: scale 5, a 3-column grid.
        using var _ = Check(path, Side(3, 60), Side(2, 60), 20);
        string limited = folder.Combine("four.png");
        model.SaveFeatureMaps(x.unsqueeze(0), "conv2d_1", limited, maxMaps: 4, scale: 3);
        using var __ = Check(limited, Side(2, 18), Side(2, 18), 5);
    }

    [Fact]
    public void Should_DrawTheImageTheHeatMapAndTheOverlayPerImage_When_AGradCamIsSaved()
    {
        manual_seed(45);
        using var model = Grey();
        using var folder = new TempDirectory();
        using var images = stack(new[] { Image12(), Image12().flip(2) });
        using var cam = model.GradCam(images, "conv2d_1");
        string path = folder.Combine("grad-cam.png");
        cam.Save(images, path, scale: 8);
        using var picture = Check(path, Side(3, 96), Side(2, 96), 100);
        // The first tile is the image in grey: its diagonal is white, its background black.
        Assert.Equal(new Rgb24(255, 255, 255), picture[Gap + 4, Gap + 4]);
        Assert.Equal(new Rgb24(0, 0, 0), picture[Gap + 90, Gap + 4]);
        string saliencyPath = folder.Combine("saliency.png");
        using var saliency = model.Saliency(images);
        saliency.Save(images, saliencyPath, scale: 8);
        using var _ = Check(saliencyPath, Side(3, 96), Side(2, 96), 100);
    }

    [Fact]
    public void Should_ReplaceTheFileWhole_When_APictureIsSavedTwice()
    {
        manual_seed(46);
        using var model = Grey();
        using var folder = new TempDirectory();
        string path = folder.Combine("filters.png");
        File.WriteAllText(path, "an older file");
        model.SaveFilters(path, scale: 2);
        using var _ = Check(path, Side(3, 6), Side(2, 6), 5);
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    public class Errors
    {
        [Fact]
        public void Should_AskForAConvolution_When_TheNamedLayerHasNoKernel()
        {
            using var model = Grey();
            using var folder = new TempDirectory();
            var e = Assert.Throws<ArgumentException>(() => model.SaveFilters(folder.Combine("f.png"), "dense"));
            Assert.StartsWith("Layer 'dense' (Dense) of model 'sequential' has no 2D kernel [filters, channels, height, width] to draw", e.Message);
            Assert.Empty(Directory.GetFiles(folder.Path));
        }

        [Fact]
        public void Should_AskForOneImageAndASpatialLayer_When_FeatureMapsAreAskedWrongly()
        {
            using var model = Grey();
            using var folder = new TempDirectory();
            using var two = rand(2, 1, 12, 12);
            var batch = Assert.Throws<ArgumentException>(() => model.SaveFeatureMaps(two, "conv2d", folder.Combine("m.png")));
            Assert.StartsWith("SaveFeatureMaps draws the maps of one image; received a batch of 2", batch.Message);
            using var one = rand(1, 12, 12);
            var flat = Assert.Throws<ArgumentException>(() => model.SaveFeatureMaps(one, "flatten", folder.Combine("m.png")));
            Assert.StartsWith("Feature maps need a layer with a spatial output [N, C, h, w]; layer 'flatten' of model 'sequential' outputs [1, 324].", flat.Message);
        }

        [Fact]
        public void Should_SayTheImagesDoNotMatch_When_AGradCamIsDrawnOverOtherImages()
        {
            using var model = Grey();
            using var folder = new TempDirectory();
            using var images = rand(2, 1, 12, 12);
            using var cam = model.GradCam(images, "conv2d");
            using var other = rand(3, 1, 12, 12);
            var e = Assert.Throws<ArgumentException>(() => cam.Save(other, folder.Combine("g.png")));
            Assert.StartsWith("The images [3, 1, 12, 12] do not match the maps [2, 12, 12]", e.Message);
        }
    }
}
