using Kernelwise.Data;

namespace Kernelwise.Tests.Data;

public class ImageDatasetTests
{
    public class FromDirectory
    {
        [Fact]
        public void Should_SplitIntoDisjointPartsOfTheRightSizes_When_AValidationSplitIsGiven()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "a", "b" }, perClass: 10);
            var (train, validation) = ImageDataset.FromDirectory(dir.Path, imageSize: (8, 8), validationSplit: 0.25, seed: 3);
            Assert.NotNull(validation);
            Assert.Equal(15, train.Count);
            Assert.Equal(5, validation!.Count);
            var trainPaths = train.Files.Select(f => f.Path).ToHashSet();
            Assert.DoesNotContain(validation.Files, f => trainPaths.Contains(f.Path));
            Assert.Equal(20, trainPaths.Count + validation.Count);
            Assert.Equal(new[] { "a", "b" }, train.ClassNames);

            var again = ImageDataset.FromDirectory(dir.Path, imageSize: (8, 8), validationSplit: 0.25, seed: 3);
            Assert.Equal(validation.Files, again.Validation!.Files);
            var other = ImageDataset.FromDirectory(dir.Path, imageSize: (8, 8), validationSplit: 0.25, seed: 4);
            Assert.NotEqual(validation.Files, other.Validation!.Files);
        }

        [Fact]
        public void Should_ResizeToTheImageSizeAndApplyTheTransformToTrainingOnly_When_Loaded()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "a", "b" }, perClass: 4, width: 20, height: 14);
            var augment = new TransformPipeline().RandomCrop(6).ToTensor();
            var splits = ImageDataset.FromDirectory(dir.Path, imageSize: (10, 12), colorMode: ColorMode.Grayscale, validationSplit: 0.5, seed: 1, transform: augment);
            using (var b = splits.Train.GetBatch(new long[] { 0, 1 })) Assert.Equal(new long[] { 2, 1, 6, 6 }, b.Inputs.shape);
            using (var b = splits.Validation!.GetBatch(new long[] { 0, 1 })) Assert.Equal(new long[] { 2, 1, 10, 12 }, b.Inputs.shape);
        }

        [Fact]
        public void Should_TakeTheSettingsAndTheTransformFromTheOptions_When_NoArgumentGivesThem()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "a", "b" }, perClass: 4, width: 20, height: 14);
            var options = new ImageFolderOptions { ImageSize = (10, 12), ColorMode = ColorMode.Grayscale, Transform = new TransformPipeline().RandomCrop(6).ToTensor() };
            var splits = ImageDataset.FromDirectory(dir.Path, validationSplit: 0.5, seed: 1, options: options);
            Assert.Same(options.Transform, splits.Train.Transform);
            using (var b = splits.Train.GetBatch(new long[] { 0, 1 })) Assert.Equal(new long[] { 2, 1, 6, 6 }, b.Inputs.shape);
            using (var b = splits.Validation!.GetBatch(new long[] { 0, 1 })) Assert.Equal(new long[] { 2, 1, 10, 12 }, b.Inputs.shape);
        }

        [Fact]
        public void Should_NameBothValues_When_AnArgumentContradictsTheOptions()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "a", "b" }, perClass: 2);
            var size = Assert.Throws<ArgumentException>(() => ImageDataset.FromDirectory(dir.Path, imageSize: (8, 8), options: new() { ImageSize = (10, 12) }));
            Assert.StartsWith("Conflicting values for imageSize: the argument imageSize=(8, 8) and options.ImageSize=(10, 12) disagree. Give each setting once, as an argument or in options.", size.Message);
            Assert.Equal("imageSize", size.ParamName);
            // Set to its default value in the options is still set: the argument does not silently win.
            var mode = Assert.Throws<ArgumentException>(() => ImageDataset.FromDirectory(dir.Path, colorMode: ColorMode.Grayscale, options: new() { ColorMode = ColorMode.Rgb }));
            Assert.StartsWith("Conflicting values for colorMode: the argument colorMode=Grayscale and options.ColorMode=Rgb disagree.", mode.Message);
            var transform = Assert.Throws<ArgumentException>(() => ImageDataset.FromDirectory(dir.Path, transform: new TransformPipeline().RandomHorizontalFlip(),
                options: new() { Transform = new TransformPipeline().RandomVerticalFlip() }));
            Assert.Contains("options.Transform=Compose(RandomVerticalFlip", transform.Message);
            var names = Assert.Throws<ArgumentException>(() => ImageDataset.FromDirectory(dir.Path, classNames: new[] { "a", "b" }, options: new() { ClassNames = new[] { "b", "a" } }));
            Assert.StartsWith("Conflicting values for classNames: the argument classNames=[a, b] and options.ClassNames=[b, a] disagree.", names.Message);
            Assert.Throws<ArgumentException>(() => ImageDataset.FromDirectory(dir.Path, onBadFile: BadFilePolicy.Skip, options: new() { OnBadFile = BadFilePolicy.FailFast }));
            Assert.Throws<ArgumentException>(() => ImageDataset.FromDirectory(dir.Path, interpolation: Interpolation.Nearest, options: new() { Interpolation = Interpolation.Bilinear }));
            Assert.Throws<ArgumentException>(() => ImageDataset.FromDirectory(dir.Path, cropToAspectRatio: true, options: new() { CropToAspectRatio = false }));
        }

        [Fact]
        public void Should_Accept_When_AnArgumentAndTheOptionsAgree()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "a", "b" }, perClass: 2);
            var augment = new TransformPipeline().RandomCrop(6).ToTensor();
            var splits = ImageDataset.FromDirectory(dir.Path, imageSize: (8, 8), classNames: new[] { "a", "b" }, transform: augment,
                options: new() { ImageSize = (8, 8), ClassNames = new List<string> { "a", "b" }, Transform = augment, MaxPixels = 10_000 });
            Assert.Equal(4, splits.Train.Count);
            Assert.Equal(10_000, splits.Train.Options.MaxPixels);
        }

        [Fact]
        public void Should_Default256By256AndNoValidation_When_OnlyTheDirectoryIsGiven()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "a" }, perClass: 1);
            var splits = ImageDataset.FromDirectory(dir.Path);
            Assert.Null(splits.Validation);
            using var x = splits.Train.GetExample(0).Input;
            Assert.Equal(new long[] { 3, 256, 256 }, x.shape);
        }

        [Fact]
        public void Should_Refuse_When_TheSplitLeavesAPartEmpty()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "a" }, perClass: 3);
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => ImageDataset.FromDirectory(dir.Path, validationSplit: 0.2, seed: 1));
            Assert.Contains("Received validationSplit=0.2", error.Message);
            Assert.Contains("3 images", error.Message);
            Assert.Contains("Expected a value in [0, 1)", Assert.Throws<ArgumentOutOfRangeException>(() => ImageDataset.FromDirectory(dir.Path, validationSplit: 1)).Message);
        }

        [Fact]
        public void Should_ReportSkippedFiles_When_PolicyIsSkip()
        {
            using var dir = new TempDirectory();
            GeneratedImages.WriteFolder(dir.Path, new[] { "a" }, perClass: 2);
            File.WriteAllText(dir.Combine("a", "notes.jpg"), "not an image");
            var splits = ImageDataset.FromDirectory(dir.Path, onBadFile: BadFilePolicy.Skip);
            Assert.Equal(2, splits.Train.Count);
            Assert.Equal(dir.Combine("a", "notes.jpg"), Assert.Single(splits.SkippedFiles).Path);
        }
    }
}
