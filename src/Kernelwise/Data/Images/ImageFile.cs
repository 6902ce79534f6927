namespace Kernelwise.Data;

/// <summary>One sample of an image folder: the file and its class index.</summary>
/// <param name="Path">Full path of the image file.</param>
/// <param name="Label">Class index (position of the class in the dataset's class names).</param>
public sealed record ImageFile(string Path, int Label);
