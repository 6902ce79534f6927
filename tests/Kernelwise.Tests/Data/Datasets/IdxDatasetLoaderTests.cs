using System.Security.Cryptography;
using Kernelwise.Data;
using static Kernelwise.Tests.Data.Datasets.IdxFiles;

namespace Kernelwise.Tests.Data.Datasets;

/// <summary>
/// The search order, download and validation shared by <see cref="FashionMnist"/> and <see cref="Mnist"/>, run on a
/// tiny 28×28 dataset whose checksums are those of files the tests generate. Every test passes its own environment
/// lookup, cache and system folders, so nothing depends on (or changes) the machine's state.
/// </summary>
public class IdxDatasetLoaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public virtual void Dispose() => _dir.Dispose();

    /// <summary>A dataset definition for the given published files (gzip), served from <paramref name="baseUrl"/>.</summary>
    private static IdxDatasetDefinition Tiny(Dictionary<string, byte[]> published, Uri? baseUrl = null, string? systemDirectory = null)
    {
        DatasetFile File(string standardName)
        {
            byte[] bytes = published[standardName + ".gz"];
            return new DatasetFile(standardName + ".gz", Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length);
        }
        return new IdxDatasetDefinition(
            "Tiny-MNIST", "tiny-mnist", "Tiny.Load", baseUrl ?? new Uri("http://127.0.0.1:9/unused/"),
            File(TrainImages), File(TrainLabels), File(TestImages), File(TestLabels),
            28, 28, Enumerable.Range(0, 10).Select(i => $"class {i}").ToArray(),
            systemDirectory is null ? [] : [systemDirectory], systemDirectory is null ? null : "dataset-tiny-mnist");
    }

    private DatasetOptions Options(string? kernelwiseData = null, IReadOnlyList<string>? system = null, Uri? baseUrl = null, bool download = true) => new()
    {
        Download = download,
        CacheDirectory = _dir.Combine("cache"),
        EnvironmentVariables = name => name == DatasetOptions.DataEnvironmentVariable ? kernelwiseData : null,
        SystemDirectories = system ?? [],
        BaseUrl = baseUrl,
        Timeout = TimeSpan.FromSeconds(5),
    };

    public class SearchOrder : IdxDatasetLoaderTests
    {
        [Fact]
        public void Should_UseExplicitPath_When_EnvironmentAndCacheAlsoHoldFiles()
        {
            var published = WriteDataset(_dir.Combine("explicit"), train: 3, test: 2);
            WriteDataset(_dir.Combine("env", "tiny-mnist"), train: 4, test: 2);
            WriteDataset(_dir.Combine("cache", "tiny-mnist"), train: 5, test: 2);

            using var splits = IdxDatasetLoader.Load(Tiny(published), _dir.Combine("explicit"), Options(kernelwiseData: _dir.Combine("env")));

            Assert.Equal(3, splits.Train.Count);
            Assert.Equal(_dir.Combine("explicit"), splits.SourceDirectory);
        }

        [Fact]
        public void Should_PreferKernelwiseDataSubfolder_When_VariableIsSet()
        {
            var published = WriteDataset(_dir.Combine("env", "tiny-mnist"), train: 4, test: 2);
            WriteDataset(_dir.Combine("env"), train: 6, test: 2);
            WriteDataset(_dir.Combine("cache", "tiny-mnist"), train: 5, test: 2);

            using var splits = IdxDatasetLoader.Load(Tiny(published), null, Options(kernelwiseData: _dir.Combine("env")));

            Assert.Equal(4, splits.Train.Count);
            Assert.Equal(_dir.Combine("env", "tiny-mnist"), splits.SourceDirectory);
        }

        [Fact]
        public void Should_UseKernelwiseDataFolderItself_When_ItHoldsTheFilesDirectly()
        {
            var published = WriteDataset(_dir.Combine("env"), train: 6, test: 2);
            WriteDataset(_dir.Combine("cache", "tiny-mnist"), train: 5, test: 2);

            using var splits = IdxDatasetLoader.Load(Tiny(published), null, Options(kernelwiseData: _dir.Combine("env")));

            Assert.Equal(6, splits.Train.Count);
        }

        [Fact]
        public void Should_UseCache_When_KernelwiseDataLacksTheFiles()
        {
            Directory.CreateDirectory(_dir.Combine("env"));
            var published = WriteDataset(_dir.Combine("cache", "tiny-mnist"), train: 5, test: 2);
            WriteDataset(_dir.Combine("system"), train: 7, test: 2);

            using var splits = IdxDatasetLoader.Load(Tiny(published), null, Options(kernelwiseData: _dir.Combine("env"), system: [_dir.Combine("system")]));

            Assert.Equal(5, splits.Train.Count);
            Assert.Equal(_dir.Combine("cache", "tiny-mnist"), splits.SourceDirectory);
        }

        [Fact]
        public void Should_UseSystemFolder_When_NothingElseHoldsTheFiles()
        {
            var published = WriteDataset(_dir.Combine("system"), train: 7, test: 3);

            using var splits = IdxDatasetLoader.Load(Tiny(published), null, Options(system: [_dir.Combine("system")]));

            Assert.Equal(7, splits.Train.Count);
            Assert.Equal(3, splits.Test.Count);
        }

        [Fact]
        public void Should_AcceptUncompressedAndDottedNames_When_FilesComeFromOtherDistributions()
        {
            var published = WriteDataset(_dir.Combine("gz"), train: 2, test: 2);
            WriteDataset(_dir.Combine("plain"), train: 3, test: 2, gzip: false);
            WriteDataset(_dir.Combine("dotted"), train: 4, test: 2, gzip: false);
            foreach (string f in Directory.GetFiles(_dir.Combine("dotted")))
                File.Move(f, f.Replace("-idx", ".idx", StringComparison.Ordinal));

            using var plain = IdxDatasetLoader.Load(Tiny(published), _dir.Combine("plain"), Options());
            using var dotted = IdxDatasetLoader.Load(Tiny(published), _dir.Combine("dotted"), Options());

            Assert.Equal(3, plain.Train.Count);
            Assert.Equal(4, dotted.Train.Count);
        }

        [Fact]
        public void Should_ListMissingFilesWithoutFallingBack_When_ExplicitPathLacksFiles()
        {
            var published = WriteDataset(_dir.Combine("explicit"), train: 3, test: 2);
            File.Delete(_dir.Combine("explicit", TestLabels + ".gz"));
            WriteDataset(_dir.Combine("cache", "tiny-mnist"), train: 5, test: 2);

            var e = Assert.Throws<DatasetNotFoundException>(() => IdxDatasetLoader.Load(Tiny(published), _dir.Combine("explicit"), Options()));

            Assert.Equal(
                $"Tiny-MNIST files were not found in '{_dir.Combine("explicit")}' (the path argument): missing t10k-labels-idx1-ubyte[.gz]. " +
                "The folder must hold train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz (each gzip-compressed or not).",
                e.Message);
            Assert.Equal("Tiny-MNIST", e.DatasetName);
        }
    }

    public class Download : IdxDatasetLoaderTests
    {
        private readonly LoopbackHttpServer _server = new();

        public override void Dispose()
        {
            _server.Dispose();
            base.Dispose();
        }

        private Dictionary<string, byte[]> Publish(int train, int test)
        {
            var published = WriteDataset(_dir.Combine("published"), train, test);
            foreach (var (name, bytes) in published) _server.Serve(name, bytes);
            return published;
        }

        [Fact]
        public void Should_DownloadVerifiedFilesIntoCacheAndLoad_When_NothingIsOnDisk()
        {
            var published = Publish(train: 8, test: 4);

            using var splits = IdxDatasetLoader.Load(Tiny(published, _server.BaseUrl), null, Options());

            string cache = _dir.Combine("cache", "tiny-mnist");
            Assert.Equal(cache, splits.SourceDirectory);
            Assert.Equal(8, splits.Train.Count);
            Assert.Equal(4, splits.Test.Count);
            Assert.Equal(published.Keys.Order(), Directory.GetFiles(cache).Select(Path.GetFileName).Order());
            foreach (var (name, bytes) in published) Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(cache, name)));
            Assert.Equal(4, _server.Requests.Count);
        }

        [Fact]
        public void Should_DownloadOnlyMissingFiles_When_CacheHoldsSomeOfThem()
        {
            var published = Publish(train: 8, test: 4);
            string cache = _dir.Combine("cache", "tiny-mnist");
            Directory.CreateDirectory(cache);
            File.WriteAllBytes(Path.Combine(cache, TrainLabels + ".gz"), published[TrainLabels + ".gz"]);
            File.WriteAllBytes(Path.Combine(cache, TestLabels + ".gz"), published[TestLabels + ".gz"]);

            using var splits = IdxDatasetLoader.Load(Tiny(published, _server.BaseUrl), null, Options());

            Assert.Equal(8, splits.Train.Count);
            Assert.Equal(["/data/t10k-images-idx3-ubyte.gz", "/data/train-images-idx3-ubyte.gz"], _server.Requests.Order());
        }

        [Fact]
        public void Should_ReuseCache_When_LoadedTwice()
        {
            var published = Publish(train: 8, test: 4);
            var definition = Tiny(published, _server.BaseUrl);

            using (IdxDatasetLoader.Load(definition, null, Options())) { }
            using var second = IdxDatasetLoader.Load(definition, null, Options());

            Assert.Equal(4, _server.Requests.Count);
            Assert.Equal(8, second.Train.Count);
        }

        [Fact]
        public void Should_NameUrlAndHashesAndLeaveCacheClean_When_ServedFileDiffers()
        {
            var published = Publish(train: 8, test: 4);
            _server.Serve(TrainImages + ".gz", Gzip(IdxFiles.Images(8, 28, 28, seed: 99)));
            var definition = Tiny(published, _server.BaseUrl);

            var e = Assert.Throws<InvalidDataException>(() => IdxDatasetLoader.Load(definition, null, Options()));

            var url = new Uri(_server.BaseUrl, TrainImages + ".gz");
            Assert.StartsWith($"Download of '{url}' failed its checksum: expected SHA-256 {definition.TrainImages.Sha256}, received ", e.Message);
            Assert.DoesNotContain(Directory.GetFiles(_dir.Combine("cache", "tiny-mnist")), f => Path.GetFileName(f).StartsWith(TrainImages, StringComparison.Ordinal));
            Assert.DoesNotContain(Directory.GetFiles(_dir.Combine("cache", "tiny-mnist")), f => f.EndsWith(".part", StringComparison.Ordinal));
        }

        [Fact]
        public void Should_ListEveryOption_When_ServerRefusesConnections()
        {
            var published = WriteDataset(_dir.Combine("published"), train: 2, test: 2);
            Uri refusing = LoopbackHttpServer.RefusingUrl();
            string system = _dir.Combine("system");

            var e = Assert.Throws<DatasetNotFoundException>(() =>
                IdxDatasetLoader.Load(Tiny(published, refusing, system), null, Options(kernelwiseData: _dir.Combine("env"), system: [system])));

            string cache = _dir.Combine("cache", "tiny-mnist");
            string[] lines = e.Message.Split(Environment.NewLine);
            Assert.StartsWith($"Tiny-MNIST was not found on this machine and could not be downloaded. Download of '{refusing}train-images-idx3-ubyte.gz' failed: ", lines[0]);
            Assert.Contains("refused", lines[0], StringComparison.OrdinalIgnoreCase);
            Assert.Equal(
            [
                "Searched:",
                $"  - {_dir.Combine("env", "tiny-mnist")} ($KERNELWISE_DATA/tiny-mnist): folder does not exist",
                $"  - {_dir.Combine("env")} ($KERNELWISE_DATA): folder does not exist",
                $"  - {cache} (cache): folder does not exist",
                $"  - {system} (system package): folder does not exist",
                "Provide the files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) in one of these ways:",
                "  - pass the folder that holds them: Tiny.Load(\"/path/to/folder\");",
                "  - set the environment variable KERNELWISE_DATA to a folder that holds them, directly or in a 'tiny-mnist' subfolder;",
                $"  - on Debian or Ubuntu: sudo apt-get install dataset-tiny-mnist (installs them in {system});",
                $"  - download them from {refusing} and place them in {cache}",
            ], lines[1..]);
            Assert.IsType<DatasetDownloadException>(e.InnerException);
        }

        [Fact]
        public void Should_SayVariableIsUnsetAndNotDownload_When_DownloadIsOff()
        {
            var published = Publish(train: 2, test: 2);
            string cache = _dir.Combine("cache", "tiny-mnist");
            Directory.CreateDirectory(cache);
            File.WriteAllBytes(Path.Combine(cache, TrainImages + ".gz"), published[TrainImages + ".gz"]);

            var e = Assert.Throws<DatasetNotFoundException>(() =>
                IdxDatasetLoader.Load(Tiny(published, _server.BaseUrl), null, Options(download: false)));

            string[] lines = e.Message.Split(Environment.NewLine);
            Assert.Equal("Tiny-MNIST was not found on this machine and could not be downloaded. Downloading is switched off (DatasetOptions.Download = false).", lines[0]);
            Assert.Equal("  - $KERNELWISE_DATA: not set", lines[2]);
            Assert.Equal($"  - {cache} (cache): missing train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]", lines[3]);
            Assert.DoesNotContain(lines, l => l.Contains("apt-get", StringComparison.Ordinal)); // no system package for this dataset
            Assert.Empty(_server.Requests);
        }
    }

    public class Validation : IdxDatasetLoaderTests
    {
        [Fact]
        public void Should_NameFileAndLabel_When_LabelIsOutsideTheClasses()
        {
            var published = WriteDataset(_dir.Combine("data"), train: 3, test: 2);
            string labels = Write(_dir.Combine("data", TrainLabels + ".gz"), Labels(1, 12, 3), gzip: true);

            var e = Assert.Throws<InvalidDataException>(() => IdxDatasetLoader.Load(Tiny(published), _dir.Combine("data"), Options()));

            Assert.Equal($"File '{labels}' holds label 12 at index 1; Tiny-MNIST has 10 classes (labels 0 to 9).", e.Message);
        }

        [Fact]
        public void Should_NameFileAndSize_When_ImagesAreNot28By28()
        {
            var published = WriteDataset(_dir.Combine("data"), train: 3, test: 2);
            string images = Write(_dir.Combine("data", TestImages + ".gz"), IdxFiles.Images(2, 32, 32), gzip: true);

            var e = Assert.Throws<InvalidDataException>(() => IdxDatasetLoader.Load(Tiny(published), _dir.Combine("data"), Options()));

            Assert.Equal($"File '{images}' holds images of 32×32 pixels; Tiny-MNIST images are 28×28.", e.Message);
        }

        [Fact]
        public void Should_NameBothFiles_When_TestSplitCountsDiffer()
        {
            var published = WriteDataset(_dir.Combine("data"), train: 3, test: 2);
            string labels = Write(_dir.Combine("data", TestLabels + ".gz"), Labels(1, 2, 3), gzip: true);

            var e = Assert.Throws<InvalidDataException>(() => IdxDatasetLoader.Load(Tiny(published), _dir.Combine("data"), Options()));

            Assert.Equal(
                $"Files '{_dir.Combine("data", TestImages + ".gz")}' and '{labels}' do not belong together: the image file holds 2 images but the label file holds 3 labels.",
                e.Message);
        }
    }
}
