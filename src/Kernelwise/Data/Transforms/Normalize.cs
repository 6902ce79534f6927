using System.Globalization;

namespace Kernelwise.Data;

/// <summary>
/// Standardizes each channel: <c>(x − mean[c]) / std[c]</c> — torchvision's <c>Normalize</c>, e.g. the ImageNet
/// statistics <c>mean = {0.485, 0.456, 0.406}, std = {0.229, 0.224, 0.225}</c>. Comes after <see cref="ToTensor"/>.
/// One value applies to every channel.
/// </summary>
public sealed class Normalize : TensorTransform
{
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>Creates the transform.</summary>
    /// <param name="mean">Per-channel means (or one for all channels).</param>
    /// <param name="std">Per-channel standard deviations, each strictly positive (or one for all channels).</param>
    public Normalize(IReadOnlyList<double> mean, IReadOnlyList<double> std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count == 0 || std.Count == 0)
            throw new ArgumentException($"Invalid value for argument mean/std. Expected at least one value each. Received {mean.Count} mean and {std.Count} std values.");
        foreach (var m in mean)
            if (!double.IsFinite(m)) throw new ArgumentOutOfRangeException(nameof(mean), $"Invalid value for argument mean. Expected finite values. Received mean=[{Format(mean)}].");
        foreach (var s in std)
            if (!(s > 0) || !double.IsFinite(s)) throw new ArgumentOutOfRangeException(nameof(std), $"Invalid value for argument std. Expected strictly positive, finite values. Received std=[{Format(std)}].");
        _mean = mean.Select(m => (float)m).ToArray();
        _std = std.Select(s => (float)s).ToArray();
    }

    /// <summary>Per-channel means.</summary>
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>Per-channel standard deviations.</summary>
    public IReadOnlyList<float> Std => _std;

    /// <inheritdoc />
    public override void Apply(Span<float> values, int channels, int height, int width, TransformRandom random)
    {
        if ((_mean.Length != 1 && _mean.Length != channels) || (_std.Length != 1 && _std.Length != channels))
        {
            throw new InvalidOperationException(
                $"{this} received an image with {channels} channel(s): mean and std need {channels} value(s) each (or one). " +
                "Match them to the color mode (1 for grayscale, 3 for RGB, 4 for RGBA).");
        }
        int plane = height * width;
        for (int c = 0; c < channels; c++)
        {
            float m = _mean[_mean.Length == 1 ? 0 : c], inv = 1f / _std[_std.Length == 1 ? 0 : c];
            var p = values.Slice(c * plane, plane);
            for (int i = 0; i < p.Length; i++) p[i] = (p[i] - m) * inv;
        }
    }

    private static string Format(IEnumerable<double> v) => string.Join(", ", v.Select(x => x.ToString(CultureInfo.InvariantCulture)));

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"Normalize(mean=[{string.Join(", ", _mean.Select(x => x.ToString(CultureInfo.InvariantCulture)))}], std=[{string.Join(", ", _std.Select(x => x.ToString(CultureInfo.InvariantCulture)))}])");
}
