using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Data.Loading;

/// <summary>Copies a CPU batch into page-locked (pinned) memory, so the copy to a CUDA device can be asynchronous.</summary>
internal static class BatchPinning
{
    /// <summary>A pinned copy of <paramref name="batch"/> (which is disposed); batches already off the CPU are returned as they are.</summary>
    public static Batch Pin(Batch batch)
    {
        if (batch.Size == 0 || batch.InputTensors.Any(t => t.device_type != DeviceType.CPU)) return batch;
        var pinned = new List<Tensor>();
        try
        {
            foreach (var t in batch.InputTensors) pinned.Add(t.pin_memory());
            foreach (var t in batch.TargetTensors) pinned.Add(t.pin_memory());
            int n = batch.InputTensors.Count;
            var result = new Batch(pinned.Take(n).ToArray(), pinned.Skip(n).ToArray());
            pinned.Clear();
            return result;
        }
        finally
        {
            foreach (var t in pinned) t.Dispose();
            batch.Dispose();
        }
    }
}
