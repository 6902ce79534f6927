using System.Text.RegularExpressions;

namespace Kernelwise.Tests.Examples;

/// <summary>
/// The examples show the library's way of doing things: images are read through ImageFolder / ImageDataset, split with
/// the library's seeded shuffle and loaded by Fit's loader, which pins batches on CUDA itself. An example that decodes
/// its own images, shuffles with its own Random or pins its own batches has drifted from the library (issue 14).
/// </summary>
public class ExampleSourceTests
{
    private static readonly (string Pattern, string Instead)[] Duplicates =
    {
        (@"\bpin_memory\s*\(", "Fit's loader pins batches on CUDA"),
        (@"\bImage\s*\.\s*(Load|Identify)\b(?!PixelData)", "read image folders with ImageFolder or ImageDataset.FromDirectory"),
        (@"\bnew\s+Random\s*\(", "split with RandomSplit or FromDirectory's seed, augment with the transforms' seeded draws"),
        (@"\bParallel\s*\.\s*For", "let the data loader's workers build batches"),
    };

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Kernelwise.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No Kernelwise.sln above the test directory {AppContext.BaseDirectory}; the example sources cannot be found.");
    }

    public static TheoryData<string> Examples() => new(Directory.GetFiles(Path.Combine(RepositoryRoot(), "examples"), "*.cs").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Examples))]
    public void Should_UseTheLibrarysDataPipeline_When_AnExampleLoadsImages(string example)
    {
        var source = File.ReadAllText(Path.Combine(RepositoryRoot(), "examples", example));
        var found = Duplicates
            .SelectMany(d => Regex.Matches(source, d.Pattern).Select(m => $"line {source[..m.Index].Count(c => c == '\n') + 1}: '{m.Value}' — {d.Instead}"))
            .ToList();
        Assert.True(found.Count == 0, $"examples/{example} duplicates the library:\n" + string.Join("\n", found));
    }
}
