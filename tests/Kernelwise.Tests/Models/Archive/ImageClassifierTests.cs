using Kernelwise.Data;
using Kernelwise.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Models.Archive;

/// <summary>scripts/predict.cs's engine: image files classified with nothing but an archive.</summary>
public class ImageClassifierTests
{
    private static (string Archive, string Folder, long[] Labels) Prepared(bool withPreprocessing = true)
    {
        string dir = TrainingHelpers.TempDir("kw-classify-");
        using var data = SyntheticData.Blocks(96, seed: 7);
        manual_seed(7);
        using var model = new Sequential(new Shape(1, 12, 12), "blocks")
            .Conv2D(4, 3, activation: Activation.ReLU).MaxPooling2D(2).Flatten().Dense(4)
            .Build(ComputeDevice.Cpu).Compile(new Adam(1e-2), new CrossEntropy());
        model.Fit(data, epochs: 6, batchSize: 16, verbose: 0);
        model.Metadata = new ModelMetadata
        {
            ClassNames = new[] { "top-left", "top-right", "bottom-left", "bottom-right" },
            Preprocessing = withPreprocessing ? new ImagePreprocessing(12, 12, ColorMode.Grayscale) : null,
        };
        string archive = Path.Combine(dir, "blocks.kwmodel");
        model.Save(archive);
        string folder = Directory.CreateDirectory(Path.Combine(dir, "images")).FullName;
        var labels = new long[6];
        for (int i = 0; i < 6; i++)
        {
            var (x, y) = data.GetExample(i);
            using (x)
            using (y)
            {
                var pixels = x.mul(255).round().clamp(0, 255).to(ScalarType.Byte).data<byte>().ToArray();
                using var image = Image.LoadPixelData<L8>(pixels, 12, 12);
                image.SaveAsPng(Path.Combine(folder, $"image-{i}.png"));
                labels[i] = y.item<long>();
            }
        }
        return (archive, folder, labels);
    }

    [Fact]
    public void Should_NameTheClassesWithProbabilities_When_ClassifyingFilesAndFolders()
    {
        var (archive, folder, labels) = Prepared();
        using var classifier = ImageClassifier.Load(archive, ComputeDevice.Cpu);
        Assert.Equal(new[] { "top-left", "top-right", "bottom-left", "bottom-right" }, classifier.ClassNames);
        var all = classifier.ClassifyAll(new[] { folder }, top: 4).ToList();
        Assert.Equal(6, all.Count);
        int correct = 0;
        foreach (var (path, classes) in all)
        {
            Assert.Equal(4, classes.Count);
            Assert.Equal(1.0, classes.Sum(c => c.Probability), 4);
            Assert.True(classes.Zip(classes.Skip(1)).All(p => p.First.Probability >= p.Second.Probability));
            int i = int.Parse(Path.GetFileNameWithoutExtension(path)["image-".Length..]);
            if (classes[0].ClassName == classifier.ClassNames[(int)labels[i]]) correct++;
        }
        Assert.True(correct >= 5, $"{correct} of 6 PNG files classified as their class");
        var one = classifier.Classify(Path.Combine(folder, "image-0.png"), top: 1);
        Assert.Equal(all[0].Classes[0], Assert.Single(one));
    }

    [Fact]
    public void Should_SayWhatIsMissing_When_TheArchiveHasNoPreprocessingOrTheFileIsNotAnImage()
    {
        var (archive, folder, _) = Prepared(withPreprocessing: false);
        var e = Assert.Throws<InvalidOperationException>(() => ImageClassifier.Load(archive, ComputeDevice.Cpu));
        Assert.Contains("records no image preprocessing", e.Message);
        var (good, _, _) = Prepared();
        using var classifier = ImageClassifier.Load(good, ComputeDevice.Cpu);
        string text = Path.Combine(folder, "notes.png");
        File.WriteAllText(text, "not an image");
        var bad = Assert.Throws<ImageFileException>(() => classifier.Classify(text));
        Assert.Contains("notes.png", bad.Message);
    }
}
