using Kernelwise.Data;

namespace Kernelwise.Training.Engine;

/// <summary>The validated arguments of one <see cref="Trainer.Fit"/> call.</summary>
internal sealed record FitOptions(
    Dataset Train,
    int Epochs,
    int BatchSize,
    Dataset? Validation,
    double ValidationSplit,
    int ValidationBatchSize,
    bool Shuffle,
    int? Seed,
    CallbackList Callbacks,
    int Verbose,
    int InitialEpoch,
    int? StepsPerEpoch,
    IReadOnlyDictionary<int, double>? ClassWeight,
    string? ResumeFrom,
    DistributionStrategy Strategy,
    CancellationToken CancellationToken);
