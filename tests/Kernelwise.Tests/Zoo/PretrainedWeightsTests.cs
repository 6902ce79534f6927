using System.Globalization;
using System.Security.Cryptography;
using Kernelwise.Data;
using Kernelwise.Models;
using Kernelwise.Tests.Data.Datasets;
using Kernelwise.Zoo;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Zoo;

public class PretrainedWeightsTests
{
    public class Registry
    {
        public static TheoryData<string> Names => new(PretrainedWeights.All.Select(w => w.Name));

        [Fact]
        public void Should_CoverTheArchitecturesOfTheIssue_When_Listed()
        {
            Assert.Equal(["alexnet", "vgg16", "vgg16_bn", "googlenet", "resnet18", "resnet34", "resnet50"], PretrainedWeights.All.Select(w => w.Name));
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void Should_EmbedTheHashPrefixInTheFileName_When_PublishedByTorchvision(string name)
        {
            var w = PretrainedWeights.Get(name);

            Assert.Equal("https://download.pytorch.org/models/" + w.FileName, w.Url.AbsoluteUri);
            Assert.EndsWith("-" + w.Sha256[..8] + ".pth", w.FileName);
            Assert.True(w.HasFullSha256 ? w.Sha256.Length == 64 : w.Sha256.Length == 8, $"{name}: {w.Sha256}");
            Assert.True(w.Bytes is null || w.HasFullSha256, "an exact size is recorded only with the full hash, from the same source");
        }

        [Theory]
        [InlineData("resnet18")]
        [InlineData("resnet50")]
        public void Should_AgreeWithTorchvisionsPublishedSize_When_TheExactSizeIsKnown(string name)
        {
            var w = PretrainedWeights.Get(name);

            Assert.True(w.HasFullSha256);
            double mebibytes = Math.Round(w.Bytes!.Value / 1048576.0, 3);
            Assert.Equal(w.PublishedMebibytes!.Value, mebibytes);
        }

        [Theory]
        [MemberData(nameof(Names))]
        public void Should_BuildTheModelItsFileWasSavedFrom_When_AskedForTheDefinition(string name)
        {
            var w = PretrainedWeights.Get(name);

            var definition = w.Definition();

            Assert.Equal(w.Parameters, definition.Summary().Totals.Trainable); // torchvision counts parameters, not batch-norm statistics
            Assert.Equal(new Shape(1000), definition.ToGraph().Outputs[0].Shape);
        }

        [Fact]
        public void Should_NameImageNetsThousandClassesInTorchvisionsOrder_When_Asked()
        {
            var names = PretrainedWeights.ResNet50.ClassNames;

            Assert.Equal(1000, names.Count);
            Assert.Equal("tench", names[0]);
            Assert.Equal("golden retriever", names[207]);
            Assert.Equal("tabby", names[281]);
            Assert.Equal("banana", names[954]);
            Assert.Equal("toilet tissue", names[999]);
            Assert.Equal(1000, names.Distinct().Count());
        }

        [Fact]
        public void Should_DescribeImageNetPreprocessing_When_AskedForAResNet()
        {
            var p = PretrainedWeights.ResNet18.Preprocessing;

            Assert.Equal((256, 224, 224, ColorMode.Rgb, ImageFit.ResizeAndCenterCrop), (p.ResizeSize, p.Width, p.Height, p.ColorMode, p.Fit));
            Assert.Equal([0.485, 0.456, 0.406], p.Mean);
            Assert.Equal([0.229, 0.224, 0.225], p.Std);
            Assert.Equal("Compose(Resize(size=256, interpolation=Bilinear), CenterCrop(size=(224, 224)), ToTensor(), Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]))",
                p.ToPipeline().ToString());
            Assert.Equal(p.ToPipeline().ToString(), TransformPipeline.ImageNet().ToString());
        }

        [Fact]
        public void Should_NormaliseToMinusOneToOne_When_UsingGoogLeNetWithoutTorchvisionsTransformInput()
        {
            // torchvision's transform_input turns ImageNet-normalised x into (raw − 0.5) / 0.5; check the algebra per channel.
            var p = PretrainedWeights.GoogLeNet.Preprocessing;
            double[] mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225];
            foreach (double raw in new[] { 0.0, 0.3, 1.0 })
            {
                for (int c = 0; c < 3; c++)
                {
                    double imagenet = (raw - mean[c]) / std[c];
                    double transformed = imagenet * (std[c] / 0.5) + (mean[c] - 0.5) / 0.5;
                    Assert.Equal(transformed, (raw - p.Mean![c]) / p.Std![c], 12);
                }
            }
        }

