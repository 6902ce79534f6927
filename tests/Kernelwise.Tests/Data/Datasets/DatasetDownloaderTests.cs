using System.Security.Cryptography;
using Kernelwise.Data;

namespace Kernelwise.Tests.Data.Datasets;

public class DatasetDownloaderTests
{
    public class Download : IDisposable
    {
        private static readonly byte[] Content = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray();
        private static readonly string ContentSha = Convert.ToHexStringLower(SHA256.HashData(Content));

        private readonly TempDirectory _dir = new();
        private readonly LoopbackHttpServer _server = new();

        public void Dispose()
        {
            _server.Dispose();
            _dir.Dispose();
        }

        [Fact]
        public void Should_KeepFileUnderFinalName_When_ChecksumMatches()
        {
            _server.Serve("file.bin", Content);
            string destination = _dir.Combine("cache", "file.bin");
            using var downloader = new DatasetDownloader();

            downloader.Download(new Uri(_server.BaseUrl, "file.bin"), destination, ContentSha.ToUpperInvariant(), Content.Length);

            Assert.Equal(Content, File.ReadAllBytes(destination));
            Assert.Equal(["file.bin"], Directory.GetFiles(_dir.Combine("cache")).Select(Path.GetFileName));
            Assert.Equal(ContentSha, DatasetDownloader.ComputeSha256(destination));
        }

        [Fact]
        public void Should_NameUrlAndBothHashesAndKeepNothing_When_ChecksumDiffers()
        {
            _server.Serve("file.bin", Content);
            var url = new Uri(_server.BaseUrl, "file.bin");
            string expected = new('a', 64);
            string destination = _dir.Combine("cache", "file.bin");
            using var downloader = new DatasetDownloader();

            var e = Assert.Throws<InvalidDataException>(() => downloader.Download(url, destination, expected));

            Assert.StartsWith($"Download of '{url}' failed its checksum: expected SHA-256 {expected}, received {ContentSha}.", e.Message);
            Assert.Empty(Directory.GetFileSystemEntries(_dir.Combine("cache")));
        }

        [Fact]
        public void Should_LeaveExistingFileUntouched_When_NewDownloadFailsItsChecksum()
        {
            _server.Serve("file.bin", Content);
            string destination = _dir.Combine("file.bin");
            File.WriteAllBytes(destination, [1, 2, 3]);
            using var downloader = new DatasetDownloader();

            Assert.Throws<InvalidDataException>(() => downloader.Download(new Uri(_server.BaseUrl, "file.bin"), destination, new string('0', 64)));

            Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(destination));
            Assert.Single(Directory.GetFileSystemEntries(_dir.Path));
        }

        [Fact]
        public void Should_ReportSizes_When_SizeDiffersButHashWasComputed()
        {
            _server.Serve("file.bin", Content);
            var url = new Uri(_server.BaseUrl, "file.bin");
            using var downloader = new DatasetDownloader();

            var e = Assert.Throws<InvalidDataException>(() => downloader.Download(url, _dir.Combine("file.bin"), ContentSha, Content.Length + 1));

            Assert.Contains($"and {Content.Length} bytes instead of {Content.Length + 1}", e.Message);
            Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
        }

        [Fact]
        public void Should_StopEarly_When_ServerSendsMoreThanExpected()
        {
            _server.Serve("file.bin", Content);
            var url = new Uri(_server.BaseUrl, "file.bin");
            using var downloader = new DatasetDownloader();

            var e = Assert.Throws<InvalidDataException>(() => downloader.Download(url, _dir.Combine("file.bin"), ContentSha, 1000));

            Assert.Equal($"Download of '{url}' was stopped: the server sent more than the expected 1000 bytes. Nothing was kept.", e.Message);
            Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
        }

        [Fact]
        public void Should_ThrowDownloadExceptionNamingUrl_When_ConnectionIsRefused()
        {
            var url = new Uri(LoopbackHttpServer.RefusingUrl(), "file.bin");
            using var downloader = new DatasetDownloader();

            var e = Assert.Throws<DatasetDownloadException>(() => downloader.Download(url, _dir.Combine("file.bin"), ContentSha));

            Assert.Equal(url, e.Url);
            Assert.StartsWith($"Download of '{url}' failed: ", e.Message);
            Assert.Contains("refused", e.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
        }

        [Fact]
        public void Should_ReportStatus_When_ServerAnswers404()
        {
            var url = new Uri(_server.BaseUrl, "absent.bin");
            using var downloader = new DatasetDownloader();

            var e = Assert.Throws<DatasetDownloadException>(() => downloader.Download(url, _dir.Combine("absent.bin"), ContentSha));

            Assert.Equal($"Download of '{url}' failed: the server answered 404 Not Found.", e.Message);
        }

        [Fact]
        public void Should_TimeOut_When_ServerStaysSilent()
        {
            _server.Stall = true;
            var url = new Uri(_server.BaseUrl, "file.bin");
            using var downloader = new DatasetDownloader(TimeSpan.FromMilliseconds(300));

            var e = Assert.Throws<DatasetDownloadException>(() => downloader.Download(url, _dir.Combine("file.bin"), ContentSha));

            Assert.Equal($"Download of '{url}' timed out: the server sent nothing for 0.3 s.", e.Message);
            Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
        }

        [Fact]
        public void Should_RejectMalformedChecksum_When_ArgumentIsNotSha256()
        {
            using var downloader = new DatasetDownloader();

            var e = Assert.Throws<ArgumentException>(() => downloader.Download(new Uri(_server.BaseUrl, "f"), _dir.Combine("f"), "abc"));

            Assert.StartsWith("Invalid value for argument sha256. Expected 64 hexadecimal digits. Received sha256='abc'.", e.Message);
        }

        [Fact]
        public void Should_RejectNonHttpUrl_When_SchemeIsFile()
        {
            using var downloader = new DatasetDownloader();

            var e = Assert.Throws<ArgumentException>(() => downloader.Download(new Uri("file:///etc/passwd"), _dir.Combine("f"), ContentSha));

            Assert.StartsWith("Invalid value for argument url. Expected an absolute http or https URL. Received url='file:///etc/passwd'.", e.Message);
        }
    }
}
