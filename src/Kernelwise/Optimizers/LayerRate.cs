namespace Kernelwise;

/// <summary>
/// A learning rate for a run of a model's top-level layers — one parameter group of the optimizer (PyTorch's param
/// groups, fastai's discriminative learning rates). Set on an optimizer's <see cref="Optimizer.LayerRates"/>: each entry
/// applies from <see cref="FromLayer"/> up to the next entry's layer (in the model's layer order); layers before the first
/// entry train at the optimizer's own <see cref="Optimizer.LearningRate"/>.
/// <code>
/// // fastai's slice(1e-5, 1e-3) over three groups: the early stages, the late stages, the head
/// new Adam(1e-3) { LayerRates = LayerRate.Geometric(1e-5, 1e-3, "conv1", "layer3_0", "head") }
/// </code>
/// </summary>
/// <param name="FromLayer">Name of the top-level layer where the group starts.</param>
/// <param name="LearningRate">The group's initial learning rate; schedules scale it in proportion (see <c>LearningRateScheduler</c>).</param>
public sealed record LayerRate(string FromLayer, double LearningRate)
{
    /// <summary>The layer where the group starts.</summary>
    public string FromLayer { get; } = Guard.NotEmpty(FromLayer);

    /// <summary>The group's initial learning rate.</summary>
    public double LearningRate { get; } = Guard.Positive(LearningRate);

    /// <summary>
    /// Rates spread geometrically from <paramref name="first"/> (the group starting at the first of
    /// <paramref name="fromLayers"/>) to <paramref name="last"/> (the group starting at the last) — fastai's
    /// <c>slice(first, last)</c>: a low rate for early, general layers, a high one for the new head.
    /// </summary>
    /// <param name="first">Rate of the first group.</param>
    /// <param name="last">Rate of the last group.</param>
    /// <param name="fromLayers">Where each group starts, in the model's layer order (two or more).</param>
    public static IReadOnlyList<LayerRate> Geometric(double first, double last, params string[] fromLayers)
    {
        Guard.Positive(first);
        Guard.Positive(last);
        ArgumentNullException.ThrowIfNull(fromLayers);
        if (fromLayers.Length < 2)
            throw new ArgumentException($"Invalid value for argument fromLayers. Expected at least two layer names (the start of the first and of the last group). Received {fromLayers.Length}.", nameof(fromLayers));
        int n = fromLayers.Length;
        return fromLayers.Select((layer, i) => new LayerRate(layer, first * Math.Pow(last / first, (double)i / (n - 1)))).ToArray();
    }
}