        [Fact]
        public void Should_ListKnownNames_When_AskedForAnUnknownOne()
        {
            var e = Assert.Throws<ArgumentException>(() => PretrainedWeights.Get("resnet152"));

            Assert.StartsWith("There are no pretrained weights named 'resnet152'. Known names: alexnet, vgg16, vgg16_bn, googlenet, resnet18, resnet34, resnet50;", e.Message);
            Assert.Same(PretrainedWeights.Vgg16BatchNorm, PretrainedWeights.Get("VGG16_BN"));
            Assert.Same(PretrainedWeights.ResNet18, PretrainedWeights.Get("resnet18-f37072fd.pth"));
        }
    }

    /// <summary>A loopback server serving a torchvision-layout .pth written from a Kernelwise ResNet-18, and a cache folder.</summary>
    public sealed class Downloads : IDisposable
    {
        private readonly TempDirectory _dir = new();
        private readonly LoopbackHttpServer _server = new();
        private readonly StringWriter _log = new();

        public void Dispose()
        {
            _server.Dispose();
            _dir.Dispose();
        }

        private string Cache => _dir.Combine("cache");

        /// <summary>Writes ResNet-18 (ImageNet configuration, 1000 classes) in torchvision's .pth layout; narrowed unless <paramref name="width"/> is 64.</summary>
        private static (byte[] Bytes, Dictionary<string, Tensor> State) TorchvisionFile(string folder, int width)
        {
            using var model = ModelZoo.ResNet18(width: width).Build(ComputeDevice.Cpu);
            string path = Path.Combine(folder, "source.pth");
            Torchvision.SaveWeights(model, path);
            return (File.ReadAllBytes(path), Torchvision.ExportStateDict(model));
        }

        private PretrainedWeights Entry(byte[] bytes, string? sha256 = null, bool exactSize = true)
        {
            string full = Convert.ToHexStringLower(SHA256.HashData(bytes));
            return new PretrainedWeights("resnet18", "ResNet-18", new Uri(_server.BaseUrl, $"resnet18-{full[..8]}.pth"), sha256 ?? full, exactSize ? bytes.Length : null,
                definition: (n, top, pool) => ModelZoo.ResNet18(n, variant: ZooVariant.ImageNet, width: 8, includeTop: top, pooling: pool));
        }

        private PretrainedOptions Options(Uri? baseUrl = null, bool download = true, Dictionary<string, string>? env = null) => new()
        {
            CacheDirectory = Cache,
            BaseUrl = baseUrl,
            Download = download,
            SearchTorchHubCache = false,
            ShowProgress = false,
            Timeout = TimeSpan.FromSeconds(10),
            EnvironmentVariables = name => env is not null && env.TryGetValue(name, out var v) ? v : null,
        };

        private void AssertHandHint(PretrainedWeightsException e, PretrainedWeights w, Uri url)
        {
            Assert.Equal(url, e.Url);
            Assert.Equal(w.FileName, e.FileName);
            Assert.Contains($"To install the weights by hand, download {url} by another route and put the file, named '{w.FileName}', in '{Cache}' " +
                "or in a folder named by the KERNELWISE_WEIGHTS environment variable; or pass the file's path instead of the name 'resnet18'.", e.Message);
            Assert.False(Directory.Exists(Cache) && Directory.EnumerateFileSystemEntries(Cache).Any(), "a failed download left something in the cache");
        }

