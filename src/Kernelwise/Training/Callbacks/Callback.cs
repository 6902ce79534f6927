
namespace Kernelwise.Training;

/// <summary>
/// Hooks into <see cref="Models.Model.Fit"/>, <see cref="Models.Model.Evaluate"/> and <see cref="Models.Model.Predict(Data.Dataset, int)"/> —
/// Keras's callback shape. Every hook is empty; override the ones you need. Logs are keyed as in Keras:
/// <c>loss</c>, <c>accuracy</c>, <c>val_loss</c>, <c>val_accuracy</c>, <c>lr</c>.
/// </summary>
/// <remarks>
/// <para>Epoch and batch numbers are zero-based, as in Keras. Set <c>Model.StopTraining = true</c> to end training:
/// from a batch hook it ends the epoch after the current batch, from <see cref="OnEpochEnd"/> it ends training after
/// the epoch.</para>
/// <para>A callback whose behaviour depends on what it saw earlier (best value so far, patience counter, schedule
/// position) overrides <see cref="SaveState"/> and <see cref="LoadState"/>, so that a training checkpoint carries
/// that state and a resumed run behaves exactly as an uninterrupted one (Lightning's <c>state_dict</c>).</para>
/// </remarks>
public abstract class Callback
{
    /// <summary>The model being trained; set before <see cref="OnTrainBegin"/>.</summary>
    public Models.Model? Model { get; internal set; }

    /// <summary>Epochs, steps per epoch and verbosity of the current run; set before <see cref="OnTrainBegin"/>.</summary>
    public TrainingParameters? Params { get; internal set; }

    /// <summary>The running <c>Fit</c> call's state (for checkpoints); null outside <c>Fit</c>.</summary>
    internal TrainingSession? Session { get; set; }

    /// <summary>Start of <c>Fit</c>.</summary>
    public virtual void OnTrainBegin(IDictionary<string, double> logs) { }

    /// <summary>End of <c>Fit</c> (also after an early stop, an interruption or an exception).</summary>
    public virtual void OnTrainEnd(IDictionary<string, double> logs) { }

    /// <summary>Start of an epoch.</summary>
    public virtual void OnEpochBegin(int epoch, IDictionary<string, double> logs) { }

    /// <summary>End of an epoch; <paramref name="logs"/> holds the epoch's training and validation results and <c>lr</c>.</summary>
    public virtual void OnEpochEnd(int epoch, IDictionary<string, double> logs) { }

    /// <summary>Before a training step.</summary>
    public virtual void OnTrainBatchBegin(int batch, IDictionary<string, double> logs) { }

    /// <summary>After a training step; <paramref name="logs"/> holds the running (epoch-so-far) loss and metrics.</summary>
    public virtual void OnTrainBatchEnd(int batch, IDictionary<string, double> logs) { }

    /// <summary>Start of an evaluation (also the validation pass inside <c>Fit</c>).</summary>
    public virtual void OnTestBegin(IDictionary<string, double> logs) { }

    /// <summary>End of an evaluation, with its results.</summary>
    public virtual void OnTestEnd(IDictionary<string, double> logs) { }

    /// <summary>After an evaluation step.</summary>
    public virtual void OnTestBatchEnd(int batch, IDictionary<string, double> logs) { }

    /// <summary>
    /// Training was stopped before its last epoch — by <c>Fit</c>'s cancellation token or an interrupt request
    /// (Ctrl+C with <see cref="SaveOnInterrupt"/>) — after batch <paramref name="batch"/> of <paramref name="epoch"/>
    /// finished and its update was applied (in the middle of the epoch, or at its end when the request came during
    /// the last batch or the validation pass). <paramref name="logs"/> holds the running loss and metrics of the
    /// partial epoch, or the finished epoch's logs. <see cref="OnTrainEnd"/> follows.
    /// </summary>
    public virtual void OnInterrupt(int epoch, int batch, IDictionary<string, double> logs) { }

    /// <summary>
    /// After every callback's <see cref="OnEpochEnd"/> and after the epoch was recorded in the history: the moment a
    /// checkpoint captures a consistent state of every callback.
    /// </summary>
    internal virtual void OnEpochCommitted(int epoch, IDictionary<string, double> logs) { }

    /// <summary>The name under which a training checkpoint stores this callback's state (default: the type name; repeats get <c>#1</c>, <c>#2</c>).</summary>
    public virtual string StateKey => GetType().Name;

    /// <summary>Writes the state a resumed run needs (default: nothing).</summary>
    public virtual void SaveState(BinaryWriter writer) { }

    /// <summary>Reads what <see cref="SaveState"/> wrote (default: nothing).</summary>
    public virtual void LoadState(BinaryReader reader) { }
}

/// <summary>What a callback knows about the current <c>Fit</c> call (Keras's <c>callback.params</c>).</summary>
/// <param name="Epochs">Total number of epochs (the last epoch index plus one).</param>
/// <param name="Steps">Training steps per epoch.</param>
/// <param name="Verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
/// <param name="InitialEpoch">First epoch index of this call.</param>
public sealed record TrainingParameters(int Epochs, long Steps, int Verbose, int InitialEpoch);
