namespace Kernelwise.Training;

/// <summary>
/// A callback built from delegates — Keras's <c>LambdaCallback</c>:
/// <c>new LambdaCallback(onEpochEnd: (epoch, logs) => Console.WriteLine(logs["loss"]))</c>.
/// </summary>
public sealed class LambdaCallback : Callback
{
    private readonly Action<Logs>? _onTrainBegin, _onTrainEnd;
    private readonly Action<int, Logs>? _onEpochBegin, _onEpochEnd, _onTrainBatchBegin, _onTrainBatchEnd;

    /// <summary>Creates the callback; every delegate is optional.</summary>
    public LambdaCallback(
        Action<int, Logs>? onEpochBegin = null,
        Action<int, Logs>? onEpochEnd = null,
        Action<int, Logs>? onTrainBatchBegin = null,
        Action<int, Logs>? onTrainBatchEnd = null,
        Action<Logs>? onTrainBegin = null,
        Action<Logs>? onTrainEnd = null)
    {
        (_onEpochBegin, _onEpochEnd, _onTrainBatchBegin, _onTrainBatchEnd, _onTrainBegin, _onTrainEnd) =
            (onEpochBegin, onEpochEnd, onTrainBatchBegin, onTrainBatchEnd, onTrainBegin, onTrainEnd);
    }

    /// <inheritdoc />
    public override void OnTrainBegin(Logs logs) => _onTrainBegin?.Invoke(logs);

    /// <inheritdoc />
    public override void OnTrainEnd(Logs logs) => _onTrainEnd?.Invoke(logs);

    /// <inheritdoc />
    public override void OnEpochBegin(int epoch, Logs logs) => _onEpochBegin?.Invoke(epoch, logs);

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, Logs logs) => _onEpochEnd?.Invoke(epoch, logs);

    /// <inheritdoc />
    public override void OnTrainBatchBegin(int batch, Logs logs) => _onTrainBatchBegin?.Invoke(batch, logs);

    /// <inheritdoc />
    public override void OnTrainBatchEnd(int batch, Logs logs) => _onTrainBatchEnd?.Invoke(batch, logs);
}
