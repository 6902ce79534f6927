namespace Kernelwise.Platform;

/// <summary>
/// How Kernelwise sets up the process's C allocator (glibc <c>malloc</c>, which libtorch's CPU tensors come from) on
/// Linux. Set once per process with <see cref="KernelwiseRuntime.ConfigureAllocator"/> or the
/// <c>KERNELWISE_ALLOCATOR</c> environment variable; see docs/performance.md for the measurements behind each choice.
/// </summary>
/// <remarks>
/// Why it matters: a fresh page costs a page fault on first touch (microseconds per 4 KiB page on virtual machines),
/// and by default glibc serves blocks above 128 KiB–32 MiB with <c>mmap</c> and unmaps them on <c>free</c>, or trims
/// the heap top, so every large tensor of every training step pays the faults again. On other operating systems and
/// C libraries every policy behaves as <see cref="System"/>.
/// </remarks>
public enum AllocatorPolicy
{
    /// <summary>glibc's and libtorch's own behaviour, untouched (<c>KERNELWISE_ALLOCATOR=off</c>).</summary>
    System,

    /// <summary>
    /// The default: blocks up to 32 MiB (glibc's largest mmap threshold) come from the heap and are reused, and up to
    /// <see cref="KernelwiseRuntime.TunedTrimThreshold"/> bytes of free heap top are kept instead of being returned;
    /// larger blocks are still mapped and unmapped, so one huge temporary does not stay resident. Memory is bounded by
    /// the peak the workload needed plus the trim threshold (<c>KERNELWISE_ALLOCATOR=tuned</c>).
    /// </summary>
    Tuned,

    /// <summary>
    /// Never give memory back: no <c>mmap</c> for blocks of any size and no heap trimming — the fastest steady state,
    /// but the process keeps its peak resident set until it exits, however large a one-off allocation was
    /// (<c>KERNELWISE_ALLOCATOR=retain</c>). <see cref="KernelwiseRuntime.ReleaseFreeMemory"/> gives it back on demand.
    /// </summary>
    Retain,
}
