using Kernelwise.Layers;
using Kernelwise.Models;

namespace Kernelwise.Tests.Export.Converters;

/// <summary>Composite layers: residual blocks (addition), branches (concatenation), auxiliary heads (absent at inference), nested.</summary>
public class MergingConvertersTests
{
    private static readonly Dictionary<string, Func<Sequential>> Cases = new()
    {
        ["residual_identity_relu"] = () => new Sequential(new Shape(4, 6, 6), "exported")
            .Residual(m => m.Conv2D(4, 3, padding: Padding.Same, useBias: false).BatchNormalization().ReLU().Conv2D(4, 3, padding: Padding.Same), activation: Activation.ReLU),
        ["residual_projection_strided"] = () => new Sequential(new Shape(3, 7, 7), "exported")
            .Residual(m => m.Conv2D(6, 3, strides: 2, padding: Padding.Same).BatchNormalization(),
                s => s.Conv2D(6, 1, strides: 2, padding: Padding.Same).BatchNormalization(), activation: Activation.GELU),
        ["residual_dense"] = () => new Sequential(new Shape(5), "exported")
            .Residual(m => m.Dense(8, Activation.Tanh).Dense(5)),
        ["branches_three_paths"] = () => new Sequential(new Shape(3, 8, 8), "exported")
            .Branches(p => p.Conv2D(2, 1),
                p => p.Conv2D(3, 3, padding: Padding.Same, activation: Activation.ReLU),
                p => p.MaxPooling2D(3, strides: 1, padding: Padding.Same).Conv2D(1, 1))
            .GlobalAveragePooling2D()
            .Dense(4),
        ["branches_with_identity_path"] = () => new Sequential(new Shape(2, 5, 5), "exported")
            .Branches(p => p, p => p.Conv2D(3, 3, padding: Padding.Same)),
        ["nested_residual_in_branches"] = () => new Sequential(new Shape(4, 6, 6), "exported")
            .Branches("mixed",
                p => p.Residual(m => m.Conv2D(4, 3, padding: Padding.Same), activation: Activation.ReLU),
                p => p.Branches(q => q.Conv2D(1, 1), q => q.AveragePooling2D(2, strides: 1, padding: Padding.Same)))
            .Residual(m => m.Conv2D(6, 1), s => s.Conv2D(6, 1, useBias: false)),
        ["auxiliary_head_removed"] = () => new Sequential(new Shape(3, 6, 6), "exported")
            .Conv2D(4, 3, activation: Activation.ReLU)
            .AuxiliaryOutput(new AuxiliaryOutputs(), h => h.GlobalAveragePooling2D().Dense(2))
            .Flatten()
            .Dense(3),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Should_MatchKernelwise_When_CompositeLayerIsRunInOnnxRuntime(string name)
    {
        using var model = OnnxTesting.Build(Cases[name]());
        OnnxTesting.AssertMatchesOnnxRuntime(model);
    }
}
