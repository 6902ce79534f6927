using Kernelwise.Formats;

namespace Kernelwise.Training;

/// <summary>
/// Makes Ctrl+C stop training cleanly: the current batch (or gradient-accumulation window) finishes, a training
/// checkpoint is written to <see cref="FilePath"/>, and <c>Fit</c> returns normally. <c>Fit(resumeFrom: FilePath)</c>
/// continues from that batch exactly. The same happens when <c>Fit</c>'s cancellation token is cancelled.
/// </summary>
/// <remarks>
/// While <c>Fit</c> runs, the callback handles <see cref="Console.CancelKeyPress"/>: the first Ctrl+C requests the
/// stop (the process is not terminated); a second one terminates the process as usual. The handler is removed
/// when training ends.
/// </remarks>
public sealed class SaveOnInterrupt : Callback
{
    private ConsoleCancelEventHandler? _handler;
    private int _presses;

    /// <summary>Creates the callback.</summary>
    /// <param name="filepath">Where the checkpoint is written (placeholders as in <see cref="ModelCheckpoint"/>: <c>{epoch}</c>, log keys).</param>
    /// <param name="handleCtrlC">Whether to catch Ctrl+C; false leaves only the cancellation-token path.</param>
    public SaveOnInterrupt(string filepath, bool handleCtrlC = true)
    {
        FilePath = Guard.NotEmpty(filepath);
        HandleCtrlC = handleCtrlC;
    }

    /// <summary>The checkpoint path.</summary>
    public string FilePath { get; }

    /// <summary>Whether Ctrl+C is caught.</summary>
    public bool HandleCtrlC { get; }

    /// <summary>The checkpoint written at the last interruption, or null.</summary>
    public string? SavedPath { get; private set; }

    /// <inheritdoc />
    public override void OnTrainBegin(Logs logs)
    {
        SavedPath = null;
        _presses = 0;
        if (!HandleCtrlC) return;
        var session = State;
        _handler = (_, e) =>
        {
            if (Interlocked.Increment(ref _presses) > 1) return; // second press: default behaviour, terminate
            e.Cancel = true;
            session?.RequestInterrupt();
            Console.Error.WriteLine("Interrupt received: finishing the current batch, then saving a checkpoint. Press Ctrl+C again to terminate now.");
        };
        Console.CancelKeyPress += _handler;
    }

    /// <inheritdoc />
    public override void OnInterrupt(int epoch, int batch, Logs logs)
    {
        if (!IsPrimaryProcess) return;     // data-parallel: rank 0 writes the checkpoint every process resumes from
        string path = ModelCheckpoint.FormatPath(FilePath, epoch, logs);
        TrainingCheckpoint.Write(path, State ?? throw new InvalidOperationException("SaveOnInterrupt can only save during Fit."));
        SavedPath = path;
        if (Params?.Verbose > 0) Console.Error.WriteLine($"Saved checkpoint '{path}' after batch {batch + 1} of epoch {epoch + 1}. Resume with Fit(..., resumeFrom: \"{path}\").");
    }

    /// <inheritdoc />
    public override void OnTrainEnd(Logs logs)
    {
        if (_handler is not null) Console.CancelKeyPress -= _handler;
        _handler = null;
    }
}
