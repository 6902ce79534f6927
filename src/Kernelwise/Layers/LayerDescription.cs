namespace Kernelwise.Layers;

/// <summary>One row of a model summary: a layer with the shapes it sees and what it costs.</summary>
/// <param name="Layer">The layer.</param>
/// <param name="Input">Its (first) input shape.</param>
/// <param name="Output">Its output shape.</param>
/// <param name="Parameters">Its parameter counts (for composites: including every nested layer; a shared layer's at its first application only).</param>
/// <param name="MultiplyAccumulates">Forward multiply-accumulates per sample.</param>
/// <param name="Depth">Nesting depth (0 for top-level layers).</param>
/// <param name="ReceptiveField">Receptive field of one output unit, per spatial dimension, in input pixels; null where not spatial.</param>
/// <param name="Jump">Effective stride (distance in input pixels between neighbouring output units) per spatial dimension; null where not spatial.</param>
public sealed record LayerDescription(Layer Layer, Shape Input, Shape Output, ParameterCount Parameters, long MultiplyAccumulates,
    int Depth, int[]? ReceptiveField, int[]? Jump)
{
    /// <summary>
    /// For a model that is not a plain chain (functional models): the names of the layers or inputs whose outputs this
    /// row's layer reads, Keras's "Connected to" column. Null for chains and nested rows.
    /// </summary>
    public IReadOnlyList<string>? ConnectedTo { get; init; }
}
