using Kernelwise.Data;

namespace Kernelwise.Tests.Data.Datasets;

public class MnistTests
{
    public class ClassNames
    {
        [Fact]
        public void Should_BeTheDigitsZeroToNine_When_Read()
        {
            Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], Mnist.ClassNames);
        }

        [Fact]
        public void Should_PublishOriginalFileNamesAndSizes_When_Read()
        {
            Assert.Equal(
                [("train-images-idx3-ubyte.gz", 9_912_422L), ("train-labels-idx1-ubyte.gz", 28_881L), ("t10k-images-idx3-ubyte.gz", 1_648_877L), ("t10k-labels-idx1-ubyte.gz", 4_542L)],
                Mnist.Files.Select(f => (f.Name, f.Bytes)));
            Assert.Equal(new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"), Mnist.DefaultBaseUrl);
        }
    }

    public class Load : IDisposable
    {
        private readonly TempDirectory _dir = new();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void Should_LoadFromMnistSubfolderOfKernelwiseData_When_VariableIsSet()
        {
            IdxFiles.WriteDataset(_dir.Combine("data", "mnist"), train: 12, test: 6, gzip: false);
            var options = new DatasetOptions
            {
                CacheDirectory = _dir.Combine("cache"),
                EnvironmentVariables = name => name == "KERNELWISE_DATA" ? _dir.Combine("data") : null,
                Download = false,
            };

            var (train, test, classNames) = Mnist.Load(options: options);
            using (train)
            using (test)
            {
                Assert.Equal(new long[] { 12, 1, 28, 28 }, train.Inputs.shape);
                Assert.Equal(6, test.Count);
                Assert.Equal("7", classNames[7]);
            }
        }

        [Fact]
        public void Should_ListOptionsWithoutAptPackage_When_Offline()
        {
            Uri refusing = LoopbackHttpServer.RefusingUrl();
            var options = new DatasetOptions { CacheDirectory = _dir.Combine("cache"), BaseUrl = refusing, EnvironmentVariables = _ => null };

            var e = Assert.Throws<DatasetNotFoundException>(() => Mnist.Load(options: options));

            Assert.StartsWith($"MNIST was not found on this machine and could not be downloaded. Download of '{refusing}train-images-idx3-ubyte.gz' failed: ", e.Message);
            Assert.Contains("Mnist.Load(\"/path/to/folder\")", e.Message);
            Assert.Contains("in a 'mnist' subfolder", e.Message);
            Assert.DoesNotContain("apt-get", e.Message);
            Assert.EndsWith($"place them in {_dir.Combine("cache", "mnist")}", e.Message);
        }

        [Fact]
        public void Should_DefaultToPerUserCache_When_NoCacheDirectoryIsGiven()
        {
            string xdg = _dir.Combine("xdg");
            Func<string, string?> env = name => name == "XDG_CACHE_HOME" ? xdg : null;
            var options = new DatasetOptions { BaseUrl = LoopbackHttpServer.RefusingUrl(), EnvironmentVariables = env };

            var e = Assert.Throws<DatasetNotFoundException>(() => Mnist.Load(options: options));

            Assert.EndsWith($"place them in {Path.Combine(DatasetOptions.GetDefaultCacheDirectory(env), "mnist")}", e.Message);
        }
    }
}
