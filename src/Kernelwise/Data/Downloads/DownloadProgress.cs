namespace Kernelwise.Data;

/// <summary>How far a download has come: what <see cref="FileDownloader"/> reports to an <see cref="IProgress{T}"/>.</summary>
/// <param name="Url">The file being fetched.</param>
/// <param name="BytesReceived">Bytes received so far.</param>
/// <param name="TotalBytes">The size the server announced (or the expected size); null when neither is known.</param>
/// <param name="Completed">True for the last report, once the file is complete (before its checksum is checked).</param>
public readonly record struct DownloadProgress(Uri Url, long BytesReceived, long? TotalBytes, bool Completed);
