using System.Reflection;
using System.Text.RegularExpressions;

namespace Kernelwise.Tests.Chapter;

/// <summary>
/// docs/chapter.md maps every section of the chapter to a script in examples/chapter/ and to the tests that check its
/// mathematics. These tests keep the map and the folder in step: every script is listed, every listed script exists,
/// every named test exists, and every script references the library the same way.
/// </summary>
public partial class ChapterIndexTests
{
    private static readonly string Root = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Kernelwise.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"No Kernelwise.sln found above the test directory {AppContext.BaseDirectory}; the chapter tests read docs/ and examples/ from the repository.");
    }

    private static string ChapterText => File.ReadAllText(Path.Combine(Root, "docs", "chapter.md"));

    private static SortedSet<string> ScriptsOnDisk()
        => new(Directory.GetFiles(Path.Combine(Root, "examples", "chapter"), "*.cs").Select(Path.GetFileName)!, StringComparer.Ordinal);

    private static SortedSet<string> ScriptsInTheMap()
        => new(ScriptReference().Matches(ChapterText).Select(m => m.Groups[1].Value), StringComparer.Ordinal);

    [GeneratedRegex(@"examples/chapter/([A-Za-z0-9\-]+\.cs)")]
    private static partial Regex ScriptReference();

    [GeneratedRegex(@"`(Should_[A-Za-z0-9_]+)`")]
    private static partial Regex TestReference();

    [Fact]
    public void Should_ListEveryScriptOfTheFolder_When_TheChapterMapIsRead()
    {
        var missing = ScriptsOnDisk().Except(ScriptsInTheMap()).ToList();
        Assert.True(missing.Count == 0, $"docs/chapter.md does not list these scripts of examples/chapter/: {string.Join(", ", missing)}. Add a row for each.");
    }

    [Fact]
    public void Should_ListOnlyScriptsThatExist_When_TheChapterMapIsRead()
    {
        var absent = ScriptsInTheMap().Except(ScriptsOnDisk()).ToList();
        Assert.True(absent.Count == 0, $"docs/chapter.md lists scripts that are not in examples/chapter/: {string.Join(", ", absent)}.");
        Assert.True(ScriptsOnDisk().Count >= 12, $"Expected at least 12 chapter scripts (one per section); found {ScriptsOnDisk().Count}.");
    }

    [Fact]
    public void Should_NameOnlyTestsThatExist_When_TheChapterMapCitesTests()
    {
        var tests = typeof(ChapterIndexTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes().Any(a => a is FactAttribute))
            .Select(m => m.Name)
            .ToHashSet(StringComparer.Ordinal);
        var cited = TestReference().Matches(ChapterText).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(cited.Count >= 12, $"Expected docs/chapter.md to cite a test for every section; found {cited.Count} test names.");
        var unknown = cited.Where(name => !tests.Contains(name)).ToList();
        Assert.True(unknown.Count == 0, $"docs/chapter.md cites tests that do not exist: {string.Join(", ", unknown)}.");
    }

    [Fact]
    public void Should_ReferenceTheLibraryProjectFirst_When_AScriptIsRead()
    {
        foreach (var script in ScriptsOnDisk())
        {
            string first = File.ReadLines(Path.Combine(Root, "examples", "chapter", script)).First();
            Assert.True(first == "#:project ../../src/Kernelwise/Kernelwise.csproj",
                $"examples/chapter/{script} should start with '#:project ../../src/Kernelwise/Kernelwise.csproj'; its first line is '{first}'.");
        }
    }
}
