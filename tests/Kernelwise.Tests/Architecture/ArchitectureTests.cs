namespace Kernelwise.Tests.Architecture;

/// <summary>
/// The house rules of docs/architecture.md, checked on the compiled library: no import circle between namespaces,
/// and every arrow points from a higher layer of the house to a lower one. The packages built on the library
/// (Kernelwise.OnnxRuntime) are read with it and sit on the top floor.
/// </summary>
public class ArchitectureTests
{
    /// <summary>The layers of the house, bottom first (docs/architecture.md); a namespace may use only namespaces of lower layers.</summary>
    internal static readonly string[][] Layers =
    [
        ["Kernelwise.Platform"],
        ["Kernelwise"],
        ["Kernelwise.Shapes", "Kernelwise.Formats", "Kernelwise.Explicit", "Kernelwise.Data"],
        ["Kernelwise.Modules"],
        ["Kernelwise.Layers"],
        ["Kernelwise.Training", "Kernelwise.Diagnostics"],
        ["Kernelwise.Models", "Kernelwise.Distributed"],
        ["Kernelwise.Zoo", "Kernelwise.Export", "Kernelwise.Vision"],
        ["Kernelwise.OnnxRuntime"],
    ];

    private static readonly Dictionary<string, Dictionary<string, string>> Graph = NamespaceGraph.Build(typeof(Shape).Assembly, typeof(Kernelwise.OnnxRuntime.OnnxPredictor).Assembly);

    [Fact]
    public void Should_HaveNoImportCircle_When_ReadingEveryReferenceBetweenNamespaces()
    {
        var circles = NamespaceGraph.Circles(Graph);
        Assert.True(circles.Count == 0, "Import circles: " + string.Join("; ", circles.Select(c =>
            string.Join(", ", c) + " via " + string.Join(" | ", c.SelectMany(a => Graph[a].Where(e => c.Contains(e.Key)).Select(e => e.Value))))));
    }

    [Fact]
    public void Should_PointEveryArrowDownTheHouse_When_ComparedWithTheDocumentedLayers()
    {
        var rank = Layers.SelectMany((names, i) => names.Select(n => (n, i))).ToDictionary(p => p.n, p => p.i);
        var unknown = Graph.Keys.Where(n => !rank.ContainsKey(n)).ToList();
        Assert.True(unknown.Count == 0, $"Namespaces missing from the documented layers: {string.Join(", ", unknown)}. Add them to docs/architecture.md and to this test.");
        var upward = Graph.SelectMany(from => from.Value.Where(to => rank[to.Key] >= rank[from.Key]).Select(to => $"{from.Key} → {to.Key} ({to.Value})")).ToList();
        Assert.True(upward.Count == 0, "Arrows that do not point down the house: " + string.Join("; ", upward));
    }

    [Fact]
    public void Should_FindTheArrowsItChecks_When_TheGraphIsBuilt()
    {
        // The reader must see references in method bodies and signatures, or the two tests above could not fail.
        Assert.Contains("Kernelwise.Layers", Graph["Kernelwise.Models"].Keys);
        Assert.Contains("Kernelwise.Training", Graph["Kernelwise.Models"].Keys);
        Assert.Contains("Kernelwise", Graph["Kernelwise.Layers"].Keys);
        Assert.Contains("Kernelwise.Export", Graph["Kernelwise.OnnxRuntime"].Keys);
        var circular = new Dictionary<string, Dictionary<string, string>>
        {
            ["A"] = new() { ["B"] = "" }, ["B"] = new() { ["C"] = "" }, ["C"] = new() { ["A"] = "" }, ["D"] = new() { ["A"] = "" },
        };
        Assert.Equal(new[] { "A", "B", "C" }, Assert.Single(NamespaceGraph.Circles(circular)).Order());
    }
}
