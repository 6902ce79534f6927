using System.Security.Cryptography;
using Kernelwise.Platform;
using Kernelwise.Tests.Data;

namespace Kernelwise.Tests.Platform;

public class NativeLibraryCacheTests
{
    private static readonly byte[] Original = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
    private static readonly byte[] Patched = Original.Select((b, i) => i == 100 ? (byte)(b ^ 2) : b).ToArray();

    public class Store
    {
        [Fact]
        public void Should_WriteUnderTheSha256OfTheOriginal_When_TheEntryIsNew()
        {
            using var temp = new TempDirectory();

            string path = NativeLibraryCache.Store(temp.Path, Original, "libx.so", Patched);

            string key = Convert.ToHexStringLower(SHA256.HashData(Original));
            Assert.Equal(Path.Combine(temp.Path, key, "libx.so"), path);
            Assert.Equal(Patched, File.ReadAllBytes(path));
            Assert.Equal(new[] { "libx.so" }, Directory.GetFiles(Path.Combine(temp.Path, key)).Select(Path.GetFileName));
        }

        [Fact]
        public void Should_KeepTheFile_When_AnIdenticalEntryExists()
        {
            using var temp = new TempDirectory();
            string path = NativeLibraryCache.Store(temp.Path, Original, "libx.so", Patched);
            var written = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(path, written);

            string again = NativeLibraryCache.Store(temp.Path, Original, "libx.so", Patched);

            Assert.Equal(path, again);
            Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        }

        [Fact]
        public void Should_ReplaceTheFile_When_TheEntryIsTruncatedOrDifferent()
        {
            using var temp = new TempDirectory();
            string path = NativeLibraryCache.Store(temp.Path, Original, "libx.so", Patched);
            File.WriteAllBytes(path, Patched[..1000]);

            NativeLibraryCache.Store(temp.Path, Original, "libx.so", Patched);

            Assert.Equal(Patched, File.ReadAllBytes(path));
        }

        [Fact]
        public void Should_LeaveOneCompleteFileAndNoTemporaries_When_ManyWritersStartAtOnce()
        {
            using var temp = new TempDirectory();
            const int writers = 12;
            using var start = new Barrier(writers);
            var big = Enumerable.Range(0, 3_000_000).Select(i => (byte)(i * 31)).ToArray();

            var paths = Enumerable.Range(0, writers).AsParallel().WithDegreeOfParallelism(writers).Select(_ =>
            {
                start.SignalAndWait();
                string p = NativeLibraryCache.Store(temp.Path, Original, "libx.so", big);
                // Every writer, whoever renamed last, sees the whole content the moment Store returns.
                Assert.Equal(big.Length, new FileInfo(p).Length);
                return p;
            }).ToArray();

            Assert.Single(paths.Distinct());
            Assert.Equal(big, File.ReadAllBytes(paths[0]));
            Assert.Equal(new[] { "libx.so" }, Directory.GetFiles(Path.GetDirectoryName(paths[0])!).Select(Path.GetFileName));
        }

        [Fact]
        public void Should_ShowReadersTheOldOrTheNewFileButNeverAPartOne_When_AStaleEntryIsReplaced()
        {
            using var temp = new TempDirectory();
            string path = NativeLibraryCache.EntryPath(temp.Path, Original, "libx.so");
            var big = Enumerable.Range(0, 8_000_000).Select(i => (byte)(i * 13)).ToArray();
            var seen = new HashSet<long>();
            for (int round = 0; round < 5; round++)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, Patched); // a stale entry: different content, so Store rewrites it
                using var done = new ManualResetEventSlim();
                var reader = new Thread(() =>
                {
                    while (!done.IsSet)
                    {
                        try
                        {
                            seen.Add(new FileInfo(path).Length);
                        }
                        catch (IOException)
                        {
                        }
                    }
                });
                reader.Start();

                Parallel.For(0, 4, _ => NativeLibraryCache.Store(temp.Path, Original, "libx.so", big));
                done.Set();
                reader.Join();
            }

            Assert.Subset(new HashSet<long> { Patched.Length, big.Length }, seen);
            Assert.Equal(big, File.ReadAllBytes(path));
        }

        [Fact]
        public void Should_KeepTheEntryFolderPrivate_When_ItIsCreated()
        {
            if (OperatingSystem.IsWindows()) Assert.Skip("Unix permissions only.");
            using var temp = new TempDirectory();

            string path = NativeLibraryCache.Store(temp.Path, Original, "libx.so", Patched);

            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        }

        [Theory]
        [InlineData("")]
        [InlineData("../libx.so")]
        [InlineData("sub/libx.so")]
        public void Should_RefuseTheName_When_ItIsNotAPlainFileName(string name)
        {
            using var temp = new TempDirectory();
            var e = Assert.Throws<ArgumentException>(() => NativeLibraryCache.Store(temp.Path, Original, name, Patched));
            Assert.StartsWith($"Invalid file name '{name}' for the native library cache: expected a plain file name.", e.Message);
        }
    }

    public class DefaultRoot
    {
        private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
            name => values.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();

        [Fact]
        public void Should_UseTheExplicitVariable_When_ItIsSet()
            => Assert.Equal("/data/kw", NativeLibraryCache.DefaultRoot(Env(("KERNELWISE_NATIVE_CACHE", "/data/kw"), ("XDG_CACHE_HOME", "/c"), ("HOME", "/h"))));

        [Fact]
        public void Should_UseXdgCacheHome_When_ItIsAbsolute()
            => Assert.Equal("/c/kernelwise/native", NativeLibraryCache.DefaultRoot(Env(("XDG_CACHE_HOME", "/c"), ("HOME", "/h"))));

        [Fact]
        public void Should_UseTheHomeCache_When_XdgCacheHomeIsRelativeOrUnset()
        {
            Assert.Equal("/h/.cache/kernelwise/native", NativeLibraryCache.DefaultRoot(Env(("XDG_CACHE_HOME", "relative/cache"), ("HOME", "/h"))));
            Assert.Equal("/h/.cache/kernelwise/native", NativeLibraryCache.DefaultRoot(Env(("HOME", "/h"))));
        }
    }

    public class CheckRoot
    {
        [Fact]
        public void Should_NameBothFolders_When_TheRootIsInsideTheNuGetCache()
        {
            var e = Assert.Throws<ArgumentException>(() =>
                NativeLibraryCache.CheckRoot("/home/u/.nuget/packages/kw", new[] { ("/home/u/.nuget/packages", "the NuGet packages folder"), ("/app", "the application's folder") }));
            Assert.StartsWith("Invalid native library cache '/home/u/.nuget/packages/kw': it lies inside the NuGet packages folder '/home/u/.nuget/packages', where Kernelwise never writes.", e.Message);
        }

        [Fact]
        public void Should_Accept_When_TheRootOnlySharesAPrefixWithAForbiddenFolder()
            => NativeLibraryCache.CheckRoot("/app-cache/kw", new[] { ("/app", "the application's folder") });
    }
}
