using Kernelwise.Layers;
using Kernelwise.Models;

namespace Kernelwise.Tests.Export;

/// <summary>Named single-layer (or few-layer) export cases: a theory takes the name, so each case shows up on its own.</summary>
internal sealed class OnnxCases
{
    private readonly Dictionary<string, Func<(Shape Input, Layer[] Layers)>> _cases = new(StringComparer.Ordinal);

    /// <summary>Adds a case.</summary>
    public OnnxCases Add(string name, Shape input, Func<Layer[]> layers)
    {
        _cases.Add(name, () => (input, layers()));
        return this;
    }

    /// <summary>The case names, as theory data.</summary>
    public TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in _cases.Keys) data.Add(name);
        return data;
    }

    /// <summary>Builds the named case, exports it and compares ONNX Runtime with Kernelwise for batches 1 and 7.</summary>
    public void AssertMatches(string name)
    {
        var (input, layers) = _cases[name]();
        OnnxTesting.AssertLayersMatch(input, layers);
    }
}
