using TorchSharp;

namespace Kernelwise;

/// <summary>
/// Where a model runs. <see cref="Auto"/> picks CUDA when libtorch reports it available and falls back to the CPU;
/// <see cref="Cuda"/> insists on CUDA and fails with a clear message where there is none.
/// </summary>
/// <remarks>
/// CUDA needs the CUDA build of Kernelwise (<c>dotnet build -p:KernelwiseBackend=cuda</c>), which references
/// TorchSharp-cuda-linux instead of TorchSharp-cpu.
/// </remarks>
public sealed class ComputeDevice : IEquatable<ComputeDevice>
{
    private ComputeDevice(string kind, int index)
    {
        Kind = kind;
        Index = index;
    }

    /// <summary>"auto", "cpu" or "cuda".</summary>
    public string Kind { get; }

    /// <summary>The CUDA device index (0 for the first GPU); ignored for the CPU.</summary>
    public int Index { get; }

    /// <summary>CUDA when available, else the CPU.</summary>
    public static ComputeDevice Auto { get; } = new("auto", 0);

    /// <summary>The CPU.</summary>
    public static ComputeDevice Cpu { get; } = new("cpu", 0);

    /// <summary>A CUDA device; resolving it fails where CUDA is not available.</summary>
    public static ComputeDevice Cuda(int index = 0) => new("cuda", Guard.NonNegative(index));

    /// <summary>Parses "auto", "cpu", "cuda" or "cuda:N" (as a command-line <c>--device</c> value).</summary>
    public static ComputeDevice Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant();
        if (t == "auto") return Auto;
        if (t == "cpu") return Cpu;
        if (t == "cuda" || t == "gpu") return Cuda();
        if (t.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(t[5..], out int i) && i >= 0) return Cuda(i);
        throw new ArgumentException($"Invalid device '{text}'. Expected one of: auto, cpu, cuda, cuda:N.", nameof(text));
    }

    /// <summary>True when libtorch was built with CUDA and sees at least one GPU.</summary>
    public static bool CudaAvailable => torch.cuda.is_available();

    /// <summary>The concrete device: for <see cref="Auto"/>, CUDA when available, else the CPU.</summary>
    public ComputeDevice Resolve()
    {
        Platform.KernelwiseRuntime.EnsureNativeLibraries(); // the truth about the native library before TorchSharp's own message
        if (Kind == "cpu") return this;
        if (Kind == "auto") return CudaAvailable ? Cuda() : Cpu;
        if (!CudaAvailable)
        {
            throw new InvalidOperationException(
                $"Device '{this}' was requested, but CUDA is not available: libtorch reports no usable GPU. " +
                "Use ComputeDevice.Auto or ComputeDevice.Cpu, or build Kernelwise with the CUDA backend (-p:KernelwiseBackend=cuda) on a machine with an NVIDIA driver.");
        }
        int count = torch.cuda.device_count();
        if (Index >= count)
            throw new InvalidOperationException($"Device '{this}' was requested, but only {count} CUDA device(s) exist (indices 0 to {count - 1}).");
        return this;
    }

    /// <summary>True for a CUDA device (after <see cref="Resolve"/>).</summary>
    public bool IsCuda => Kind == "cuda";

    /// <summary>The TorchSharp device (resolving <see cref="Auto"/> first).</summary>
    public torch.Device ToTorch()
    {
        var d = Resolve();
        return d.Kind == "cuda" ? new torch.Device(DeviceType.CUDA, d.Index) : torch.CPU;
    }

    /// <inheritdoc />
    public override string ToString() => Kind == "cuda" ? $"cuda:{Index}" : Kind;

    /// <inheritdoc />
    public bool Equals(ComputeDevice? other) => other is not null && other.Kind == Kind && other.Index == Index;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ComputeDevice);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Index);
}