        [Fact]
        public void Should_DownloadVerifyAndLoadResNet18WithoutItsHeadListingTheSkippedTensors_When_TheServerHasTheFile()
        {
            var (bytes, state) = TorchvisionFile(_dir.Path, width: 64);
            try
            {
                var w = Entry(bytes);
                _server.Serve(w.FileName, bytes);
                var progress = new List<DownloadProgress>();
                var options = new PretrainedOptions
                {
                    CacheDirectory = Cache, SearchTorchHubCache = false, ShowProgress = true, Progress = new Progress(progress),
                    EnvironmentVariables = _ => null,
                };

                using var backbone = ModelZoo.ResNet18(includeTop: false, pooling: ZooPooling.Average).Build(ComputeDevice.Cpu);
                var report = w.Load(backbone, options, _log);

                Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(Cache, w.FileName)));
                Assert.Equal([w.FileName], Directory.GetFiles(Cache).Select(Path.GetFileName));
                Assert.True(progress[^1].Completed);
                Assert.Equal(["fc.bias", "fc.weight"], report.Skipped.Select(s => s.Key));
                Assert.Equal([1000L], report.Skipped[0].FileShape!);
                Assert.Empty(report.Missing);
                Assert.Empty(report.Mismatched);
                Assert.Equal(state.Count - 2, report.Loaded.Count);
                var loaded = Torchvision.ExportStateDict(backbone);
                try
                {
                    foreach (var (key, t) in loaded) Assert.True(t.equal(state[key]).all().item<bool>(), $"{key} was not loaded");
                }
                finally
                {
                    foreach (var t in loaded.Values) t.Dispose();
                }
                string log = _log.ToString();
                Assert.Contains($"from '{Path.Combine(Cache, w.FileName)}' into model 'resnet18'", log);
                Assert.Contains("2 skipped (in the file, not in the model):", log);
                Assert.Contains("fc.weight [1000, 512]", log);

