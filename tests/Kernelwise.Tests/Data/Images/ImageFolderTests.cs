using Kernelwise.Data;
using Kernelwise.Layers;
using Kernelwise.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Data;

public class ImageFolderTests
{
    public class Scanning
    {
        [Fact]
        public void Should_OrderClassesOrdinallyAndLabelFilesByFolder_When_Scanned()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "dog", "Cat", "ant" }, perClass: 2);
            var folder = new ImageFolder(dir.Path);
            Assert.Equal(new[] { "Cat", "ant", "dog" }, folder.ClassNames); // code-point order, as Keras and torchvision
            Assert.Equal(6, folder.Count);
            Assert.Equal(new[] { 0, 0, 1, 1, 2, 2 }, folder.Files.Select(f => f.Label));
            Assert.Equal(dir.Combine("Cat", "img_000.png"), folder.Files[0].Path);
            Assert.Equal(new[] { 2, 2, 2 }, folder.ClassCounts);
            Assert.Contains("6 images belonging to 3 classes", folder.ToString());
        }

        [Fact]
        public void Should_FollowTheGivenOrder_When_ClassNamesAreExplicit()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "a", "b" }, perClass: 1);
            var folder = new ImageFolder(dir.Path, new ImageFolderOptions { ClassNames = new[] { "b", "a" } });
            Assert.Equal(new[] { "b", "a" }, folder.ClassNames);
            Assert.Equal(dir.Combine("b", "img_000.png"), folder.Files[0].Path);
            Assert.Equal(0, folder.Files[0].Label);
        }

        [Fact]
        public void Should_NameMissingAndUnlistedFolders_When_ClassNamesDoNotMatch()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "a", "b" }, perClass: 1);
            var error = Assert.Throws<ArgumentException>(() => new ImageFolder(dir.Path, new ImageFolderOptions { ClassNames = new[] { "a", "c" } }));
            Assert.Contains("Invalid value for argument classNames", error.Message);
            Assert.Contains("no folder for 'c'", error.Message);
            Assert.Contains("not listed: 'b'", error.Message);
        }

        [Fact]
        public void Should_ReadNestedFoldersAndIgnoreOtherFiles_When_Scanned()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "a" }, perClass: 1);
            using (var img = GeneratedImages.Pattern(12, 10)) GeneratedImages.Save(img, dir.Combine("a", "deeper", "nested.PNG"));
            File.WriteAllText(dir.Combine("a", "README.txt"), "about the images");
            File.WriteAllText(dir.Combine("a", ".DS_Store"), "junk");
            using (var img = GeneratedImages.Pattern(12, 10)) GeneratedImages.Save(img, dir.Combine("a", ".hidden.png"));
            Directory.CreateDirectory(dir.Combine(".git"));
            var folder = new ImageFolder(dir.Path);
            Assert.Equal(new[] { "a" }, folder.ClassNames);
            Assert.Equal(new[] { dir.Combine("a", "deeper", "nested.PNG"), dir.Combine("a", "img_000.png") }, folder.Files.Select(f => f.Path));
            Assert.Equal(new[] { dir.Combine("a", "README.txt") }, folder.IgnoredFiles);
        }

        [Fact]
        public void Should_NameTheFolder_When_ItDoesNotExist()
        {
            var path = Path.Combine(Path.GetTempPath(), "kernelwise-no-such-folder-" + Guid.NewGuid().ToString("N"));
            var error = Assert.Throws<DirectoryNotFoundException>(() => new ImageFolder(path));
            Assert.Contains(path, error.Message);
            Assert.Contains("one subfolder per class", error.Message);
        }

        [Fact]
        public void Should_ExplainTheLayout_When_TheRootHasNoClassFolders()
        {
            using var dir = new TempDirectory();
            using (var img = GeneratedImages.Pattern(8, 8)) GeneratedImages.Save(img, dir.Combine("loose.png"));
            var error = Assert.Throws<ArgumentException>(() => new ImageFolder(dir.Path));
            Assert.Contains($"Received directory='{dir.Path}', which has no subfolders but 1 image file(s) directly inside", error.Message);
        }

        [Fact]
        public void Should_FailNamingTheFolder_When_AClassFolderIsEmptyAndPolicyIsFailFast()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "a" }, perClass: 2);
            Directory.CreateDirectory(dir.Combine("b"));
            var error = Assert.Throws<ImageFileException>(() => new ImageFolder(dir.Path));
            Assert.Equal(dir.Combine("b"), error.FilePath);
            Assert.Contains("class 'b' (label 1) has no samples", error.Message);
        }

        [Fact]
        public void Should_KeepTheClassAndReportIt_When_AClassFolderIsEmptyAndPolicyIsSkip()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "a", "c" }, perClass: 2);
            Directory.CreateDirectory(dir.Combine("b"));
            var folder = new ImageFolder(dir.Path, new ImageFolderOptions { OnBadFile = BadFilePolicy.Skip });
            Assert.Equal(new[] { "a", "b", "c" }, folder.ClassNames); // labels stay stable
            Assert.Equal(new[] { 2, 0, 2 }, folder.ClassCounts);
            var skipped = Assert.Single(folder.SkippedFiles);
            Assert.Equal(dir.Combine("b"), skipped.Path);
        }

        [Fact]
        public void Should_FailWithTheFirstReason_When_EveryFileIsBad()
        {
            using var dir = new TempDirectory();
            Directory.CreateDirectory(dir.Combine("a"));
            File.WriteAllBytes(dir.Combine("a", "x.png"), Array.Empty<byte>());
            var error = Assert.Throws<InvalidDataException>(() => new ImageFolder(dir.Path, new ImageFolderOptions { OnBadFile = BadFilePolicy.Skip }));
            Assert.Contains("no usable image", error.Message);
            Assert.Contains("x.png: the file is empty (0 bytes)", error.Message);
        }
    }

    public class Decoding
    {
        [Theory]
        [InlineData(".png")]
        [InlineData(".bmp")]
        [InlineData(".webp")]
        public void Should_ReproduceThePixelsExactly_When_TheFormatIsLossless(string extension)
        {
            using var dir = new TempDirectory();
            using var image = GeneratedImages.Pattern(6, 5, seed: 1);
            GeneratedImages.Save(image, dir.Combine("a", "x" + extension));
            var folder = new ImageFolder(dir.Path);
            var (input, target) = folder.GetExample(0);
            using (input)
            using (target)
            {
                Assert.Equal(new long[] { 3, 5, 6 }, input.shape);
                Assert.Equal(0L, target.item<long>());
                var v = input.data<float>().ToArray();
                for (int y = 0; y < 5; y++)
                    for (int x = 0; x < 6; x++)
                    {
                        var p = image[x, y];
                        Assert.Equal(p.R / 255f, v[0 * 30 + y * 6 + x], 6);
                        Assert.Equal(p.G / 255f, v[1 * 30 + y * 6 + x], 6);
                        Assert.Equal(p.B / 255f, v[2 * 30 + y * 6 + x], 6);
                    }
            }
        }

        [Fact]
        public void Should_ConvertEveryImageToTheColorMode_When_TheFolderMixesGrayRgbAndAlpha()
        {
            using var dir = new TempDirectory();
            using (var g = GeneratedImages.GrayPattern(8, 8)) GeneratedImages.Save(g, dir.Combine("a", "gray.png"));
            using (var c = GeneratedImages.Pattern(8, 8)) GeneratedImages.Save(c, dir.Combine("a", "rgb.jpg"));
            using (var a = GeneratedImages.RgbaPattern(8, 8)) GeneratedImages.Save(a, dir.Combine("a", "rgba.png"));
            using (var c = GeneratedImages.Pattern(8, 8)) GeneratedImages.Save(c, dir.Combine("a", "rgb.bmp"));
            using (var c = GeneratedImages.Pattern(8, 8)) GeneratedImages.Save(c, dir.Combine("a", "rgb.webp"));
            using (var c = GeneratedImages.Pattern(8, 8)) GeneratedImages.Save(c, dir.Combine("a", "rgb.gif"));
            foreach (var (mode, channels) in new[] { (ColorMode.Grayscale, 1L), (ColorMode.Rgb, 3L), (ColorMode.Rgba, 4L) })
            {
                var folder = new ImageFolder(dir.Path, new ImageFolderOptions { ColorMode = mode });
                using var batch = folder.GetBatch(Enumerable.Range(0, 6).Select(i => (long)i).ToArray());
                Assert.Equal(new[] { 6L, channels, 8, 8 }, batch.Inputs.shape);
                Assert.Equal(ScalarType.Float32, batch.Inputs.dtype);
                Assert.True(batch.Inputs.min().item<float>() >= 0 && batch.Inputs.max().item<float>() <= 1);
            }
        }

        [Fact]
        public void Should_UseLumaForGrayscaleReplicateGrayForRgbAndOpaqueAlphaForRgba_When_Converting()
        {
            using var dir = new TempDirectory();
            using (var g = GeneratedImages.GrayPattern(4, 4)) GeneratedImages.Save(g, dir.Combine("a", "0gray.png"));
            using (var c = GeneratedImages.Pattern(4, 4)) GeneratedImages.Save(c, dir.Combine("a", "1rgb.png"));
            using var gray = GeneratedImages.GrayPattern(4, 4);
            using var rgb = GeneratedImages.Pattern(4, 4);

            var asRgb = new ImageFolder(dir.Path, new ImageFolderOptions { ColorMode = ColorMode.Rgb });
            using (var x = asRgb.GetExample(0).Input)
            {
                float expected = gray[1, 2].PackedValue / 255f;
                Assert.Equal(expected, x[0, 2, 1].item<float>(), 6);
                Assert.Equal(expected, x[2, 2, 1].item<float>(), 6);
            }
            var asGray = new ImageFolder(dir.Path, new ImageFolderOptions { ColorMode = ColorMode.Grayscale });
            using (var x = asGray.GetExample(1).Input)
            {
                var p = rgb[3, 1];
                float luma = MathF.Round(0.299f * p.R + 0.587f * p.G + 0.114f * p.B) / 255f;
                Assert.Equal(luma, x[0, 1, 3].item<float>(), 6);
            }
            var asRgba = new ImageFolder(dir.Path, new ImageFolderOptions { ColorMode = ColorMode.Rgba });
            using (var x = asRgba.GetExample(1).Input) Assert.Equal(1f, x[3].min().item<float>());
        }

        [Fact]
        public void Should_ResizeEveryImage_When_ImageSizeIsSet()
        {
            using var dir = new TempDirectory();
            using (var a = GeneratedImages.Pattern(30, 20)) GeneratedImages.Save(a, dir.Combine("a", "wide.png"));
            using (var b = GeneratedImages.Pattern(9, 17)) GeneratedImages.Save(b, dir.Combine("a", "tall.png"));
            var folder = new ImageFolder(dir.Path, new ImageFolderOptions { ImageSize = (8, 12), CropToAspectRatio = true });
            using var batch = folder.GetBatch(new long[] { 0, 1 });
            Assert.Equal(new long[] { 2, 3, 8, 12 }, batch.Inputs.shape);
        }

        [Fact]
        public void Should_NameBothFilesAndTheFix_When_ImagesInABatchHaveDifferentSizes()
        {
            using var dir = new TempDirectory();
            using (var a = GeneratedImages.Pattern(10, 10)) GeneratedImages.Save(a, dir.Combine("a", "1.png"));
            using (var b = GeneratedImages.Pattern(12, 10)) GeneratedImages.Save(b, dir.Combine("a", "2.png"));
            var folder = new ImageFolder(dir.Path, new ImageFolderOptions { OnBadFile = BadFilePolicy.Skip });
            var error = Assert.Throws<ImageFileException>(() => folder.GetBatch(new long[] { 0, 1 }));
            Assert.Equal(dir.Combine("a", "2.png"), error.FilePath);
            Assert.Contains("3×10×12", error.Message);
            Assert.Contains("1.png", error.Message);
            Assert.Contains("ImageSize", error.Message);
            Assert.Empty(folder.SkippedFiles); // a configuration problem, not a bad file
        }

        [Fact]
        public void Should_DecodeOnlyTheFirstFrame_When_AGifIsAnimated()
        {
            using var dir = new TempDirectory();
            using var animation = new Image<Rgb24>(6, 6, new Rgb24(255, 0, 0));
            using (var second = new Image<Rgb24>(6, 6, new Rgb24(0, 0, 255))) animation.Frames.AddFrame(second.Frames.RootFrame);
            GeneratedImages.Save(animation, dir.Combine("a", "anim.gif"));
            var folder = new ImageFolder(dir.Path);
            using var x = folder.GetExample(0).Input;
            Assert.Equal(new long[] { 3, 6, 6 }, x.shape);
            Assert.Equal(1f, x[0].mean().item<float>(), 2);
        }
    }

    public class BadFiles
    {
        public static TheoryData<string> CorpusNames() => new(GeneratedImages.BrokenCorpus().Keys);

        private static readonly Dictionary<string, string> ExpectedReason = new()
        {
            ["zero_bytes.png"] = "the file is empty (0 bytes)",
            ["truncated.jpg"] = "the file is truncated",
            ["truncated_header.jpg"] = "",
            ["truncated.png"] = "the file is truncated",
            ["truncated.gif"] = "the file is truncated",
            ["truncated.bmp"] = "the file is truncated",
            ["truncated.webp"] = "the file is truncated",
            ["corrupt.png"] = "corrupt",
            ["corrupt.jpg"] = "",
            ["text.jpg"] = "the content is text, not an image",
            ["random_bytes.png"] = "not a recognised image format",
            ["tiff_content.png"] = "TIFF image, which is not supported",
            ["unsupported.tiff"] = "'.tiff' images are not supported",
            ["bomb.png"] = "100000×100000 = 10,000,000,000 pixels, above the limit of 89,478,485",
            ["bomb.gif"] = "65535×65535",
        };

        private static string MakeFolder(TempDirectory dir, string brokenName, byte[] content)
        {
            GeneratedImages.WriteFolder(dir.Path, new[] { "good" }, perClass: 3);
            Directory.CreateDirectory(dir.Combine("mixed"));
            using (var img = GeneratedImages.Pattern(12, 10)) GeneratedImages.Save(img, dir.Combine("mixed", "fine.png"));
            var path = dir.Combine("mixed", brokenName);
            File.WriteAllBytes(path, content);
            return path;
        }

        [Theory]
        [MemberData(nameof(CorpusNames))]
        public void Should_FailNamingTheFileAndReason_When_PolicyIsFailFast(string name)
        {
            using var dir = new TempDirectory();
            var path = MakeFolder(dir, name, GeneratedImages.BrokenCorpus()[name]);
            long before = Batch.LiveCount;
            // Found by the header scan at construction, or else while loading (from a worker thread).
            var error = Assert.Throws<ImageFileException>(() =>
            {
                var folder = new ImageFolder(dir.Path);
                foreach (var batch in new DataLoader(folder, batchSize: 2, numWorkers: 2)) batch.Dispose();
            });
            Assert.Equal(path, error.FilePath);
            Assert.Contains(path, error.Message);
            Assert.Contains(ExpectedReason[name], error.Reason);
            Assert.Equal(before, Batch.LiveCount);
        }

        [Fact]
        public void Should_SkipAndReportEveryBrokenFile_When_PolicyIsSkip()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "good" }, perClass: 4);
            var corpus = GeneratedImages.BrokenCorpus();
            foreach (var (name, content) in corpus)
            {
                Directory.CreateDirectory(dir.Combine("bad"));
                File.WriteAllBytes(dir.Combine("bad", name), content);
            }
            using (var img = GeneratedImages.Pattern(12, 10)) GeneratedImages.Save(img, dir.Combine("bad", "zz_fine.png"));
            var folder = new ImageFolder(dir.Path, new ImageFolderOptions { OnBadFile = BadFilePolicy.Skip });
            Assert.True(folder.SkippedFiles.Count >= 8, "the header scan finds most broken files");

            // The rest are found while training; they leave their batches, which get smaller.
            long samples = 0;
            foreach (var worker in new[] { 0, 2 })
            {
                samples = 0;
                foreach (var batch in new DataLoader(folder, batchSize: 3, shuffle: true, seed: 1, numWorkers: worker))
                {
                    using (batch)
                    {
                        Assert.Equal(new long[] { 3, 10, 12 }, batch.Inputs.shape.Skip(1).ToArray());
                        samples += batch.Size;
                    }
                }
            }
            Assert.Equal(5, samples); // 4 good + zz_fine
            var skipped = folder.SkippedFiles.ToDictionary(s => Path.GetFileName(s.Path), s => s.Reason);
            Assert.Equal(corpus.Keys.Order(), skipped.Keys.Order());
            foreach (var (name, reason) in ExpectedReason) Assert.Contains(reason, skipped[name]);
        }

        [Fact]
        public void Should_RefuseImagesAboveTheConfiguredPixelLimit_When_MaxPixelsIsSet()
        {
            using var dir = new TempDirectory();
            using (var small = GeneratedImages.Pattern(10, 10)) GeneratedImages.Save(small, dir.Combine("a", "small.png"));
            using (var large = GeneratedImages.Pattern(40, 30)) GeneratedImages.Save(large, dir.Combine("a", "large.png"));
            var folder = new ImageFolder(dir.Path, new ImageFolderOptions { MaxPixels = 1000, OnBadFile = BadFilePolicy.Skip });
            Assert.Equal(new[] { dir.Combine("a", "small.png") }, folder.Files.Select(f => f.Path));
            Assert.Contains("40×30 = 1,200 pixels, above the limit of 1,000", Assert.Single(folder.SkippedFiles).Reason);
        }

        [Fact]
        public void Should_DeliverTheFileFromTheWorker_When_AFileIsDamagedAfterTheScan()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "a", "b" }, perClass: 10);
            var folder = new ImageFolder(dir.Path);
            var victim = folder.Files[13].Path;
            var bytes = File.ReadAllBytes(victim);
            File.WriteAllBytes(victim, bytes[..(bytes.Length - 20)]);
            long before = Batch.LiveCount;
            var error = Assert.Throws<ImageFileException>(() =>
            {
                foreach (var batch in new DataLoader(folder, batchSize: 4, numWorkers: 2)) batch.Dispose();
            });
            Assert.Equal(victim, error.FilePath);
            Assert.True(error.Message.Contains("truncated"), error.Message);
            Assert.Equal(before, Batch.LiveCount);
        }

        [Fact]
        public void Should_SkipAtLoadTime_When_AFileVanishesAfterTheScan()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "a" }, perClass: 4);
            var folder = new ImageFolder(dir.Path, new ImageFolderOptions { OnBadFile = BadFilePolicy.Skip });
            File.Delete(folder.Files[2].Path);
            using var batch = folder.GetBatch(new long[] { 0, 1, 2, 3 });
            Assert.Equal(3, batch.Size);
            Assert.Contains("no longer exists", Assert.Single(folder.SkippedFiles).Reason);
        }
    }

    public class Augmentation
    {
        private static ImageFolder Folder(TempDirectory dir) => new(dir.Path, new ImageFolderOptions
        {
            Transform = new TransformPipeline()
                .RandomResizedCrop(12, 12, scale: (0.3, 1.0))
                .RandomHorizontalFlip()
                .RandomRotation(20)
                .ColorJitter(brightness: 0.3, contrast: 0.3, saturation: 0.3, hue: 0.1)
                .ToTensor()
                .Normalize(new[] { 0.5, 0.5, 0.5 }, new[] { 0.25, 0.25, 0.25 }),
        });

        private static List<Tensor> Epoch(DataLoader loader)
        {
            var inputs = new List<Tensor>();
            foreach (var batch in loader)
            {
                inputs.Add(batch.Inputs.clone());
                batch.Dispose();
            }
            return inputs;
        }

        [Fact]
        public void Should_GiveIdenticalBatches_When_LoadedWithOneOrTwoWorkers()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "a", "b", "c" }, perClass: 6, width: 20, height: 16, extension: ".jpg");
            var folder = Folder(dir);
            var one = Epoch(new DataLoader(folder, batchSize: 5, shuffle: true, seed: 11, numWorkers: 1) { Epoch = 3 });
            var two = Epoch(new DataLoader(folder, batchSize: 5, shuffle: true, seed: 11, numWorkers: 2) { Epoch = 3 });
            var none = Epoch(new DataLoader(folder, batchSize: 5, shuffle: true, seed: 11, numWorkers: 0) { Epoch = 3 });
            Assert.Equal(4, one.Count);
            for (int i = 0; i < one.Count; i++)
            {
                Assert.Equal(new[] { i < 3 ? 5L : 3L, 3, 12, 12 }, one[i].shape);
                Assert.True(one[i].equal(two[i]).all().item<bool>(), $"batch {i} differs between 1 and 2 workers");
                Assert.True(one[i].equal(none[i]).all().item<bool>(), $"batch {i} differs between 1 and 0 workers");
            }
            foreach (var t in one.Concat(two).Concat(none)) t.Dispose();
        }

        [Fact]
        public void Should_DrawNewAugmentationEachEpoch_When_TheSeedIsFixed()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "a" }, perClass: 4, width: 20, height: 16);
            var folder = Folder(dir);
            var loader = new DataLoader(folder, batchSize: 4, seed: 2, numWorkers: 1);
            var e0 = Epoch(loader);
            var e1 = Epoch(loader);
            var again = Epoch(new DataLoader(folder, batchSize: 4, seed: 2, numWorkers: 2));
            Assert.False(e0[0].equal(e1[0]).all().item<bool>());
            Assert.True(e0[0].equal(again[0]).all().item<bool>());
            foreach (var t in e0.Concat(e1).Concat(again)) t.Dispose();
        }

        [Fact]
        public void Should_ShareFilesAndSkipLog_When_ViewsAreMade()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "a", "b" }, perClass: 3);
            var folder = new ImageFolder(dir.Path, new ImageFolderOptions { OnBadFile = BadFilePolicy.Skip });
            var plain = folder.WithTransform(new TransformPipeline());
            var part = folder.Subset(new long[] { 4, 1 });
            Assert.Equal(new[] { folder.Files[4], folder.Files[1] }, part.Files);
            File.WriteAllBytes(folder.Files[1].Path, Array.Empty<byte>());
            using (var b = part.GetBatch(new long[] { 0, 1 })) Assert.Equal(1, b.Size);
            Assert.Single(plain.SkippedFiles);
            Assert.Single(folder.SkippedFiles);
        }
    }
}

