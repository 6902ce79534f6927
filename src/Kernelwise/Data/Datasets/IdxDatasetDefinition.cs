namespace Kernelwise.Data;

/// <summary>
/// Describes an image-classification dataset published as four IDX files (MNIST layout): where it is published, the
/// files with their checksums, the image size, the class names and where system packages install it.
/// </summary>
internal sealed record IdxDatasetDefinition(
    string DisplayName,
    string FolderName,
    string LoadCall,
    Uri BaseUrl,
    DatasetFile TrainImages,
    DatasetFile TrainLabels,
    DatasetFile TestImages,
    DatasetFile TestLabels,
    int Rows,
    int Columns,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<string> SystemDirectories,
    string? SystemPackage)
{
    /// <summary>The four files in download order.</summary>
    public IReadOnlyList<DatasetFile> Files => [TrainImages, TrainLabels, TestImages, TestLabels];
}
