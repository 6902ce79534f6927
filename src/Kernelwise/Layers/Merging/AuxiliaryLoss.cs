using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// A loss that also trains a model's auxiliary heads: loss(main, targets) + weight · Σ loss(auxᵢ, targets) over the
/// outputs the heads recorded in <see cref="Outputs"/> during the forward pass — GoogLeNet's training objective
/// (weight 0.3 in Szegedy et al., 2014, and in torchvision's training recipe).
/// </summary>
/// <remarks>
/// In evaluation mode the heads record nothing, so <c>Evaluate</c> and the validation loss are the main loss alone
/// (as in torchvision, where <c>eval()</c> returns only the main logits). After each computation the recorded outputs
/// are cleared (and disposed); the returned tensor keeps what backward needs.
/// </remarks>
public sealed class AuxiliaryLoss : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="inner">The loss applied to the main output and to each auxiliary output (e.g. <see cref="CrossEntropy"/>).</param>
    /// <param name="outputs">The collector the model's <see cref="AuxiliaryOutput"/> layers record into.</param>
    /// <param name="weight">Weight of each auxiliary term, 0 or more (0.3 by default).</param>
    public AuxiliaryLoss(Loss inner, AuxiliaryOutputs outputs, double weight = 0.3)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(outputs);
        Inner = inner;
        Outputs = outputs;
        Weight = Guard.NonNegative(weight);
    }

    /// <summary>The loss applied to every output.</summary>
    public Loss Inner { get; }

    /// <summary>Where the auxiliary outputs come from.</summary>
    public AuxiliaryOutputs Outputs { get; }

    /// <summary>Weight of each auxiliary term.</summary>
    public double Weight { get; }

    /// <inheritdoc />
    public override string Name => Inner.Name;

    /// <inheritdoc />
    public override Tensor Compute(Tensor predictions, Tensor targets)
    {
        var auxiliary = Outputs.Current;
        try
        {
            if (auxiliary.Count == 0) return Inner.Compute(predictions, targets);
            using var scope = NewDisposeScope();
            var total = Inner.Compute(predictions, targets);
            foreach (var (name, output) in auxiliary)
            {
                if (output.shape.Length == 0 || output.shape[0] != predictions.shape[0])
                {
                    throw new InvalidOperationException(
                        $"Auxiliary output '{name}' has shape [{string.Join(", ", output.shape)}] but the main output has batch size {predictions.shape[0]}; " +
                        "it was recorded by a different forward pass. Compute the loss right after each training forward pass.");
                }
                total = total.add(Inner.Compute(output, targets).mul(Weight));
            }
            return total.MoveToOuterDisposeScope();
        }
        finally
        {
            Outputs.Clear();
        }
    }
}
