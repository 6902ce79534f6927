using Kernelwise.Data;

namespace Kernelwise.Training;

/// <summary>The validated arguments of one <see cref="Models.Model.Fit"/> call.</summary>
internal sealed record FitOptions(
    Dataset Train,
    int Epochs,
    int BatchSize,
    Dataset? Validation,
    double ValidationSplit,
    bool Shuffle,
    int? Seed,
    IReadOnlyList<Callback> Callbacks,
    int Verbose,
    int InitialEpoch,
    int? StepsPerEpoch,
    IReadOnlyDictionary<int, double>? ClassWeight,
    string? ResumeFrom,
    CancellationToken CancellationToken);
