using System.Security.Cryptography;
using Kernelwise.Data;
using Kernelwise.Tests.Data.Datasets;

namespace Kernelwise.Tests.Data.Downloads;

public class FileDownloaderTests : IDisposable
{
    private static readonly byte[] Content = Enumerable.Range(0, 150_000).Select(i => (byte)(i * 13)).ToArray();
    private static readonly string ContentSha = Convert.ToHexStringLower(SHA256.HashData(Content));

    private readonly TempDirectory _dir = new();
    private readonly LoopbackHttpServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    private sealed class Recorder : IProgress<DownloadProgress>
    {
        public List<DownloadProgress> Reports { get; } = new();

        public void Report(DownloadProgress value)
        {
            lock (Reports) Reports.Add(value);
        }
    }

    [Fact]
    public void Should_AcceptTheFile_When_OnlyAPublishedPrefixOfItsHashIsGiven()
    {
        _server.Serve("weights.pth", Content);
        string destination = _dir.Combine("cache", "weights.pth");
        using var downloader = new FileDownloader();

        downloader.Download(new Uri(_server.BaseUrl, "weights.pth"), destination, ContentSha[..8].ToUpperInvariant());

        Assert.Equal(Content, File.ReadAllBytes(destination));
    }

    [Fact]
    public void Should_SayThePrefixWasExpected_When_APrefixDoesNotMatch()
    {
        _server.Serve("weights.pth", Content);
        var url = new Uri(_server.BaseUrl, "weights.pth");
        using var downloader = new FileDownloader();

        var e = Assert.Throws<InvalidDataException>(() => downloader.Download(url, _dir.Combine("weights.pth"), "00000000"));

        Assert.StartsWith($"Download of '{url}' failed its checksum: expected a SHA-256 beginning 00000000, received {ContentSha}.", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public void Should_ReportProgressUpToACompletedTotal_When_Downloading()
    {
        _server.Serve("weights.pth", Content);
        var recorder = new Recorder();
        using var downloader = new FileDownloader();

        downloader.Download(new Uri(_server.BaseUrl, "weights.pth"), _dir.Combine("weights.pth"), ContentSha, progress: recorder);

        Assert.Equal(0, recorder.Reports[0].BytesReceived);
        Assert.All(recorder.Reports, r => Assert.Equal(Content.Length, r.TotalBytes));
        Assert.True(recorder.Reports.Zip(recorder.Reports.Skip(1)).All(p => p.First.BytesReceived <= p.Second.BytesReceived), "progress went backwards");
        var last = recorder.Reports[^1];
        Assert.True(last.Completed);
        Assert.Equal(Content.Length, last.BytesReceived);
    }

    [Fact]
    public void Should_ThrowDownloadExceptionAndKeepNothing_When_TheTransferBreaksOff()
    {
        _server.Serve("weights.pth", Content);
        _server.Truncate("weights.pth", 20_000);
        var url = new Uri(_server.BaseUrl, "weights.pth");
        using var downloader = new FileDownloader();

        var e = Assert.Throws<DownloadException>(() => downloader.Download(url, _dir.Combine("cache", "weights.pth"), ContentSha));

        Assert.Equal(url, e.Url);
        Assert.StartsWith($"Download of '{url}' was interrupted: ", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Combine("cache")));
    }

    [Fact]
    public void Should_NameTheStatus_When_TheServerFails()
    {
        _server.Fail("weights.pth", 500);
        var url = new Uri(_server.BaseUrl, "weights.pth");
        using var downloader = new FileDownloader();

        var e = Assert.Throws<DownloadException>(() => downloader.Download(url, _dir.Combine("weights.pth"), ContentSha));

        Assert.Equal($"Download of '{url}' failed: the server answered 500 Internal Server Error.", e.Message);
    }

    [Fact]
    public void Should_RejectAHashShorterThanEightDigits_When_Downloading()
    {
        using var downloader = new FileDownloader();

        var e = Assert.Throws<ArgumentException>(() => downloader.Download(new Uri(_server.BaseUrl, "f"), _dir.Combine("f"), "abcdef1"));

        Assert.StartsWith("Invalid value for argument sha256. Expected 64 hexadecimal digits, or at least the first 8 of them. Received sha256='abcdef1'.", e.Message);
    }

    [Fact]
    public void Should_DrawAPercentageBar_When_TheTotalIsKnown()
    {
        var line = DownloadProgressBar.Format(new DownloadProgress(new Uri("http://x/f"), 18_800_000, 44_700_000, false), TimeSpan.FromSeconds(4));

        Assert.Equal("  42% [##########..............] 18.8 / 44.7 MB  4.7 MB/s", line);
    }

    [Fact]
    public void Should_WriteOnlyTheFinishedLine_When_OutputIsRedirected()
    {
        var output = new StringWriter();
        var bar = new DownloadProgressBar(output);
        var url = new Uri("http://x/f");

        bar.Report(new DownloadProgress(url, 0, 100, false));
        bar.Report(new DownloadProgress(url, 50, 100, false));
        bar.Report(new DownloadProgress(url, 100, 100, true));

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith(" 100% [########################] 0.0 / 0.0 MB", lines[0]);
    }
}
