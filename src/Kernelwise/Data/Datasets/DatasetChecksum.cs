using System.Security.Cryptography;

namespace Kernelwise.Data.Datasets;

/// <summary>What a downloaded file's checksum is computed over.</summary>
public enum ChecksumScope
{
    /// <summary>The file exactly as downloaded.</summary>
    File,

    /// <summary>The file's content after gzip decompression (stable when a file is recompressed by a mirror or a distribution).</summary>
    DecompressedContent,
}

/// <summary>An expected checksum of a data file: the algorithm, what it covers, and the lowercase hex digest.</summary>
/// <param name="Algorithm">"SHA256" or "MD5".</param>
/// <param name="Scope">Whether the digest covers the file or its decompressed content.</param>
/// <param name="Hex">Lowercase hexadecimal digest.</param>
public sealed record DatasetChecksum(string Algorithm, ChecksumScope Scope, string Hex)
{
    /// <summary>SHA-256 of the decompressed content.</summary>
    public static DatasetChecksum Sha256OfContent(string hex) => new("SHA256", ChecksumScope.DecompressedContent, hex);

    /// <summary>MD5 of the file as published (used only where that is the only published digest).</summary>
    public static DatasetChecksum Md5OfFile(string hex) => new("MD5", ChecksumScope.File, hex);

    /// <summary>Computes this checksum's digest of <paramref name="path"/>.</summary>
    public string Compute(string path)
    {
        byte[] data = Scope == ChecksumScope.DecompressedContent ? Idx.ReadAllDecompressed(path) : File.ReadAllBytes(path);
        byte[] digest = Algorithm switch
        {
            "SHA256" => SHA256.HashData(data),
            "MD5" => MD5.HashData(data),
            _ => throw new NotSupportedException($"Checksum algorithm '{Algorithm}' is not supported; use SHA256 or MD5."),
        };
        return Convert.ToHexStringLower(digest);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Algorithm}{(Scope == ChecksumScope.DecompressedContent ? " of the decompressed content" : "")} {Hex}";
}
