namespace Kernelwise.Training;

/// <summary>
/// A callback built from delegates — Keras's <c>LambdaCallback</c>:
/// <c>new LambdaCallback(onEpochEnd: (epoch, logs) => Console.WriteLine(logs["loss"]))</c>.
/// </summary>
public sealed class LambdaCallback : Callback
{
    private readonly Action<IDictionary<string, double>>? _onTrainBegin, _onTrainEnd;
    private readonly Action<int, IDictionary<string, double>>? _onEpochBegin, _onEpochEnd, _onTrainBatchBegin, _onTrainBatchEnd;

    /// <summary>Creates the callback; every delegate is optional.</summary>
    public LambdaCallback(
        Action<int, IDictionary<string, double>>? onEpochBegin = null,
        Action<int, IDictionary<string, double>>? onEpochEnd = null,
        Action<int, IDictionary<string, double>>? onTrainBatchBegin = null,
        Action<int, IDictionary<string, double>>? onTrainBatchEnd = null,
        Action<IDictionary<string, double>>? onTrainBegin = null,
        Action<IDictionary<string, double>>? onTrainEnd = null)
    {
        (_onEpochBegin, _onEpochEnd, _onTrainBatchBegin, _onTrainBatchEnd, _onTrainBegin, _onTrainEnd) =
            (onEpochBegin, onEpochEnd, onTrainBatchBegin, onTrainBatchEnd, onTrainBegin, onTrainEnd);
    }

    /// <inheritdoc />
    public override void OnTrainBegin(IDictionary<string, double> logs) => _onTrainBegin?.Invoke(logs);

    /// <inheritdoc />
    public override void OnTrainEnd(IDictionary<string, double> logs) => _onTrainEnd?.Invoke(logs);

    /// <inheritdoc />
    public override void OnEpochBegin(int epoch, IDictionary<string, double> logs) => _onEpochBegin?.Invoke(epoch, logs);

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs) => _onEpochEnd?.Invoke(epoch, logs);

    /// <inheritdoc />
    public override void OnTrainBatchBegin(int batch, IDictionary<string, double> logs) => _onTrainBatchBegin?.Invoke(batch, logs);

    /// <inheritdoc />
    public override void OnTrainBatchEnd(int batch, IDictionary<string, double> logs) => _onTrainBatchEnd?.Invoke(batch, logs);
}
