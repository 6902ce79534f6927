using System.Buffers.Binary;
using System.Text;
using Kernelwise.Data;
using TorchSharp;

namespace Kernelwise.Tests.Data.Datasets;

public class FashionMnistTests
{
    private static readonly string[] ExpectedClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private static DatasetOptions Isolated(string cache, Uri? baseUrl = null) => new()
    {
        CacheDirectory = cache,
        BaseUrl = baseUrl,
        EnvironmentVariables = _ => null,
        SystemDirectories = [],
        Timeout = TimeSpan.FromSeconds(10),
    };

    public class ClassNames
    {
        [Fact]
        public void Should_ListTheTenFashionMnistClassesInLabelOrder_When_Read()
        {
            Assert.Equal(ExpectedClassNames, FashionMnist.ClassNames);
        }

        [Fact]
        public void Should_PublishOfficialFileNamesAndSizes_When_Read()
        {
            Assert.Equal(
                [("train-images-idx3-ubyte.gz", 26_421_880L), ("train-labels-idx1-ubyte.gz", 29_515L), ("t10k-images-idx3-ubyte.gz", 4_422_102L), ("t10k-labels-idx1-ubyte.gz", 5_148L)],
                FashionMnist.Files.Select(f => (f.Name, f.Bytes)));
        }
    }

    public class Load : IDisposable
    {
        private readonly TempDirectory _dir = new();

        public void Dispose() => _dir.Dispose();

        [FactRequiringFashionMnist]
        public void Should_Return60kTrainAnd10kTestInKerasLayout_When_DebianFilesAreInstalled()
        {
            var (train, test, classNames) = FashionMnist.Load(FashionMnist.DebianDirectory);
            using (train)
            using (test)
            {
                Assert.Equal(new long[] { 60_000, 1, 28, 28 }, train.Inputs.shape);
                Assert.Equal(new long[] { 10_000, 1, 28, 28 }, test.Inputs.shape);
                Assert.Equal(new long[] { 60_000 }, train.Targets.shape);
                Assert.Equal(new long[] { 10_000 }, test.Targets.shape);
                Assert.Equal(torch.ScalarType.Float32, train.Inputs.dtype);
                Assert.Equal(torch.ScalarType.Int64, train.Targets.dtype);
                Assert.Equal(0f, train.Inputs.min().item<float>());
                Assert.Equal(1f, train.Inputs.max().item<float>());
                // The well-known mean pixel of the training set (used to normalise Fashion-MNIST) is 0.2860.
                Assert.Equal(0.2860, train.Inputs.mean().item<float>(), 4);
                // Both splits are balanced: 6,000 and 1,000 samples per class, labels 0..9.
                Assert.Equal(Enumerable.Repeat(6_000L, 10), train.Targets.bincount(null, 10).data<long>().ToArray());
                Assert.Equal(Enumerable.Repeat(1_000L, 10), test.Targets.bincount(null, 10).data<long>().ToArray());
                Assert.Equal(new long[] { 9, 0, 0, 3, 0 }, train.Targets[..5].data<long>().ToArray());
                Assert.Equal(new long[] { 9, 2, 1, 1, 6 }, test.Targets[..5].data<long>().ToArray());
                Assert.Equal(ExpectedClassNames, classNames);
                Assert.Equal(ExpectedClassNames, train.ClassNames!);
            }
        }

        [FactRequiringFashionMnist]
        public void Should_FindDebianFolder_When_NoPathVariableOrCacheHoldsTheFiles()
        {
            var options = new DatasetOptions
            {
                CacheDirectory = _dir.Combine("cache"),
                BaseUrl = LoopbackHttpServer.RefusingUrl(),
                EnvironmentVariables = _ => null,
                SystemDirectories = null, // the dataset's own list: Debian's folder
            };

            using var splits = FashionMnist.Load(options: options);

            Assert.Equal(FashionMnist.DebianDirectory, splits.SourceDirectory);
            Assert.Equal(10_000, splits.Test.Count);
        }

