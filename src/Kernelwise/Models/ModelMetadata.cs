using Kernelwise.Data;

namespace Kernelwise.Models;

/// <summary>
/// What a model archive records besides the architecture and weights, so a program that loads it needs nothing else:
/// the class names, how an image becomes the model's input, and a description. Set it on <see cref="Model.Metadata"/>
/// before <see cref="Model.Save"/>.
/// </summary>
public sealed record ModelMetadata
{
    /// <summary>The name of each class, by output index (e.g. Fashion-MNIST's "T-shirt/top", ...); null when unknown.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>How an image file becomes one input sample; null when the model's inputs are not images.</summary>
    public ImagePreprocessing? Preprocessing { get; init; }

    /// <summary>Free text: what the model is for, what it was trained on.</summary>
    public string? Description { get; init; }

    /// <summary>Further key-value pairs the user wants to keep with the model.</summary>
    public IReadOnlyDictionary<string, string>? Properties { get; init; }
}
