namespace Kernelwise.Data;

/// <summary>
/// One published file of a dataset: its name on the server and in the cache, its SHA-256 and its size. Downloads are
/// accepted only when both match.
/// </summary>
/// <param name="Name">File name, e.g. <c>train-images-idx3-ubyte.gz</c>.</param>
/// <param name="Sha256">SHA-256 of the published file, 64 hexadecimal digits.</param>
/// <param name="Bytes">Size of the published file in bytes.</param>
public sealed record DatasetFile(string Name, string Sha256, long Bytes);
