using Kernelwise.Shapes;
using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// An auxiliary head on the side of a model: in training mode it applies <see cref="Head"/> to its input and records
/// the result in an <see cref="AuxiliaryOutputs"/> collector; in every mode it passes its input on unchanged. GoogLeNet's
/// side classifiers (torchvision's <c>InceptionAux</c>, <c>aux_logits=True</c>) are built this way.
/// </summary>
/// <remarks>
/// <para>The model keeps a single output, so <c>Fit</c>, metrics, <c>Evaluate</c> and <c>Predict</c> work unchanged;
/// the auxiliary outputs reach the objective through <see cref="AuxiliaryLoss"/>, which adds
/// weight · loss(head output, targets) for each head (0.3 in the GoogLeNet paper). As in torchvision, the heads do
/// not run in evaluation mode.</para>
/// <para>The head's parameters count as the layer's (PyTorch's <c>parameters()</c> includes them too); its
/// multiply-accumulates are counted as well, although they are only spent in training. State dict names:
/// <c>{layer}.head.{layer}.{tensor}</c>.</para>
/// </remarks>
public sealed class AuxiliaryOutput : Layer
{
    /// <summary>Creates the head.</summary>
    /// <param name="head">The head's layers (a sub-builder without input shape), e.g. pooling, a convolution, Flatten and Dense layers.</param>
    /// <param name="outputs">Where the head's outputs are recorded during training.</param>
    /// <param name="name">Layer name; generated when null (<c>auxiliary_output</c>, ...).</param>
    public AuxiliaryOutput(LayerStack head, AuxiliaryOutputs outputs, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(outputs);
        if (head.Layers.Count == 0)
            throw new ArgumentException("Invalid value for argument head of AuxiliaryOutput. Expected at least one layer. Received an empty builder.", nameof(head));
        Head = new Branch("head", head);
        Outputs = outputs;
    }

    /// <summary>The head.</summary>
    public Branch Head { get; }

    /// <summary>The collector the head records into.</summary>
    public AuxiliaryOutputs Outputs { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Layer> Children => new Layer[] { Head };

    /// <inheritdoc />
    internal override bool ReusesOutput => true;

    /// <summary>Names the layer, then the head's layers.</summary>
    public override void AssignNames(NameAllocator names)
    {
        ArgumentNullException.ThrowIfNull(names);
        names.Assign(this);
        Head.AssignNames(names);
    }

    /// <summary>The input shape (the layer passes its input on), after checking that the head accepts it.</summary>
    public override Shape ComputeOutputShape(Shape input)
    {
        try
        {
            Head.ComputeOutputShape(input);
        }
        catch (ModelBuildException e)
        {
            throw new ModelBuildException(e.LayerName, $"{e.Message} (in the head of auxiliary output '{Name}')");
        }
        return input;
    }

    /// <summary>The shape of the head's output for <paramref name="input"/>.</summary>
    public Shape ComputeHeadOutputShape(Shape input) => Head.ComputeOutputShape(input);

    /// <inheritdoc />
    public override ParameterCount CountParameters(Shape input) => Head.CountParameters(input);

    /// <inheritdoc />
    public override long CountMultiplyAccumulates(Shape input, Shape output) => Head.CountMultiplyAccumulates(input, Head.ComputeOutputShape(input));

    /// <summary>A row for the head, followed by its layers.</summary>
    public override IEnumerable<LayerDescription> DescribeChildren(Shape input, int depth)
    {
        var output = Head.ComputeOutputShape(input);
        var window = Head.GetSpatialWindow(input);
        yield return new LayerDescription(Head, input, output, Head.CountParameters(input), Head.CountMultiplyAccumulates(input, output), depth,
            window?.Kernel, window?.Stride);
        foreach (var row in Head.DescribeChildren(input, depth + 1)) yield return row;
    }

    /// <summary>A module with child <c>head</c>; forward records head(x) in training mode and returns x.</summary>
    public override nn.Module<Tensor, Tensor> CreateModule(Shape input) => new AuxiliaryOutputModule(Name, Head.CreateModule(input), Outputs);
}
