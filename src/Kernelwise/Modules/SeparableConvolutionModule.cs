using static TorchSharp.torch;

namespace Kernelwise.Modules;

/// <summary>
/// The module behind <see cref="Layers.SeparableConv2D"/>: a depthwise <see cref="ConvolutionModule"/>
/// (groups = C, C·M outputs, no bias, no activation) named <c>depthwise</c>, then a pointwise 1×1 one named
/// <c>pointwise</c> that carries the bias and the activation.
/// </summary>
internal sealed class SeparableConvolutionModule : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // PyTorch-style submodule names
    public ConvolutionModule depthwise;
    public ConvolutionModule pointwise;
#pragma warning restore IDE1006

    public SeparableConvolutionModule(string name, int rank, int inChannels, int depthMultiplier, int filters, int[] kernel, int[] stride,
        int[] dilation, int[] padBefore, int[] padAfter, bool useBias, Activation activation) : base(name)
    {
        int mid = inChannels * depthMultiplier;
        var ones = Enumerable.Repeat(1, rank).ToArray();
        var zeros = new int[rank];
        depthwise = new ConvolutionModule("depthwise", rank, inChannels, mid, kernel, stride, dilation, padBefore, padAfter, inChannels, false, Activation.Linear);
        pointwise = new ConvolutionModule("pointwise", rank, mid, filters, ones, ones, ones, zeros, zeros, 1, useBias, activation);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var hidden = depthwise.forward(input);
        return pointwise.forward(hidden);
    }
}
