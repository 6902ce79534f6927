using static TorchSharp.torch;

namespace Kernelwise.Layers;

/// <summary>
/// Collects the outputs of a model's auxiliary heads (<see cref="AuxiliaryOutput"/> layers) during a training
/// forward pass, for <see cref="AuxiliaryLoss"/> to add to the objective — GoogLeNet's side classifiers.
/// </summary>
/// <remarks>
/// <para>Create one, give it to the model's auxiliary heads (e.g. <c>GoogLeNet.Create(..., auxiliaryOutputs: aux)</c>)
/// and to the loss (<c>new AuxiliaryLoss(new CrossEntropy(), aux)</c>). The heads run only in training mode, as in
/// torchvision; evaluation and prediction see the main output alone.</para>
/// <para>Ownership: the collector owns the tensors it holds. The loss reads them and then calls <see cref="Clear"/>,
/// which disposes them; a head that records again before they were read (a second training forward without a loss)
/// starts a new pass and disposes the previous pass's outputs.</para>
/// </remarks>
public sealed class AuxiliaryOutputs
{
    private readonly List<(string Name, Tensor Output)> _outputs = new();
    private readonly object _gate = new();

    /// <summary>The outputs recorded since the last <see cref="Clear"/>, in the order the heads ran: (head name, output [N, ...]).</summary>
    public IReadOnlyList<(string Name, Tensor Output)> Current
    {
        get
        {
            lock (_gate) return _outputs.ToArray();
        }
    }

    /// <summary>Records a head's output and takes ownership of it (detaching it from any dispose scope).</summary>
    internal void Record(string name, Tensor output)
    {
        lock (_gate)
        {
            if (_outputs.Any(o => o.Name == name)) ClearLocked();
            _outputs.Add((name, output.DetachFromDisposeScope()));
        }
    }

    /// <summary>Disposes and forgets the recorded outputs.</summary>
    public void Clear()
    {
        lock (_gate) ClearLocked();
    }

    private void ClearLocked()
    {
        foreach (var (_, t) in _outputs) t.Dispose();
        _outputs.Clear();
    }
}
