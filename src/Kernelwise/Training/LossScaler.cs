using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Training;

/// <summary>
/// Dynamic loss scaling for float16 mixed precision (PyTorch's <c>GradScaler</c>, Keras's <c>LossScaleOptimizer</c>):
/// the loss is multiplied by <see cref="Scale"/> before backward so small gradients survive float16; before the update
/// the gradients are divided by it again. A step whose gradients hold an infinity or NaN (the scale was too large) is
/// skipped and the scale multiplied by <see cref="BackoffFactor"/>; after <see cref="GrowthInterval"/> good steps in a row
/// it is multiplied by <see cref="GrowthFactor"/>.
/// </summary>
/// <remarks>The scaler's state travels in training checkpoints, so a resumed float16 run continues with the same scale.</remarks>
public sealed class LossScaler
{
    /// <summary>Creates a scaler with PyTorch's defaults: scale 2¹⁶, growth ×2 every 2,000 good steps, backoff ×0.5.</summary>
    public LossScaler(double initialScale = 65536, double growthFactor = 2, double backoffFactor = 0.5, int growthInterval = 2000)
    {
        Scale = Guard.Positive(initialScale);
        if (!(growthFactor > 1)) throw new ArgumentOutOfRangeException(nameof(growthFactor), growthFactor, $"Invalid value for argument growthFactor. Expected a value above 1. Received growthFactor={growthFactor}.");
        if (!(backoffFactor > 0 && backoffFactor < 1)) throw new ArgumentOutOfRangeException(nameof(backoffFactor), backoffFactor, $"Invalid value for argument backoffFactor. Expected a value in (0, 1). Received backoffFactor={backoffFactor}.");
        GrowthFactor = growthFactor;
        BackoffFactor = backoffFactor;
        GrowthInterval = Guard.Positive(growthInterval);
    }

    /// <summary>The factor the loss is multiplied by now.</summary>
    public double Scale { get; private set; }

    /// <summary>Multiplier after <see cref="GrowthInterval"/> good steps.</summary>
    public double GrowthFactor { get; }

    /// <summary>Multiplier after a step with non-finite gradients.</summary>
    public double BackoffFactor { get; }

    /// <summary>Good steps in a row before the scale grows.</summary>
    public int GrowthInterval { get; }

    /// <summary>Good steps since the scale last changed.</summary>
    public int GoodSteps { get; private set; }

    /// <summary>Steps skipped because their gradients were not finite, since training started.</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>The loss to backpropagate: <paramref name="loss"/> × <see cref="Scale"/>.</summary>
    public Tensor ScaleLoss(Tensor loss) => loss * Scale;

    /// <summary>
    /// Divides the gradients by the scale, in place, and says whether all are finite; then updates the scale (backoff on
    /// a non-finite step, growth after a run of good ones). The caller skips the optimizer step when this returns false.
    /// </summary>
    public bool UnscaleAndCheck(IReadOnlyList<Tensor> gradients)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        bool finite = true;
        if (gradients.Count > 0)
        {
            using var scope = NewDisposeScope();
            double inverse = 1.0 / Scale;
            foreach (var g in gradients) g.mul_(inverse);
            var checks = gradients.Select(g => g.isfinite().all()).ToArray();
            finite = stack(checks).all().item<bool>();
        }
        Update(finite);
        return finite;
    }

    /// <summary>Records a step's outcome and moves the scale accordingly.</summary>
    internal void Update(bool finite)
    {
        if (!finite)
        {
            Scale *= BackoffFactor;
            GoodSteps = 0;
            SkippedSteps++;
            return;
        }
        if (++GoodSteps >= GrowthInterval)
        {
            Scale *= GrowthFactor;
            GoodSteps = 0;
        }
    }

    /// <summary>Writes the configuration and the state (as PyTorch's GradScaler state dict holds both).</summary>
    internal void Save(BinaryWriter w)
    {
        w.Write(GrowthFactor);
        w.Write(BackoffFactor);
        w.Write(GrowthInterval);
        w.Write(Scale);
        w.Write(GoodSteps);
        w.Write(SkippedSteps);
    }

    /// <summary>A scaler with the configuration and state <see cref="Save"/> wrote.</summary>
    internal static LossScaler Read(BinaryReader r)
    {
        double growth = r.ReadDouble(), backoff = r.ReadDouble();
        int interval = r.ReadInt32();
        double scale = r.ReadDouble();
        int good = r.ReadInt32();
        long skipped = r.ReadInt64();
        if (!(scale > 0) || double.IsInfinity(scale) || good < 0 || skipped < 0)
            throw new InvalidDataException($"Invalid loss scaler state: scale {scale}, good steps {good}, skipped steps {skipped}.");
        LossScaler scaler;
        try
        {
            scaler = new LossScaler(scale, growth, backoff, interval);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Invalid loss scaler configuration: {e.Message}", e);
        }
        scaler.GoodSteps = good;
        scaler.SkippedSteps = skipped;
        return scaler;
    }
}
