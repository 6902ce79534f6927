using System.Diagnostics;
using Kernelwise.Platform;
using Kernelwise.Tests.Data;

namespace Kernelwise.Tests.Platform;

public class ElfImageTests
{
    public class Read
    {
        [Fact]
        public void Should_ReadTheDynamicSectionAndVersionNeeds_When_GivenTorchSharpsShim()
        {
            var image = ElfImage.Read(NativeFiles.OriginalShim());

            Assert.Equal("libLibTorchSharp.so", image.SoName);
            Assert.Equal(new[] { "libtorch.so", "libc10.so", "libtorch_cpu.so" }, image.Needed.Take(3));
            Assert.Contains("$ORIGIN/", image.RunPath);
            var need = image.VersionNeeds.Single(n => n.Name == "GLIBCXX_3.4.32");
            Assert.Equal("libstdc++.so.6", need.File);
            Assert.False(need.IsWeak);
            Assert.Equal(ElfImage.Hash("GLIBCXX_3.4.32"), need.Hash);
            Assert.Contains(image.VersionNeeds, n => n.Name == "GLIBC_2.2.5" && n.File == "libc.so.6");
        }

        [Fact]
        public void Should_FindOnlyTheStartUpMarkerBoundToGlibcxx3432AndNoRelocationUsingIt_When_GivenTorchSharpsShim()
        {
            var image = ElfImage.Read(NativeFiles.OriginalShim());
            var marker = image.VersionNeeds.Single(n => n.Name == "GLIBCXX_3.4.32");
            var strings = image.VersionNeeds.Single(n => n.Name == "GLIBCXX_3.4.21");

            Assert.Equal(new[] { "_ZSt21ios_base_library_initv" }, image.SymbolsOf(marker));
            Assert.Empty(image.RelocatedSymbolsOf(marker));
            // std::string's symbols are bound to GLIBCXX_3.4.21 and used everywhere.
            Assert.Contains("_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE9_M_createERmm", image.RelocatedSymbolsOf(strings));
        }

        [Fact]
        public void Should_ListTheVersionsALibraryDefines_When_GivenTheSystemLibstdcxx()
        {
            var loader = new NativeLibraryLoader(Array.Empty<string>(), null, Array.Empty<(string, string)>(), _ => null);
            var shim = ElfImage.Read(NativeFiles.OriginalShim());
            string? libstdcxx = loader.ResolveDependency("libstdc++.so.6", "/nonexistent", shim);
            Assert.NotNull(libstdcxx);

            var image = ElfImage.Read(libstdcxx);

            Assert.Equal("libstdc++.so.6", image.SoName);
            Assert.Contains("GLIBCXX_3.4", image.VersionDefinitions);
            Assert.Contains("CXXABI_1.3", image.VersionDefinitions);
        }

        [Fact]
        public void Should_ReadTheSameTablesWithoutSymbols_When_OnlyHeadersAreAskedFor()
        {
            string shim = NativeFiles.OriginalShim();
            var full = ElfImage.Read(shim);

            var headers = ElfImage.Read(shim, symbols: false);

            Assert.Equal(full.Needed, headers.Needed);
            Assert.Equal(full.SoName, headers.SoName);
            Assert.Equal(full.VersionNeeds.Select(n => n.ToString()), headers.VersionNeeds.Select(n => n.ToString()));
            var e = Assert.Throws<InvalidOperationException>(() => headers.RelocatedSymbolsOf(headers.VersionNeeds[0]));
            Assert.Equal($"File '{shim}' was read without its symbol tables.", e.Message);
        }

        [Fact]
        public void Should_NameTheFile_When_TheBytesAreNotElf()
        {
            var e = Assert.Throws<InvalidDataException>(() => ElfImage.Parse(new byte[100], "/x/libfake.so"));
            Assert.Equal("File '/x/libfake.so' is not an ELF64 little-endian file (its first bytes are not 7F 45 4C 46 02 01).", e.Message);
        }

        [Fact]
        public void Should_SayWhatLiesOutsideTheFile_When_TheFileIsTruncated()
        {
            var bytes = File.ReadAllBytes(NativeFiles.OriginalShim())[..4096];
            var e = Assert.Throws<InvalidDataException>(() => ElfImage.Parse(bytes, "/x/libLibTorchSharp.so"));
            Assert.StartsWith("File '/x/libLibTorchSharp.so' is not a valid ELF64 library: its section header table (offset ", e.Message);
            Assert.EndsWith("lies outside the file (4096 bytes).", e.Message);
        }
    }

    public class Weaken
    {
        [Fact]
        public void Should_FlagOnlyTheUnusedRequirementAndChangeOneByte_When_AskedForAUsedAndAnUnusedOne()
        {
            var original = File.ReadAllBytes(NativeFiles.OriginalShim());
            var image = ElfImage.Parse((byte[])original.Clone(), "copy");

            var changed = image.Weaken(new HashSet<string> { "GLIBCXX_3.4.32", "GLIBCXX_3.4.21" }, out var refused);

            Assert.Equal(new[] { "GLIBCXX_3.4.32" }, changed);
            Assert.Equal("GLIBCXX_3.4.21", Assert.Single(refused).Name);
            var reread = ElfImage.Parse(image.Bytes, "copy");
            Assert.True(reread.VersionNeeds.Single(n => n.Name == "GLIBCXX_3.4.32").IsWeak);
            Assert.False(reread.VersionNeeds.Single(n => n.Name == "GLIBCXX_3.4.21").IsWeak);
            int differing = Enumerable.Range(0, original.Length).Count(i => original[i] != image.Bytes[i]);
            Assert.Equal(1, differing); // vna_flags 0x0000 → 0x0002
        }

        [Fact]
        public void Should_ChangeNothing_When_TheRequirementIsAlreadyWeak()
        {
            var image = ElfImage.Parse(File.ReadAllBytes(NativeFiles.OriginalShim()), "copy");
            image.Weaken(new HashSet<string> { "GLIBCXX_3.4.32" }, out _);
            var once = (byte[])image.Bytes.Clone();

            var changed = image.Weaken(new HashSet<string> { "GLIBCXX_3.4.32" }, out var refused);

            Assert.Empty(changed);
            Assert.Empty(refused);
            Assert.Equal(once, image.Bytes);
        }

        [Fact]
        public void Should_BeReadAsWeakByReadelf_When_ThePatchedCopyIsWritten()
        {
            string? readelf = new[] { "/usr/bin/readelf", "/bin/readelf" }.FirstOrDefault(File.Exists);
            if (readelf is null) Assert.Skip("binutils' readelf is not installed: the independent check needs it.");
            using var temp = new TempDirectory();
            string copy = temp.Combine("libLibTorchSharp.so");
            File.WriteAllBytes(copy, NativeLibraryLoader.Weakened(File.ReadAllBytes(NativeFiles.OriginalShim()), copy));

            var info = new ProcessStartInfo(readelf, new[] { "-VW", copy }) { RedirectStandardOutput = true };
            using var process = Process.Start(info)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();

            Assert.Contains("Name: GLIBCXX_3.4.32  Flags: WEAK", output);
            Assert.Contains("Name: GLIBCXX_3.4.21  Flags: none", output);
        }
    }
}