        /// <summary>
        /// Serves the official files on a loopback server and downloads them with the checksums built into
        /// <see cref="FashionMnist"/>. The official .gz files are rebuilt from Debian's copies, which hold the same
        /// deflate stream under a shorter gzip header (no file name, another time stamp): restoring the original
        /// header gives back the published bytes, so this test proves the SHA-256 values in the code.
        /// </summary>
        [FactRequiringFashionMnist]
        public void Should_DownloadOfficialFilesWithBuiltInChecksums_When_CacheIsEmpty()
        {
            using var server = new LoopbackHttpServer();
            server.Serve("train-images-idx3-ubyte.gz", Official("train-images-idx3-ubyte.gz", 0x59A7E9DE));
            server.Serve("train-labels-idx1-ubyte.gz", Official("train-labels-idx1-ubyte.gz", 0x59A7E9DE));
            server.Serve("t10k-images-idx3-ubyte.gz", Official("t10k-images-idx3-ubyte.gz", 0x59A7E9F3));
            server.Serve("t10k-labels-idx1-ubyte.gz", Official("t10k-labels-idx1-ubyte.gz", 0x59A7E9F3));

            using var splits = FashionMnist.Load(options: Isolated(_dir.Combine("cache"), server.BaseUrl));

            string cache = _dir.Combine("cache", "fashion-mnist");
            Assert.Equal(cache, splits.SourceDirectory);
            Assert.Equal(60_000, splits.Train.Count);
            Assert.Equal(10_000, splits.Test.Count);
            foreach (var file in FashionMnist.Files)
            {
                Assert.Equal(file.Sha256, DatasetDownloader.ComputeSha256(Path.Combine(cache, file.Name)));
                Assert.Equal(file.Bytes, new FileInfo(Path.Combine(cache, file.Name)).Length);
            }
        }

        [Fact]
        public void Should_RejectFileWithOfficialChecksum_When_ServerSendsOtherData()
        {
            using var server = new LoopbackHttpServer();
            server.Serve("train-images-idx3-ubyte.gz", IdxFiles.Gzip(IdxFiles.Images(2, 28, 28)));

            var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(options: Isolated(_dir.Combine("cache"), server.BaseUrl)));

            Assert.StartsWith(
                $"Download of '{server.BaseUrl}train-images-idx3-ubyte.gz' failed its checksum: expected SHA-256 3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84, received ",
                e.Message);
            Assert.Empty(Directory.GetFileSystemEntries(_dir.Combine("cache", "fashion-mnist")));
        }

        [Fact]
        public void Should_ListPathVariableAptAndCache_When_Offline()
        {
            Uri refusing = LoopbackHttpServer.RefusingUrl();

            var e = Assert.Throws<DatasetNotFoundException>(() => FashionMnist.Load(options: Isolated(_dir.Combine("cache"), refusing)));

            Assert.StartsWith("Fashion-MNIST was not found on this machine and could not be downloaded. Download of ", e.Message);
            Assert.Contains("FashionMnist.Load(\"/path/to/folder\")", e.Message);
            Assert.Contains("set the environment variable KERNELWISE_DATA", e.Message);
            Assert.Contains("sudo apt-get install dataset-fashion-mnist (installs them in /usr/share/datasets/fashion-mnist)", e.Message);
            Assert.Contains($"place them in {_dir.Combine("cache", "fashion-mnist")}", e.Message);
            Assert.Equal("Fashion-MNIST", e.DatasetName);
        }

        [Fact]
        public void Should_LoadSmallCopy_When_PathHoldsValidFiles()
        {
            IdxFiles.WriteDataset(_dir.Combine("mini"), train: 20, test: 10);

            var (train, test) = FashionMnist.Load(_dir.Combine("mini"));
            using (train)
            using (test)
            {
                Assert.Equal(new long[] { 20, 1, 28, 28 }, train.Inputs.shape);
                Assert.Equal(10, test.Count);
                Assert.Equal(ExpectedClassNames, test.ClassNames!);
            }
        }

        /// <summary>The published file: Debian's deflate stream under the original gzip header (name and time stamp).</summary>
        private static byte[] Official(string name, uint modified)
        {
            byte[] debian = File.ReadAllBytes(Path.Combine(FashionMnist.DebianDirectory, name));
            Assert.Equal(0, debian[3]); // no optional header fields: the deflate stream starts at byte 10
            byte[] header = [0x1f, 0x8b, 0x08, 0x08, 0, 0, 0, 0, 0x00, 0x03, .. Encoding.ASCII.GetBytes(name[..^3]), 0];
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), modified);
            return [.. header, .. debian.AsSpan(10)];
        }
    }
}
