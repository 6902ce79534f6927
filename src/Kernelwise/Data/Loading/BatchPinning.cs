using TorchSharp;

namespace Kernelwise.Data.Loading;

/// <summary>Copies a batch into page-locked host memory so that a later <c>to(cuda, non_blocking: true)</c> is asynchronous.</summary>
internal static class BatchPinning
{
    /// <summary>A pinned copy of <paramref name="batch"/>; the input batch is disposed. Call only where CUDA is available.</summary>
    public static Batch Pin(Batch batch)
    {
        if (batch.Size == 0 || batch.Inputs.device_type != DeviceType.CPU) return batch;
        TorchSharp.torch.Tensor? inputs = null;
        try
        {
            inputs = batch.Inputs.pin_memory();
            var targets = batch.Targets.pin_memory();
            var pinned = new Batch(inputs, targets);
            inputs = null;
            return pinned;
        }
        finally
        {
            inputs?.Dispose();
            batch.Dispose();
        }
    }
}
