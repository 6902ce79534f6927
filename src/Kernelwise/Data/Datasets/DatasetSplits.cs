namespace Kernelwise.Data;

/// <summary>
/// The standard splits of a dataset as loaded by <see cref="FashionMnist.Load"/> or <see cref="Mnist.Load"/>:
/// <see cref="Train"/> and <see cref="Test"/>, plus the class names. Deconstructs like Keras's <c>load_data()</c>:
/// <c>var (train, test) = FashionMnist.Load();</c>
/// </summary>
/// <remarks>
/// Ownership: the splits own both datasets and <see cref="Dispose"/> disposes them. After deconstructing, the
/// caller owns the datasets it took and disposes them (or keeps the splits object and disposes that).
/// </remarks>
public sealed class DatasetSplits : IDisposable
{
    /// <summary>Wraps the two splits; takes ownership of both.</summary>
    public DatasetSplits(TensorDataset train, TensorDataset test, IReadOnlyList<string> classNames, string? sourceDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(classNames);
        Train = train;
        Test = test;
        ClassNames = classNames;
        SourceDirectory = sourceDirectory;
    }

    /// <summary>The training split: inputs float32 [N, C, H, W] in [0, 1], targets int64 [N].</summary>
    public TensorDataset Train { get; }

    /// <summary>The test split, same layout as <see cref="Train"/>.</summary>
    public TensorDataset Test { get; }

    /// <summary>Class names in label order (label <c>i</c> is <c>ClassNames[i]</c>).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The folder the files were read from, when loaded from disk.</summary>
    public string? SourceDirectory { get; }

    /// <summary>Deconstructs into <c>(train, test)</c>.</summary>
    public void Deconstruct(out TensorDataset train, out TensorDataset test)
    {
        train = Train;
        test = Test;
    }

    /// <summary>Deconstructs into <c>(train, test, classNames)</c>.</summary>
    public void Deconstruct(out TensorDataset train, out TensorDataset test, out IReadOnlyList<string> classNames)
    {
        train = Train;
        test = Test;
        classNames = ClassNames;
    }

    /// <summary>Disposes both datasets.</summary>
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}
