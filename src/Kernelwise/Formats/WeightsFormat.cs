namespace Kernelwise.Formats;

/// <summary>File formats for a model's weights (<c>SaveWeights</c>, <c>LoadWeights</c>; see <see cref="WeightsFile"/>).</summary>
public enum WeightsFormat
{
    /// <summary>TorchSharp's own format (<c>Module.save</c>); any extension other than those below.</summary>
    TorchSharp,

    /// <summary>Hugging Face safetensors (<c>.safetensors</c>): data only, readable by PyTorch's <c>safetensors.torch.load_file</c>.</summary>
    Safetensors,

    /// <summary>A PyTorch state dict (<c>.pt</c>, <c>.pth</c>), as <c>torch.save(model.state_dict(), path)</c> writes and <c>torch.load</c> reads.</summary>
    PyTorch,
}
