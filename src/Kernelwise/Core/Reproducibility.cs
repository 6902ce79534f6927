using TorchSharp;

namespace Kernelwise;

/// <summary>
/// One seed for a reproducible run — Keras's <c>keras.utils.set_random_seed</c>. On the CPU, a run is bit-identical
/// when the weights are built after <see cref="SetSeed"/> and <c>Fit</c> gets the same <c>seed</c>:
/// <code>
/// Reproducibility.SetSeed(42);
/// using var model = net.Build(ComputeDevice.Cpu).Compile(...);   // weight initialisation draws from the seeded generator
/// model.Fit(train, epochs: 10, seed: 42);                   // shuffle order and dropout masks from the seed
/// </code>
/// </summary>
/// <remarks>
/// <para>What the seed covers: weight initialisation (libtorch's CPU generator), the data loader's shuffle order
/// (a permutation drawn from the seed and the epoch number, independent of the thread count), dropout masks, and
/// anything else drawn from libtorch's generator. The same libtorch build, thread count and hardware are assumed;
/// libtorch's CPU kernels used here are deterministic for a given thread count.</para>
/// <para>On CUDA the generators are seeded too, but some cuDNN kernels are nondeterministic and TorchSharp 0.107
/// cannot switch on <c>torch.use_deterministic_algorithms</c>: GPU runs are repeatable only approximately.</para>
/// </remarks>
public static class Reproducibility
{
    /// <summary>Seeds libtorch's CPU generator and, when CUDA is available, every GPU's generator.</summary>
    public static void SetSeed(int seed)
    {
        torch.manual_seed(seed);
        if (ComputeDevice.CudaAvailable) torch.cuda.manual_seed_all(seed);
    }
}
