using System.Globalization;
using System.Text.RegularExpressions;
using Kernelwise.Formats;

namespace Kernelwise.Training;

/// <summary>
/// Saves the model during training — Keras's <c>ModelCheckpoint</c>. By default it writes a complete training
/// checkpoint (<see cref="TrainingCheckpoint"/>: weights, optimizer and callback state, epoch, random state, history)
/// that <c>Fit(resumeFrom: path)</c> resumes exactly; with <c>saveWeightsOnly</c> it writes only the weights
/// (<see cref="Trainer.SaveWeights"/>, format by extension).
/// </summary>
/// <remarks>
/// <para>The path may contain placeholders filled from the epoch (one-based, as Keras prints it) and the logs:
/// <c>"ckpt/epoch{epoch:03}-{val_loss:.4f}.kwckpt"</c> → <c>ckpt/epoch007-0.3121.kwckpt</c>. Python-style
/// <c>{name:.4f}</c> and .NET-style <c>{name:0.0000}</c> formats are both accepted.</para>
/// <para>Every file is written atomically (temporary file, flush, rename), after all callbacks have finished the
/// epoch, so a crash never leaves a partial checkpoint and the saved callback state is consistent. In a data-parallel
/// run only rank 0 writes (every process resumes from its file).</para>
/// </remarks>
public sealed class ModelCheckpoint : Callback
{
    private static readonly Regex Placeholder = new(@"\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(:(?<format>[^}]*))?\}", RegexOptions.Compiled);
    private readonly MonitorTracker _tracker;
    private bool _saveThisEpoch;

    /// <summary>Creates the callback.</summary>
    /// <param name="filepath">Where to write; may contain <c>{epoch}</c> and log keys (see remarks).</param>
    /// <param name="monitor">The log value that decides "best" for <paramref name="saveBestOnly"/>.</param>
    /// <param name="mode">Whether smaller or larger is better; <see cref="MonitorMode.Auto"/> infers it from the name (accuracy-like → max).</param>
    /// <param name="saveBestOnly">Write only when <paramref name="monitor"/> improved on the best value so far.</param>
    /// <param name="saveWeightsOnly">Write only the weights instead of a full training checkpoint.</param>
    /// <param name="saveFrequency">Write every this many epochs (ignored with <paramref name="saveBestOnly"/>).</param>
    public ModelCheckpoint(string filepath, string monitor = "val_loss", MonitorMode mode = MonitorMode.Auto, bool saveBestOnly = false,
        bool saveWeightsOnly = false, int saveFrequency = 1)
    {
        FilePath = Guard.NotEmpty(filepath);
        _tracker = new MonitorTracker(Guard.NotEmpty(monitor), mode, 0);
        SaveBestOnly = saveBestOnly;
        SaveWeightsOnly = saveWeightsOnly;
        SaveFrequency = Guard.Positive(saveFrequency);
    }

    /// <summary>The path pattern.</summary>
    public string FilePath { get; }

    /// <summary>The monitored log key.</summary>
    public string Monitor => _tracker.Monitor;

    /// <summary>Whether only improvements are saved.</summary>
    public bool SaveBestOnly { get; }

    /// <summary>Whether only weights are saved.</summary>
    public bool SaveWeightsOnly { get; }

    /// <summary>Epochs between saves.</summary>
    public int SaveFrequency { get; }

    /// <summary>The best monitored value seen so far (NaN before the first).</summary>
    public double Best => _tracker.Best;

    /// <summary>The files written by this callback, in order.</summary>
    public IReadOnlyList<string> Saved => _saved;

    private readonly List<string> _saved = new();

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, Logs logs)
    {
        if (SaveBestOnly)
        {
            if (!logs.TryGetValue(Monitor, out var value))
                throw new InvalidOperationException($"ModelCheckpoint monitors '{Monitor}', which is not in the logs. Available: {string.Join(", ", logs.Keys)}. Pass validation data for val_ keys.");
            _saveThisEpoch = _tracker.Update(value);
        }
        else
        {
            _saveThisEpoch = (epoch + 1) % SaveFrequency == 0;
        }
    }

    /// <inheritdoc />
    public override void OnEpochCommitted(int epoch, Logs logs)
    {
        // Every process decides (the state stays the same everywhere); rank 0 of a data-parallel run writes.
        if (!_saveThisEpoch || !IsPrimaryProcess) return;
        string path = FormatPath(FilePath, epoch, logs);
        if (SaveWeightsOnly) Model!.SaveWeights(path);
        else TrainingCheckpoint.Write(path, State ?? throw new InvalidOperationException("ModelCheckpoint can only write a training checkpoint during Fit."));
        _saved.Add(path);
    }

    /// <summary>Fills the placeholders of <paramref name="pattern"/> (epoch one-based).</summary>
    public static string FormatPath(string pattern, int epoch, IReadOnlyDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(logs);
        return Placeholder.Replace(pattern, m =>
        {
            string name = m.Groups["name"].Value;
            string format = m.Groups["format"].Value;
            double value;
            if (name == "epoch") value = epoch + 1;
            else if (!logs.TryGetValue(name, out value))
                throw new ArgumentException($"ModelCheckpoint path '{pattern}' uses {{{name}}}, which is not in the logs. Available: epoch, {string.Join(", ", logs.Keys)}.");
            return FormatNumber(value, format, name == "epoch");
        });
    }

    private static readonly Regex PythonFormat = new(@"^(?<zero>0)?(?<width>[1-9]\d*)?(\.(?<precision>\d+))?(?<kind>[dfe])?$", RegexOptions.Compiled);

    private static string FormatNumber(double value, string format, bool integer)
    {
        if (format.Length == 0) return integer ? ((long)value).ToString(CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);
        // Python's mini-language when the format ends with d/f/e, starts with a precision (.4), or is a zero-padded width (03);
        // otherwise a .NET format string (000, 0.0000).
        var python = PythonFormat.Match(format);
        bool isPython = python.Success && (python.Groups["kind"].Success || format.StartsWith('.') || (python.Groups["zero"].Success && python.Groups["width"].Success && !python.Groups["precision"].Success));
        if (isPython)
        {
            int width = python.Groups["width"].Success ? int.Parse(python.Groups["width"].Value, CultureInfo.InvariantCulture) : 0;
            int precision = python.Groups["precision"].Success ? int.Parse(python.Groups["precision"].Value, CultureInfo.InvariantCulture) : 6;
            string kind = python.Groups["kind"].Success ? python.Groups["kind"].Value : (integer ? "d" : "f");
            string text = kind switch
            {
                "d" => ((long)value).ToString(CultureInfo.InvariantCulture),
                "e" => value.ToString("0." + new string('0', precision) + "e+00", CultureInfo.InvariantCulture),
                _ => value.ToString("F" + precision, CultureInfo.InvariantCulture),
            };
            return python.Groups["zero"].Success ? text.PadLeft(width, '0') : text.PadLeft(width);
        }
        return integer ? ((long)value).ToString(format, CultureInfo.InvariantCulture) : value.ToString(format, CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public override void SaveState(BinaryWriter writer) => _tracker.Save(writer);

    /// <inheritdoc />
    public override void LoadState(BinaryReader reader) => _tracker.Load(reader);
}
