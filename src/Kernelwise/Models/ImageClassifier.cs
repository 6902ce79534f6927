using Kernelwise.Data;
using static TorchSharp.torch;

namespace Kernelwise.Models;

/// <summary>
/// Classifies image files with a model from a model archive, reading everything else from the archive: how an image
/// becomes the model's input (<see cref="ModelMetadata.Preprocessing"/>) and the class names. What
/// <c>scripts/predict.cs</c> runs.
/// <code>
/// using var classifier = ImageClassifier.Load("fashion.kwmodel");
/// foreach (var (name, p) in classifier.Classify("shirt.png", top: 3)) Console.WriteLine($"{name} {p:P1}");
/// </code>
/// </summary>
public sealed class ImageClassifier : IDisposable
{
    private readonly Model _model;
    private readonly ImagePreprocessing _preprocessing;

    private ImageClassifier(Model model, ImagePreprocessing preprocessing, IReadOnlyList<string> classNames)
    {
        _model = model;
        _preprocessing = preprocessing;
        ClassNames = classNames;
    }

    /// <summary>Loads the archive at <paramref name="path"/> (not compiled: inference only).</summary>
    /// <exception cref="InvalidOperationException">The archive has no image preprocessing, or its model does not take one image and give one class score per class.</exception>
    public static ImageClassifier Load(string path, ComputeDevice? device = null)
    {
        var model = Model.Load(path, device, compile: false);
        try
        {
            var preprocessing = model.Metadata.Preprocessing
                ?? throw new InvalidOperationException($"Model archive '{path}' records no image preprocessing, so image files cannot be turned into its input. Set model.Metadata = new ModelMetadata {{ Preprocessing = new ImagePreprocessing(...) }} before saving.");
            if (model.InputShapes.Count != 1 || model.OutputShapes.Count != 1 || model.OutputShape.Rank != 1)
                throw new InvalidOperationException($"Model '{model.Name}' in '{path}' takes {model.InputShapes.Count} input(s) and gives {model.OutputShapes.Count} output(s) of shape {model.OutputShapes[0]}; an image classifier takes one image and gives one score per class.");
            var expected = new Shape(preprocessing.Channels, preprocessing.Height, preprocessing.Width);
            if (model.InputShape != expected)
                throw new InvalidOperationException($"Model archive '{path}': the preprocessing makes inputs {expected} but the model takes {model.InputShape}.");
            int classes = model.OutputShape[0];
            var names = model.Metadata.ClassNames is { } n && n.Count == classes ? n : Enumerable.Range(0, classes).Select(i => $"class {i}").ToArray();
            return new ImageClassifier(model, preprocessing, names);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The class names, by output index (from the archive, or "class i" when it has none).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The model.</summary>
    public Model Model => _model;

    /// <summary>The <paramref name="top"/> most probable classes for the image file at <paramref name="imagePath"/>, most probable first.</summary>
    /// <exception cref="ImageFileException">The file is missing or not a readable image.</exception>
    public IReadOnlyList<(string ClassName, double Probability)> Classify(string imagePath, int top = 5)
    {
        Guard.Positive(top);
        using var scope = NewDisposeScope();
        var input = _preprocessing.Load(imagePath).unsqueeze(0);
        var probabilities = _model.PredictProbabilities(input).squeeze(0);
        var values = probabilities.to_type(ScalarType.Float64).data<double>().ToArray();
        return values.Select((p, i) => (ClassNames[i], p)).OrderByDescending(c => c.p).Take(top).ToArray();
    }

    /// <summary>
    /// The image files among <paramref name="paths"/> — files, and the image files in folders (recursively, in name
    /// order) — each with its most probable classes.
    /// </summary>
    public IEnumerable<(string Path, IReadOnlyList<(string ClassName, double Probability)> Classes)> ClassifyAll(IEnumerable<string> paths, int top = 5)
    {
        ArgumentNullException.ThrowIfNull(paths);
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(f => ImageFormats.Supported.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal))
                    yield return (file, Classify(file, top));
            }
            else
            {
                yield return (path, Classify(path, top));
            }
        }
    }

    /// <summary>Disposes the model.</summary>
    public void Dispose() => _model.Dispose();
}