public class ImageFolderTrainingTests
{
    [Fact]
    public void Should_LearnTheClasses_When_FittedFromAFolderWithWorkers()
    {
        using var dir = new TempDirectory();
        var rng = new Random(0);
        foreach (var (name, level) in new[] { ("dark", 40), ("light", 200) })
        {
            for (int i = 0; i < 16; i++)
            {
                using var image = new Image<L8>(12, 12);
                for (int y = 0; y < 12; y++)
                    for (int x = 0; x < 12; x++)
                        image[x, y] = new L8((byte)Math.Clamp(level + rng.Next(-40, 41), 0, 255));
                GeneratedImages.Save(image, dir.Combine(name, $"{i:D2}.png"));
            }
        }
        var (train, validation) = ImageDataset.FromDirectory(dir.Path, imageSize: (12, 12), colorMode: ColorMode.Grayscale, validationSplit: 0.25, seed: 1,
            transform: new TransformPipeline().RandomHorizontalFlip().ToTensor());
        Assert.Equal(DataLoaderOptions.Parallel, train.LoaderOptions);
        long before = Batch.LiveCount;
        TorchSharp.torch.manual_seed(0);
        using var model = new Sequential(new Shape(1, 12, 12), "folder_net")
            .Conv2D(4, 3, padding: Padding.Same, activation: Activation.ReLU)
            .MaxPooling2D(2)
            .Flatten()
            .Dense(2)
            .Build(ComputeDevice.Cpu)
            .Compile(new Kernelwise.Adam(0.05), new Kernelwise.CrossEntropy(), new Kernelwise.Accuracy());
        var history = model.Fit(train, epochs: 3, batchSize: 8, validationData: validation, seed: 3, verbose: 0);
        Assert.True(history["val_accuracy"][^1] >= 0.9, $"validation accuracy {history["val_accuracy"][^1]}");
        Assert.Equal(before, Batch.LiveCount);
    }
}
