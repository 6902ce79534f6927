using System.Runtime.InteropServices;
using System.Text;
using static TorchSharp.torch;

namespace Kernelwise.Distributed;

/// <summary>
/// What data-parallel training does with a backend besides reducing gradients: make every rank start from rank 0's
/// weights, refuse ranks whose models differ, and turn one rank's failure into the end of all of them.
/// </summary>
public static class CollectiveExtensions
{
    /// <summary>
    /// Overwrites each tensor on every rank with rank <paramref name="root"/>'s (weights and buffers at the start of
    /// training, as DistributedDataParallel and Horovod's <c>broadcast_parameters</c> do). Non-contiguous tensors go
    /// through a contiguous copy. Every rank must pass tensors of the same shapes in the same order — check that first
    /// with <see cref="EnsureSameTensors"/>.
    /// </summary>
    /// <returns>The same backend, for chaining.</returns>
    public static ICollectiveBackend BroadcastTensors(this ICollectiveBackend backend, IEnumerable<Tensor> tensors, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(tensors);
        TensorBuffers.CheckRoot(root, backend.Size);
        if (backend.Size == 1) return backend;
        using var noGrad = no_grad();
        foreach (var tensor in tensors)
        {
            ArgumentNullException.ThrowIfNull(tensor, nameof(tensors));
            if (tensor.is_contiguous())
            {
                backend.Broadcast(tensor, root);
                continue;
            }
            using var copy = tensor.contiguous();
            backend.Broadcast(copy, root);
            tensor.copy_(copy);
        }
        return backend;
    }

    /// <summary>
    /// Checks that every rank holds the same named tensors (names, element types and shapes, in order) as rank 0,
    /// and throws on every rank if one differs — every rank's error names the first rank that differs and its first
    /// difference (an abort may end the other ranks before they print theirs). Call it before
    /// <see cref="BroadcastTensors"/>: collectives over buffers of different sizes would hang or corrupt memory.
    /// </summary>
    /// <param name="backend">The group.</param>
    /// <param name="tensors">The model's parameters and buffers with their names (e.g. a state dict).</param>
    /// <param name="what">What the tensors are, for the message (e.g. "model").</param>
    /// <exception cref="InvalidOperationException">Some rank's tensors differ from rank 0's.</exception>
    public static void EnsureSameTensors(this ICollectiveBackend backend, IEnumerable<(string Name, Tensor Tensor)> tensors, string what = "model")
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(tensors);
        var mine = tensors.Select(t => $"'{t.Name}' {t.Tensor.dtype} [{string.Join(", ", t.Tensor.shape)}]").ToList();
        if (backend.Size == 1) return;

        // Rank 0's description travels as UTF-8 text: its length first, then the bytes.
        byte[] text = backend.Rank == 0 ? Encoding.UTF8.GetBytes(string.Join("\n", mine)) : [];
        long[] length = [text.LongLength];
        backend.Broadcast(MemoryMarshal.AsBytes(length.AsSpan()));
        if (backend.Rank != 0) text = new byte[length[0]];
        backend.Broadcast(text);
        var reference = length[0] == 0 ? new List<string>() : Encoding.UTF8.GetString(text).Split('\n').ToList();

        string? difference = FirstDifference(mine, reference, "here");
        var differs = new long[backend.Size];
        if (difference is not null) differs[backend.Rank] = 1;
        backend.AllReduceSum(differs.AsSpan());
        var ranks = Enumerable.Range(0, backend.Size).Where(r => differs[r] != 0).ToArray();
        if (ranks.Length == 0) return;

        // The first rank that differs tells every rank how, so that whichever rank reports first (an abort may end the
        // others before they print) names the difference.
        int first = ranks[0];
        byte[] detail = backend.Rank == first ? Encoding.UTF8.GetBytes(FirstDifference(mine, reference, $"on rank {first}")!) : [];
        long[] detailLength = [detail.LongLength];
        backend.Broadcast(MemoryMarshal.AsBytes(detailLength.AsSpan()), first);
        if (backend.Rank != first) detail = new byte[detailLength[0]];
        backend.Broadcast(detail, first);

        if (difference is not null)
            throw new InvalidOperationException($"The {what} on rank {backend.Rank} differs from rank 0's: {difference}. Every rank must build the same {what}.");
        throw new InvalidOperationException(
            $"The {what} differs across ranks: rank(s) {string.Join(", ", ranks)} hold a different {what} from rank 0's (rank {first}: {Encoding.UTF8.GetString(detail)}). Every rank must build the same {what}.");
    }

    /// <summary>
    /// Runs <paramref name="body"/>; if it throws and the group has more than one rank, writes
    /// <c>Rank R of N failed: ...</c> to standard error and calls <see cref="ICollectiveBackend.Abort"/> with
    /// <paramref name="errorCode"/>, so the other ranks, blocked in a collective, end too instead of waiting for ever.
    /// In a single process the exception propagates unchanged.
    /// </summary>
    public static void RunOrAbort(this ICollectiveBackend backend, Action body, int errorCode = 1)
    {
        ArgumentNullException.ThrowIfNull(body);
        backend.RunOrAbort(() => { body(); return 0; }, errorCode);
    }

    /// <inheritdoc cref="RunOrAbort(ICollectiveBackend, Action, int)"/>
    public static T RunOrAbort<T>(this ICollectiveBackend backend, Func<T> body, int errorCode = 1)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(body);
        if (backend.Size == 1) return body();
        try
        {
            return body();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"Rank {backend.Rank} of {backend.Size} failed; aborting all ranks (exit code {errorCode}). {e}");
            backend.Abort(errorCode);
            throw new InvalidOperationException($"The backend's Abort({errorCode}) returned; it must end the process.", e);
        }
    }

    /// <summary>The first difference between this rank's tensors and rank 0's, with this rank called <paramref name="self"/> ("here", "on rank 3").</summary>
    private static string? FirstDifference(List<string> mine, List<string> reference, string self)
    {
        for (int i = 0; i < Math.Max(mine.Count, reference.Count); i++)
        {
            if (i >= mine.Count) return $"it has {mine.Count} tensors {self} where rank 0 has {reference.Count} (rank 0's tensor {i} is {reference[i]})";
            if (i >= reference.Count) return $"it has {mine.Count} tensors {self} where rank 0 has {reference.Count} (its extra tensor {i} is {mine[i]})";
            if (mine[i] != reference[i]) return $"tensor {i} is {mine[i]} {self} and {reference[i]} on rank 0";
        }
        return null;
    }
}
