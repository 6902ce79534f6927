namespace Kernelwise.Data;

/// <summary>
/// Thrown when a dataset's files are neither found on this machine nor downloadable. The message lists every folder
/// searched, what was missing there, and each way to provide the files (a path argument, the
/// <c>KERNELWISE_DATA</c> environment variable, a system package where one exists, or copying the files into the cache).
/// </summary>
public sealed class DatasetNotFoundException : IOException
{
    /// <summary>Creates the exception for the dataset <paramref name="datasetName"/>.</summary>
    public DatasetNotFoundException(string datasetName, string message, Exception? innerException = null)
        : base(message, innerException) => DatasetName = datasetName;

    /// <summary>The dataset's display name, e.g. <c>Fashion-MNIST</c>.</summary>
    public string DatasetName { get; }
}
