namespace Kernelwise.Training;

/// <summary>
/// Stops training as soon as a batch's loss is NaN or infinite — Keras's <c>TerminateOnNaN</c>. The epoch ends after
/// that batch; <see cref="TerminatedAt"/> records where.
/// </summary>
public sealed class TerminateOnNaN : Callback
{
    /// <summary>(epoch, batch) of the invalid loss, or null.</summary>
    public (int Epoch, int Batch)? TerminatedAt { get; private set; }

    /// <inheritdoc />
    public override void OnTrainBegin(Logs logs) => TerminatedAt = null;

    /// <inheritdoc />
    public override void OnTrainBatchEnd(int batch, Logs logs)
    {
        if (!logs.TryGetValue("loss", out var loss) || double.IsFinite(loss)) return;
        TerminatedAt = (State?.Epoch ?? 0, batch);
        if (Params?.Verbose > 0 && IsPrimaryProcess) Console.WriteLine($"Batch {batch}: invalid loss {loss}, terminating training.");
        Model!.RequestStop($"TerminateOnNaN: the loss became {loss} in batch {batch + 1}", TrainingOutcome.NonFiniteLoss);
    }
}
