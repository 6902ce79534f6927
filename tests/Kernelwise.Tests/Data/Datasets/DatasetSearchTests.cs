using System.Net;
using System.Net.Sockets;
using Kernelwise.Data.Datasets;

namespace Kernelwise.Tests.Data.Datasets;

public sealed class DatasetSearchTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kw-search-");

    public void Dispose() => _dir.Delete(true);

    private string Sub(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void Should_PreferTheExplicitPath_When_SeveralLocationsHoldFiles()
    {
        IdxFiles.WriteSet(Sub("explicit"), train: 2);
        IdxFiles.WriteSet(Sub("data/fashion-mnist"), train: 4);
        using var data = FashionMnist.Load(Sub("explicit"), new DatasetLoadOptions { DataRoot = Sub("data"), CacheRoot = Sub("cache"), SearchSystemFolder = false, Download = false });
        Assert.Equal(2, data.Train.Count);
    }

    [Fact]
    public void Should_PreferKernelwiseDataOverTheCache_When_BothHoldFiles()
    {
        IdxFiles.WriteSet(Sub("data/fashion-mnist"), train: 4, gzip: false);
        IdxFiles.WriteSet(Sub("cache/fashion-mnist"), train: 6);
        var options = new DatasetLoadOptions { DataRoot = Sub("data"), CacheRoot = Sub("cache"), SearchSystemFolder = false, Download = false };
        using (var data = FashionMnist.Load(options: options)) Assert.Equal(4, data.Train.Count);
        Directory.Delete(Sub("data"), true);
        using (var data = FashionMnist.Load(options: options)) Assert.Equal(6, data.Train.Count);
    }

    [Fact]
    public void Should_ListEveryOption_When_FilesAreNowhereAndDownloadIsOff()
    {
        var options = new DatasetLoadOptions { DataRoot = Sub("data"), CacheRoot = Sub("cache"), SearchSystemFolder = false, Download = false };
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(options: options));
        Assert.Contains("Fashion-MNIST was not found", e.Message);
        Assert.Contains("KERNELWISE_DATA", e.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
        Assert.Contains(Sub("cache/fashion-mnist"), e.Message);
    }

    [Fact]
    public void Should_DownloadVerifyAndLoad_When_AServerHasTheFiles()
    {
        IdxFiles.WriteSet(Sub("served"), train: 6, test: 4);
        var files = Directory.GetFiles(Sub("served")).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        var checksums = files.ToDictionary(f => f.Key.Replace(".gz", ""), f => DatasetChecksum.Sha256OfContent(DatasetChecksum.Sha256OfContent("").Compute(Path.Combine(Sub("served"), f.Key))));
        var definition = FashionMnist.Definition with { Files = checksums };
        using var server = new LoopbackServer(files);
        var options = new DatasetLoadOptions { DataRoot = "", CacheRoot = Sub("cache"), SearchSystemFolder = false, BaseUrl = server.BaseUrl };
        using (var data = definition.Load(null, options)) Assert.Equal(6, data.Train.Count);
        Assert.Equal(4, Directory.GetFiles(Sub("cache/fashion-mnist")).Length);
        Assert.Equal(4, server.Requests);
        using (var again = definition.Load(null, options)) Assert.Equal(4, again.Test.Count); // from the cache now
        Assert.Equal(4, server.Requests);
    }

    [Fact]
    public void Should_DeleteTheFileAndNameBothDigests_When_TheChecksumDoesNotMatch()
    {
        IdxFiles.WriteSet(Sub("served"));
        var files = Directory.GetFiles(Sub("served")).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        using var server = new LoopbackServer(files);
        var options = new DatasetLoadOptions { DataRoot = "", CacheRoot = Sub("cache"), SearchSystemFolder = false, BaseUrl = server.BaseUrl };
        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(options: options));
        Assert.StartsWith($"The file downloaded from '{server.BaseUrl}train-images-idx3-ubyte.gz' failed verification: expected SHA256 of the decompressed content c59f468a", e.Message);
        Assert.Empty(Directory.Exists(Sub("cache/fashion-mnist")) ? Directory.GetFiles(Sub("cache/fashion-mnist")) : Array.Empty<string>());
    }

    [Fact]
    public void Should_ListTheOptions_When_TheConnectionIsRefused()
    {
        int port = LoopbackServer.FreePort(); // nothing listens there
        var options = new DatasetLoadOptions { DataRoot = "", CacheRoot = Sub("cache"), SearchSystemFolder = false, BaseUrl = new Uri($"http://127.0.0.1:{port}/") };
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(options: options));
        Assert.Contains("the download failed: Downloading 'http://127.0.0.1:", e.Message);
        Assert.Contains("the connection was refused.", e.Message);
        Assert.Contains("KERNELWISE_DATA", e.Message);
    }

    /// <summary>A minimal HTTP server on 127.0.0.1 serving fixed files.</summary>
    private sealed class LoopbackServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Dictionary<string, byte[]> _files;
        private int _requests;

        public LoopbackServer(Dictionary<string, byte[]> files)
        {
            _files = files;
            int port = FreePort();
            BaseUrl = new Uri($"http://127.0.0.1:{port}/");
            _listener.Prefixes.Add(BaseUrl.ToString());
            _listener.Start();
            _ = Task.Run(Serve);
        }

        public Uri BaseUrl { get; }

        public int Requests => Volatile.Read(ref _requests);

        public static int FreePort()
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }

        private async Task Serve()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                Interlocked.Increment(ref _requests);
                var name = ctx.Request.Url!.AbsolutePath.TrimStart('/');
                if (_files.TryGetValue(name, out var body))
                {
                    ctx.Response.ContentLength64 = body.Length;
                    await ctx.Response.OutputStream.WriteAsync(body);
                }
                else ctx.Response.StatusCode = 404;
                ctx.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}
