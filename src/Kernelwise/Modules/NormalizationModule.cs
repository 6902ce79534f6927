using static TorchSharp.torch;

namespace Kernelwise.Modules;

/// <summary>
/// Normalization's computation: <c>(x − mean) / max(√variance, ε)</c> per position of one axis (or its inverse), with the
/// statistics as buffers <c>mean</c> and <c>variance</c> so they save and load with the weights.
/// </summary>
internal sealed class NormalizationModule : nn.Module<Tensor, Tensor>
{
    /// <summary>Keras's backend epsilon, the floor of the standard deviation.</summary>
    public const double Epsilon = 1e-7;

    private readonly long[] _broadcast;
    private readonly bool _invert;

    /// <param name="name">Module name.</param>
    /// <param name="inputShape">Sample shape (batch excluded).</param>
    /// <param name="axis">Sample dimension with its own statistics.</param>
    /// <param name="mean">Initial means, one per position of the axis.</param>
    /// <param name="variance">Initial variances.</param>
    /// <param name="invert">Apply the inverse (de-normalise).</param>
    public NormalizationModule(string name, Shape inputShape, int axis, double[] mean, double[] variance, bool invert) : base(name)
    {
        _broadcast = Enumerable.Repeat(1L, inputShape.Rank + 1).ToArray();
        _broadcast[axis + 1] = inputShape[axis];
        _invert = invert;
        register_buffer("mean", tensor(mean.Select(v => (float)v).ToArray()));
        register_buffer("variance", tensor(variance.Select(v => (float)v).ToArray()));
    }

    public Tensor Mean => get_buffer("mean")!;

    public Tensor Variance => get_buffer("variance")!;

    /// <summary>Overwrites the statistics (after <c>Adapt</c>).</summary>
    public void SetStatistics(double[] mean, double[] variance)
    {
        using var _ = no_grad();
        using var m = tensor(mean.Select(v => (float)v).ToArray());
        using var v = tensor(variance.Select(x => (float)x).ToArray());
        Mean.copy_(m);
        Variance.copy_(v);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var mean = Mean.to_type(input.dtype).reshape(_broadcast);
        var std = Variance.to_type(input.dtype).sqrt().clamp_min(Epsilon).reshape(_broadcast);
        var result = _invert ? input * std + mean : (input - mean) / std;
        return result.MoveToOuterDisposeScope();
    }
}
