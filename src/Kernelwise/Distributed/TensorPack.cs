using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Distributed;

/// <summary>
/// Tensors of a model (batch-normalisation buffers) packed into one contiguous buffer per element type, so that one
/// broadcast carries them all instead of one call per tensor. Holds references to the tensors, never disposes them;
/// owns and disposes its buffers.
/// </summary>
internal sealed class TensorPack : IDisposable
{
    private readonly List<(Tensor Buffer, (Tensor Source, Tensor View)[] Members)> _groups = new();

    public TensorPack(IReadOnlyList<Tensor> tensors, torch.Device device)
    {
        foreach (var group in tensors.GroupBy(t => t.dtype))
        {
            var members = group.ToList();
            long elements = members.Sum(t => t.numel());
            var buffer = zeros(elements, group.Key, device).DetachFromDisposeScope();
            var slots = new (Tensor, Tensor)[members.Count];
            long offset = 0;
            for (int i = 0; i < members.Count; i++)
            {
                long n = members[i].numel();
                using var flat = buffer.narrow(0, offset, n);
                slots[i] = (members[i], flat.view(members[i].shape).DetachFromDisposeScope());
                offset += n;
            }
            _groups.Add((buffer, slots));
        }
    }

    /// <summary>Overwrites every tensor with rank <paramref name="root"/>'s values: one broadcast per element type.</summary>
    public void Broadcast(ICollectiveBackend backend, int root)
    {
        using var noGrad = no_grad();
        foreach (var (buffer, members) in _groups)
        {
            if (backend.Rank == root)
                foreach (var (source, view) in members) view.copy_(source);
            backend.Broadcast(buffer, root);
            if (backend.Rank != root)
                foreach (var (source, view) in members) source.copy_(view);
        }
    }

    public void Dispose()
    {
        foreach (var (buffer, members) in _groups)
        {
            foreach (var (_, view) in members) view.Dispose();
            buffer.Dispose();
        }
        _groups.Clear();
    }
}
