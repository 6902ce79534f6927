using Kernelwise.Data;

namespace Kernelwise.Tests.Data.Datasets;

public class DatasetOptionsTests
{
    public class GetDefaultCacheDirectory
    {
        private static readonly string WindowsCache =
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "Kernelwise", "datasets");

        [Fact]
        public void Should_UseXdgCacheHome_When_ItIsAnAbsolutePath()
        {
            string dir = DatasetOptions.GetDefaultCacheDirectory(name => name == "XDG_CACHE_HOME" ? "/var/cache/me" : "/home/me");
            Assert.Equal(OperatingSystem.IsWindows() ? WindowsCache : "/var/cache/me/kernelwise/datasets", dir);
        }

        [Fact]
        public void Should_UseDotCacheInHome_When_XdgCacheHomeIsUnsetOrRelative()
        {
            string expected = OperatingSystem.IsWindows() ? WindowsCache : "/home/me/.cache/kernelwise/datasets";
            Assert.Equal(expected, DatasetOptions.GetDefaultCacheDirectory(name => name == "HOME" ? "/home/me" : null));
            Assert.Equal(expected,
                DatasetOptions.GetDefaultCacheDirectory(name => name switch { "HOME" => "/home/me", "XDG_CACHE_HOME" => "relative/cache", _ => null }));
        }
    }
}
