using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;

namespace Kernelwise.Data;

/// <summary>Mirrors the image left-to-right with probability <see cref="Probability"/> — torchvision's <c>RandomHorizontalFlip</c>.</summary>
public sealed class RandomHorizontalFlip : ImageTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="probability">Chance of flipping, in [0, 1].</param>
    public RandomHorizontalFlip(double probability = 0.5) => Probability = Guard.InRange(probability, 0, 1, maxInclusive: true);

    /// <summary>Chance of flipping.</summary>
    public double Probability { get; }

    /// <inheritdoc />
    public override bool IsRandom => true;

    /// <inheritdoc />
    public override Image Apply(Image image, TransformRandom random)
    {
        if (random.Bernoulli(Probability)) image.Mutate(x => x.Flip(FlipMode.Horizontal));
        return image;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"RandomHorizontalFlip(p={Probability})");
}
