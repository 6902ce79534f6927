using System.Globalization;
using System.Text.RegularExpressions;
using Kernelwise.Platform;

namespace Kernelwise.Tests.Consumers;

/// <summary>
/// Kernelwise from a user's own folder: a C# script outside the repository (no Directory.Build.* of ours above it, so
/// none of the repository's build steps) references src/Kernelwise by absolute path with #:project, and trains.
/// </summary>
public class OutsideScriptTests
{
    [Fact]
    public void Should_Train_When_AScriptOutsideTheRepositoryReferencesKernelwiseByPath()
    {
        string project = Path.Combine(DotnetCli.RepositoryRoot(), "src", "Kernelwise", "Kernelwise.csproj");
        string folder = Path.Combine(Path.GetTempPath(), "kernelwise-user-" + Guid.NewGuid().ToString("N"));
        for (var above = new DirectoryInfo(folder).Parent; above is not null; above = above.Parent)
        {
            Assert.False(above.EnumerateFiles("Directory.Build.*").Any(), $"'{above.FullName}' holds a Directory.Build file: the script would not be a stranger's.");
        }
        Directory.CreateDirectory(folder);
        string cache = Path.Combine(folder, "native-cache");
        string? buildOutput = null;
        try
        {
            File.WriteAllText(Path.Combine(folder, "train.cs"), Script(project));

            var (exitCode, output) = DotnetCli.Run(folder, new Dictionary<string, string> { ["KERNELWISE_NATIVE_CACHE"] = cache },
                TimeSpan.FromMinutes(10), "run", "train.cs");

            buildOutput = Regex.Match(output, "^build-output: (.+)$", RegexOptions.Multiline).Groups[1].Value.Trim();
            Assert.True(exitCode == 0, $"dotnet run train.cs exited with {exitCode}:\n{output}");
            var losses = Regex.Matches(output, @"^loss=(\S+)$", RegexOptions.Multiline)
                .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
            Assert.True(losses.Length == 3, $"expected a loss per epoch (3):\n{output}");
            Assert.All(losses, l => Assert.True(double.IsFinite(l) && l > 0, $"loss {l}"));
            Assert.True(losses[^1] < losses[0], $"the loss did not fall: {string.Join(", ", losses)}");

            // The script's build output holds TorchSharp's shim as the NuGet cache has it. Where this system's libstdc++
            // lacks what it declares (Debian 12), only the run-time path can have loaded it: a weakened copy in the cache.
            string shim = Path.Combine(buildOutput, "runtimes", "linux-x64", "native", NativeLibraryLoader.ShimFileName);
            var need = ElfImage.Read(shim).VersionNeeds.Single(n => n.Name == "GLIBCXX_3.4.32");
            Assert.False(need.IsWeak, "the script's copy was patched at build time; the run-time path was not exercised");
            var loader = new NativeLibraryLoader(Array.Empty<string>(), null, Array.Empty<(string, string)>(), _ => null);
            bool systemLacksIt = loader.MissingVersions(ElfImage.Read(shim), Path.GetDirectoryName(shim)!).Any(m => m.Need.Name == need.Name);
            string status = Regex.Match(output, "^native: (.+)$", RegexOptions.Multiline).Groups[1].Value;
            if (systemLacksIt)
            {
                Assert.StartsWith($"Loaded {cache}/", status);
                Assert.Contains($"a copy of {shim} with GLIBCXX_3.4.32 (libstdc++.so.6) marked weak", status);
                Assert.Single(Directory.GetFiles(cache, NativeLibraryLoader.ShimFileName, SearchOption.AllDirectories));
            }
            else
            {
                Assert.Equal($"Loaded {shim}", status);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            // dotnet run builds scripts under the user's data folder (about 1.2 GB with TorchSharp's natives): remove this one.
            if (!string.IsNullOrEmpty(buildOutput))
            {
                var entry = new DirectoryInfo(buildOutput).Parent?.Parent;
                if (entry?.Parent?.Name == "runfile" && entry.Name.StartsWith("train-", StringComparison.Ordinal)) entry.Delete(recursive: true);
            }
        }
    }

    private static string Script(string project) => $$"""
        #:project {{project}}
        // A user's first script, in a folder of their own.
        using Kernelwise;
        using Kernelwise.Data;
        using Kernelwise.Layers;
        using Kernelwise.Models;
        using Kernelwise.Platform;
        using TorchSharp;

        Console.WriteLine("build-output: " + AppContext.BaseDirectory);
        var definition = new Sequential(new Shape(1, 8, 8)).Conv2D(4, 3, activation: Activation.ReLU).Flatten().Dense(2);
        torch.manual_seed(1);
        using var x = torch.randn(128, 1, 8, 8);
        using var y = (x.mean(new long[] { 1, 2, 3 }) > 0).to(torch.ScalarType.Int64);
        using var data = new TensorDataset(x.clone(), y.clone());
        using var model = definition.Build(ComputeDevice.Cpu).Compile(new Adam(1e-2), new CrossEntropy(), new Accuracy());
        var history = model.Fit(data, epochs: 3, batchSize: 16, verbose: 0);
        foreach (double loss in history["loss"]) Console.WriteLine(FormattableString.Invariant($"loss={loss:R}"));
        Console.WriteLine("native: " + KernelwiseRuntime.EnsureNativeLibraries());
        """;
}
