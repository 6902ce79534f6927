using TorchSharp;

namespace Kernelwise.Training;

/// <summary>
/// Writes TensorBoard event files with TorchSharp's summary writer — Keras's <c>TensorBoard</c> layout: under
/// <c>logDir/train</c> the scalars <c>epoch_loss</c>, <c>epoch_&lt;metric&gt;</c> and <c>epoch_learning_rate</c>;
/// under <c>logDir/validation</c> <c>epoch_loss</c> and <c>epoch_&lt;metric&gt;</c> of the validation pass; with
/// <see cref="UpdateFrequency"/> also <c>batch_loss</c> and <c>batch_&lt;metric&gt;</c> every that many batches.
/// View with <c>tensorboard --logdir logDir</c>. In a data-parallel run only rank 0 writes.
/// </summary>
public sealed class TensorBoard : Callback
{
    private TorchSharp.Modules.SummaryWriter? _train;
    private TorchSharp.Modules.SummaryWriter? _validation;

    /// <summary>Creates the callback.</summary>
    /// <param name="logDir">Root folder of the run's event files.</param>
    /// <param name="updateFrequency">Write batch-level scalars every this many batches; 0 (default) writes per epoch only.</param>
    public TensorBoard(string logDir = "logs", int updateFrequency = 0)
    {
        LogDir = Guard.NotEmpty(logDir);
        UpdateFrequency = Guard.NonNegative(updateFrequency);
    }

    /// <summary>The root folder.</summary>
    public string LogDir { get; }

    /// <summary>Batches between batch-level writes (0: none).</summary>
    public int UpdateFrequency { get; }

    /// <inheritdoc />
    public override void OnTrainBegin(Logs logs)
    {
        if (!IsPrimaryProcess) return;     // data-parallel: rank 0 writes the event files
        _train = torch.utils.tensorboard.SummaryWriter(Path.Combine(LogDir, "train"));
        _validation = torch.utils.tensorboard.SummaryWriter(Path.Combine(LogDir, "validation"));
    }

    /// <inheritdoc />
    public override void OnTrainBatchEnd(int batch, Logs logs)
    {
        if (_train is null || UpdateFrequency == 0 || (batch + 1) % UpdateFrequency != 0) return;
        long step = (State?.Epoch ?? 0) * (Params?.Steps ?? 0) + batch;
        foreach (var (k, v) in logs) _train.add_scalar("batch_" + k, (float)v, (int)step);
    }

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, Logs logs)
    {
        if (_train is null || _validation is null) return;
        foreach (var (k, v) in logs)
        {
            if (k == "lr") _train.add_scalar("epoch_learning_rate", (float)v, epoch);
            else if (k.StartsWith("val_", StringComparison.Ordinal)) _validation.add_scalar("epoch_" + k[4..], (float)v, epoch);
            else _train.add_scalar("epoch_" + k, (float)v, epoch);
        }
    }

    /// <inheritdoc />
    public override void OnTrainEnd(Logs logs)
    {
        _train = null;
        _validation = null;
    }
}
