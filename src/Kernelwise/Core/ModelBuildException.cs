namespace Kernelwise;

/// <summary>
/// A model definition that cannot be built: a layer that cannot accept the shape it receives, a duplicate name, a
/// graph whose outputs do not depend on its inputs. Thrown by summaries and builds, before any tensor exists; the
/// message names the layer (<see cref="LayerName"/>), what it received and the rule that failed.
/// </summary>
public sealed class ModelBuildException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="layerName">The layer (or input, or model) at fault.</param>
    /// <param name="message">The full message.</param>
    public ModelBuildException(string layerName, string message) : base(message) => LayerName = layerName;

    /// <summary>Creates the exception with the error that caused it.</summary>
    public ModelBuildException(string layerName, string message, Exception inner) : base(message, inner) => LayerName = layerName;

    /// <summary>The layer (or input, or model) at fault.</summary>
    public string LayerName { get; }
}
