using Kernelwise.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Models;

/// <summary>Turns a <see cref="Sequential"/> definition into a <see cref="Model"/> with weights.</summary>
public static class SequentialBuild
{
    /// <summary>
    /// Validates every layer, allocates the weights (PyTorch's initialisation, drawn from libtorch's generator — call
    /// <c>torch.manual_seed</c> first for reproducible weights) and moves them to <paramref name="device"/>
    /// (<see cref="Device.Auto"/> by default).
    /// </summary>
    public static Model Build(this Sequential definition, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var input = definition.RequireInput();
        if (definition.Layers.Count == 0) throw new InvalidOperationException($"Model '{definition.Name}' has no layers: add at least one layer before Build().");
        var summary = definition.Summary();
        var resolved = (device ?? Device.Auto).Resolve();
        nn.Module<Tensor, Tensor> network;
        // Weights must outlive any dispose scope the caller may have open: build outside it and detach.
        using (var scope = NewDisposeScope())
        {
            network = definition.CreateModule(input);
            foreach (var p in network.parameters()) p.DetachFromDisposeScope();
            foreach (var b in network.buffers()) b.DetachFromDisposeScope();
        }
        if (resolved.IsCuda) network.to(resolved.ToTorch());
        return new Model(definition.Name, input, summary.Rows.Last(r => r.Depth == 0).Output, definition.Layers.ToList(), network, summary, resolved);
    }

    /// <summary>Builds on <see cref="Device.Auto"/> and compiles in one step.</summary>
    public static Model Compile(this Sequential definition, Optimizer optimizer, Loss loss, params Metric[] metrics)
        => definition.Build().Compile(optimizer, loss, metrics);
}
