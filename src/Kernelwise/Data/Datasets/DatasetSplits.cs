namespace Kernelwise.Data.Datasets;

/// <summary>
/// The training and test parts of a standard data set. Deconstructs Keras-style:
/// <c>var (train, test) = FashionMnist.Load();</c>. Disposing it disposes both parts.
/// </summary>
/// <param name="Train">The training samples.</param>
/// <param name="Test">The test samples.</param>
/// <param name="ClassNames">Class names in label order.</param>
/// <param name="Source">The folder the files were read from.</param>
public sealed record DatasetSplits(TensorDataset Train, TensorDataset Test, IReadOnlyList<string> ClassNames, string Source) : IDisposable
{
    /// <summary>Deconstructs into (train, test).</summary>
    public void Deconstruct(out TensorDataset train, out TensorDataset test)
    {
        train = Train;
        test = Test;
    }

    /// <summary>Disposes both parts.</summary>
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}
