namespace Kernelwise.Training;

/// <summary>
/// Hooks into <see cref="Trainer.Fit"/>, <see cref="Trainer.Evaluate"/> and <see cref="Trainer.Predict(Data.Dataset, int)"/> —
/// Keras's callback shape. Every hook is empty; override the ones you need. Logs are keyed as in Keras:
/// <c>loss</c>, <c>accuracy</c>, <c>val_loss</c>, <c>val_accuracy</c>, <c>lr</c>.
/// </summary>
/// <remarks>
/// <para>Epoch and batch numbers are zero-based, as in Keras. Call <see cref="Trainer.RequestStop"/> (or set
/// <see cref="Trainer.StopTraining"/>) to end training: from a batch hook it ends the epoch after the current batch,
/// from <see cref="OnEpochEnd"/> it ends training after the epoch; the history records who stopped it and why.</para>
/// <para>A callback whose behaviour depends on what it saw earlier (best value so far, patience counter, schedule
/// position) overrides <see cref="SaveState"/> and <see cref="LoadState"/>, so that a training checkpoint carries
/// that state and a resumed run behaves exactly as an uninterrupted one (Lightning's <c>state_dict</c>).</para>
/// <para>In a data-parallel run every process calls the hooks, with the same epoch logs (summed over all
/// processes), so callbacks that decide — early stopping, learning-rate schedules, stopping on a NaN loss — decide
/// alike everywhere and all processes stop together. <see cref="TrainingState.IsPrimary"/> tells the one process
/// (rank 0) that should print, log and write files; Kernelwise's own callbacks write only there. Batch-level logs
/// are each process's own running figures.</para>
/// </remarks>
public abstract class Callback
{
    /// <summary>The model being trained or evaluated; set before the first hook of a run.</summary>
    public Trainer? Model { get; internal set; }

    /// <summary>Epochs, steps per epoch and verbosity of the current <c>Fit</c>; set before <see cref="OnTrainBegin"/>.</summary>
    public TrainingParameters? Params { get; internal set; }

    /// <summary>Where the running <c>Fit</c> stands (epoch, batch, process rank) and what a checkpoint captures; null outside <c>Fit</c>.</summary>
    public TrainingState? State { get; internal set; }

    /// <summary>Whether this process prints and writes files: rank 0 of a data-parallel <c>Fit</c>, and any process outside one.</summary>
    internal bool IsPrimaryProcess => State?.IsPrimary ?? true;

    /// <summary>Start of <c>Fit</c>.</summary>
    public virtual void OnTrainBegin(Logs logs) { }

    /// <summary>End of <c>Fit</c> (also after an early stop, an interruption or an exception).</summary>
    public virtual void OnTrainEnd(Logs logs) { }

    /// <summary>Start of an epoch.</summary>
    public virtual void OnEpochBegin(int epoch, Logs logs) { }

    /// <summary>End of an epoch; <paramref name="logs"/> holds the epoch's training and validation results and <c>lr</c>.</summary>
    public virtual void OnEpochEnd(int epoch, Logs logs) { }

    /// <summary>Before a training step.</summary>
    public virtual void OnTrainBatchBegin(int batch, Logs logs) { }

    /// <summary>After a training step; <paramref name="logs"/> holds the running (epoch-so-far) loss and metrics, read from the device when accessed.</summary>
    public virtual void OnTrainBatchEnd(int batch, Logs logs) { }

    /// <summary>Start of an evaluation (also the validation pass inside <c>Fit</c>).</summary>
    public virtual void OnTestBegin(Logs logs) { }

    /// <summary>End of an evaluation, with its results.</summary>
    public virtual void OnTestEnd(Logs logs) { }

    /// <summary>After an evaluation step.</summary>
    public virtual void OnTestBatchEnd(int batch, Logs logs) { }

    /// <summary>Start of a prediction.</summary>
    public virtual void OnPredictBegin(Logs logs) { }

    /// <summary>After a prediction step.</summary>
    public virtual void OnPredictBatchEnd(int batch, Logs logs) { }

    /// <summary>End of a prediction.</summary>
    public virtual void OnPredictEnd(Logs logs) { }

    /// <summary>
    /// Training was stopped before its last epoch — by <c>Fit</c>'s cancellation token or an interrupt request
    /// (Ctrl+C with <see cref="SaveOnInterrupt"/>) — after batch <paramref name="batch"/> of <paramref name="epoch"/>
    /// finished and its update was applied (in the middle of the epoch, or at its end when the request came during
    /// the last batch or the validation pass). <paramref name="logs"/> holds the running loss and metrics of the
    /// partial epoch, or the finished epoch's logs. <see cref="OnTrainEnd"/> follows.
    /// </summary>
    public virtual void OnInterrupt(int epoch, int batch, Logs logs) { }

    /// <summary>
    /// Something the user should know that is not an error, such as an image file that could not be decoded and was
    /// skipped (<see cref="Data.BadFilePolicy.Skip"/>); the progress bar prints it on its own line.
    /// </summary>
    public virtual void OnWarning(string message) { }

    /// <summary>
    /// After every callback's <see cref="OnEpochEnd"/> and after the epoch was recorded in the history: the moment a
    /// checkpoint captures a consistent state of every callback.
    /// </summary>
    public virtual void OnEpochCommitted(int epoch, Logs logs) { }

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