                int requests = _server.Requests.Count;
                w.Fetch(options);
                Assert.Equal(requests, _server.Requests.Count); // the verified cache copy is used
            }
            finally
            {
                foreach (var t in state.Values) t.Dispose();
            }
        }

        private sealed class Progress(List<DownloadProgress> reports) : IProgress<DownloadProgress>
        {
            public void Report(DownloadProgress value)
            {
                lock (reports) reports.Add(value);
            }
        }

        [Fact]
        public void Should_ListTheMismatchedClassifierAndKeepItsInitialValues_When_TheModelHasANewHead()
        {
            var (bytes, state) = TorchvisionFile(_dir.Path, width: 8);
            foreach (var t in state.Values) t.Dispose();
            var w = Entry(bytes, exactSize: false, sha256: Convert.ToHexStringLower(SHA256.HashData(bytes))[..8]);
            _server.Serve(w.FileName, bytes);
            using var model = w.Definition(numClasses: 5).Build(ComputeDevice.Cpu);
            using var headBefore = model.Network.state_dict()["fc.weight"].clone();

            var report = w.Load(model, Options(), _log);

            Assert.Equal(["fc.weight", "fc.bias"], report.Mismatched.Select(m => m.Key));
            Assert.Equal([1000L, 64], report.Mismatched[0].FileShape!);
            Assert.Equal([5L, 64], report.Mismatched[0].ModelShape!);
            Assert.Empty(report.Skipped);
            Assert.True(model.Network.state_dict()["fc.weight"].equal(headBefore).all().item<bool>(), "the new head was overwritten");
            Assert.Contains("fc.weight: file [1000, 64], model [5, 64]", _log.ToString());
        }

        [Fact]
        public void Should_KeepNothingAndSayWhereToPutTheFile_When_TheChecksumIsWrong()
        {
            var (bytes, state) = TorchvisionFile(_dir.Path, width: 8);
            foreach (var t in state.Values) t.Dispose();
            var w = Entry(bytes);
            var tampered = (byte[])bytes.Clone();
            tampered[^100] ^= 0xff;
            _server.Serve(w.FileName, tampered);
            var url = w.Url;

            var e = Assert.Throws<PretrainedWeightsException>(() => w.Fetch(Options()));

            Assert.StartsWith($"Could not fetch the pretrained weights 'resnet18': Download of '{url}' failed its checksum: expected SHA-256 {w.Sha256}, received ", e.Message);
            Assert.IsType<InvalidDataException>(e.InnerException);
            AssertHandHint(e, w, url);
        }

        [Fact]
        public void Should_KeepNothingAndSayWhereToPutTheFile_When_TheTransferIsTruncated()
        {
            var (bytes, state) = TorchvisionFile(_dir.Path, width: 8);
            foreach (var t in state.Values) t.Dispose();
            var w = Entry(bytes);
            _server.Serve(w.FileName, bytes);
            _server.Truncate(w.FileName, bytes.Length / 3);

            var e = Assert.Throws<PretrainedWeightsException>(() => w.Fetch(Options()));

            Assert.StartsWith($"Could not fetch the pretrained weights 'resnet18': Download of '{w.Url}' was interrupted: ", e.Message);
            Assert.IsType<DownloadException>(e.InnerException);
            AssertHandHint(e, w, w.Url);
        }

        [Fact]
        public void Should_NameTheStatusAndSayWhereToPutTheFile_When_TheServerFails()
        {
            var w = Entry(new byte[] { 1, 2, 3 });
            _server.Fail(w.FileName, 503);

            var e = Assert.Throws<PretrainedWeightsException>(() => w.Fetch(Options()));

            Assert.StartsWith($"Could not fetch the pretrained weights 'resnet18': Download of '{w.Url}' failed: the server answered 503 Service Unavailable.", e.Message);
            AssertHandHint(e, w, w.Url);
        }

        [Fact]
        public void Should_SayTheServerCannotBeReachedAndWhereToPutTheFile_When_ThereIsNoNetwork()
        {
            var w = Entry(new byte[] { 1, 2, 3 });
            var mirror = LoopbackHttpServer.RefusingUrl();
            var url = new Uri(mirror, w.FileName);

            var e = Assert.Throws<PretrainedWeightsException>(() => w.Fetch(Options(baseUrl: mirror)));

            Assert.StartsWith($"Could not fetch the pretrained weights 'resnet18': Download of '{url}' failed: ", e.Message);
            Assert.Contains("refused", e.Message, StringComparison.OrdinalIgnoreCase);
            AssertHandHint(e, w, url);
        }

        [Fact]
        public void Should_ListTheFoldersSearched_When_DownloadingIsOffAndNoCopyExists()
        {
            var w = Entry(new byte[] { 1, 2, 3 });
            string offline = _dir.Combine("offline");
            Directory.CreateDirectory(offline);

            var e = Assert.Throws<PretrainedWeightsException>(() => w.Fetch(Options(download: false, env: new() { ["KERNELWISE_WEIGHTS"] = offline })));

            Assert.StartsWith($"The pretrained weights 'resnet18' ({w.FileName}) are not on this machine (searched {offline} (KERNELWISE_WEIGHTS); {Cache} (cache)) " +
                "and downloading is off (PretrainedOptions.Download = false).", e.Message);
            AssertHandHint(e, w, w.Url);
            Assert.Empty(_server.Requests);
        }

        [Fact]
        public void Should_UseTheCopyInTheEnvironmentsFolderWithoutTheNetwork_When_Offline()
        {
            var (bytes, state) = TorchvisionFile(_dir.Path, width: 8);
            foreach (var t in state.Values) t.Dispose();
            var w = Entry(bytes);
            string offline = _dir.Combine("offline");
            Directory.CreateDirectory(offline);
            File.WriteAllBytes(Path.Combine(offline, w.FileName), bytes);

            string path = w.Fetch(Options(download: false, env: new() { ["KERNELWISE_WEIGHTS"] = offline }));

            Assert.Equal(Path.Combine(offline, w.FileName), path);
            Assert.Empty(_server.Requests);
        }

        [Fact]
        public void Should_RefuseALocalCopyThatIsNotThePublishedFile_When_FoundOffline()
        {
            var w = Entry(new byte[] { 1, 2, 3 });
            string offline = _dir.Combine("offline");
            Directory.CreateDirectory(offline);
            string copy = Path.Combine(offline, w.FileName);
            File.WriteAllBytes(copy, new byte[] { 1, 2, 4 });

            var e = Assert.Throws<InvalidDataException>(() => w.Fetch(Options(env: new() { ["KERNELWISE_WEIGHTS"] = offline })));

            Assert.StartsWith($"The file '{copy}' (KERNELWISE_WEIGHTS) is not the published 'resnet18' weights: its SHA-256 is ", e.Message);
            Assert.Contains($"expected SHA-256 {w.Sha256}, 3 bytes, as published at {w.Url}. Delete it, or replace it with the file downloaded from {w.Url}.", e.Message);
        }

        [Fact]
        public void Should_FindPyTorchsCopy_When_TheHubCacheHoldsIt()
        {
            var (bytes, state) = TorchvisionFile(_dir.Path, width: 8);
            foreach (var t in state.Values) t.Dispose();
            var w = Entry(bytes);
            string torchHome = _dir.Combine("torch");
            string hub = Path.Combine(torchHome, "hub", "checkpoints");
            Directory.CreateDirectory(hub);
            File.WriteAllBytes(Path.Combine(hub, w.FileName), bytes);
            var options = new PretrainedOptions
            {
                CacheDirectory = Cache, Download = false, ShowProgress = false,
                EnvironmentVariables = name => name == "TORCH_HOME" ? torchHome : null,
            };

            Assert.Equal(Path.Combine(hub, w.FileName), w.Fetch(options));
        }

        [Fact]
        public void Should_LoadAFileGivenByPath_When_TheWeightsAreNotANameInTheRegistry()
        {
            var (bytes, state) = TorchvisionFile(_dir.Path, width: 8);
            foreach (var t in state.Values) t.Dispose();
            string path = _dir.Combine("mine.pth");
            File.WriteAllBytes(path, bytes);
            using var model = ModelZoo.ResNet18(width: 8, includeTop: false).Build(ComputeDevice.Cpu);

            var report = PretrainedWeights.Load(model, path, log: _log);

            Assert.Equal(["fc.bias", "fc.weight"], report.Skipped.Select(s => s.Key));
            var missing = Assert.Throws<FileNotFoundException>(() => PretrainedWeights.Load(model, _dir.Combine("absent.pth"), log: _log));
            Assert.StartsWith($"Weights file '{_dir.Combine("absent.pth")}' does not exist.", missing.Message);
        }
    }

    public class ZooWithoutTop
    {
        public static TheoryData<string, string> Backbones => new()
        {
            { "resnet18", "(None, 512, 7, 7)" },
            { "resnet18_avg", "(None, 512)" },
            { "resnet50_max", "(None, 2048)" },
            { "alexnet", "(None, 256, 6, 6)" },
            { "vgg16_bn", "(None, 512, 7, 7)" },
            { "googlenet_avg", "(None, 1024)" },
        };

        private static Sequential Define(string name) => name switch
        {
            "resnet18" => ModelZoo.ResNet18(includeTop: false),
            "resnet18_avg" => ModelZoo.ResNet18(includeTop: false, pooling: ZooPooling.Average),
            "resnet50_max" => ModelZoo.ResNet50(includeTop: false, pooling: ZooPooling.Max),
            "alexnet" => ModelZoo.AlexNet(includeTop: false),
            "vgg16_bn" => ModelZoo.Vgg16(batchNorm: true, includeTop: false),
            "googlenet_avg" => ModelZoo.GoogLeNet(includeTop: false, pooling: ZooPooling.Average),
            _ => throw new ArgumentException(name),
        };

        [Theory]
        [MemberData(nameof(Backbones))]
        public void Should_EndAfterTheFeatures_When_BuiltWithoutTheClassifier(string name, string output)
        {
            var graph = Define(name).ToGraph();

            Assert.Equal(output, graph.Outputs[0].Shape.ToString());
            Assert.DoesNotContain(graph.Layers, l => l.Name is "fc" or "classifier_6");
        }

        [Fact]
        public void Should_SayPoolingNeedsIncludeTopFalse_When_GivenWithTheClassifier()
        {
            var e = Assert.Throws<ArgumentException>(() => ModelZoo.ResNet18(pooling: ZooPooling.Average));

            Assert.StartsWith("Invalid value for argument pooling of ResNet-18. Pooling is chosen only for a model without its classifier: pass includeTop: false with it. Received pooling=Average with includeTop: true.", e.Message);
        }

        [Fact]
        public void Should_RefuseAuxiliaryHeads_When_GoogLeNetIsBuiltWithoutItsClassifier()
        {
            var e = Assert.Throws<ArgumentException>(() => ModelZoo.GoogLeNet(includeTop: false, auxiliaryOutputs: new Kernelwise.Layers.AuxiliaryOutputs()));

            Assert.StartsWith("Invalid value for argument auxiliaryOutputs of GoogLeNet. The auxiliary heads are classifiers", e.Message);
        }
    }
}
