using Kernelwise.Layers;
using Kernelwise.Models;
using static Kernelwise.Tests.Layers.LayerTesting;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Layers.Core;

public class ActivationLayerTests
{
    public static IEnumerable<object[]> Shortcuts() => new List<object[]>
    {
        new object[] { (Func<Sequential, Sequential>)(m => m.ReLU()), "relu", "ReLU", (Func<Tensor, Tensor>)(x => nn.functional.relu(x)) },
        new object[] { (Func<Sequential, Sequential>)(m => m.LeakyReLU(0.2)), "leaky_relu", "LeakyReLU", (Func<Tensor, Tensor>)(x => nn.functional.leaky_relu(x, 0.2)) },
        new object[] { (Func<Sequential, Sequential>)(m => m.ELU(0.5)), "elu", "ELU", (Func<Tensor, Tensor>)(x => nn.functional.elu(x, 0.5)) },
        new object[] { (Func<Sequential, Sequential>)(m => m.GELU()), "gelu", "GELU", (Func<Tensor, Tensor>)(x => nn.functional.gelu(x)) },
        new object[] { (Func<Sequential, Sequential>)(m => m.SiLU()), "silu", "SiLU", (Func<Tensor, Tensor>)(x => x * x.sigmoid()) },
        new object[] { (Func<Sequential, Sequential>)(m => m.Sigmoid()), "sigmoid", "Sigmoid", (Func<Tensor, Tensor>)(x => (1 + (-x).exp()).reciprocal()) },
        new object[] { (Func<Sequential, Sequential>)(m => m.Tanh()), "tanh", "Tanh", (Func<Tensor, Tensor>)(x => x.tanh()) },
        new object[] { (Func<Sequential, Sequential>)(m => m.Softmax()), "softmax", "Softmax", (Func<Tensor, Tensor>)(x => x.exp() / x.exp().sum(1, keepdim: true)) },
    };

    [Theory]
    [MemberData(nameof(Shortcuts))]
    public void Should_ComputeTheFunctionUnderItsOwnName_When_AddedThroughTheShortcut(Func<Sequential, Sequential> add, string name, string type, Func<Tensor, Tensor> reference)
    {
        var builder = add(new Sequential(new Shape(3, 4, 4)));
        var summary = builder.Summary();
        Assert.Equal(name, summary.Rows[0].Layer.Name);
        Assert.Equal(type, summary.Rows[0].Layer.TypeName);
        Assert.Equal(new Shape(3, 4, 4), summary.Rows[0].Output);
        using var model = builder.Build(ComputeDevice.Cpu);
        using var scope = NewDisposeScope();
        var x = randn(2, 3, 4, 4) * 2;
        AssertClose(reference(x), model.GraphModule.forward(x), 1e-5);
    }

    [Fact]
    public void Should_UseTheSlope_When_LeakyReLUHasAnAlpha()
    {
        using var model = new Sequential(new Shape(3)).LeakyReLU(0.2).Build(ComputeDevice.Cpu);
        using var x = tensor(new float[] { -1, 0, 2 }).reshape(1, 3);
        using var y = model.GraphModule.forward(x);
        Assert.Equal(new[] { -0.2f, 0f, 2f }, y.data<float>().ToArray());
    }

    [Fact]
    public void Should_MatchTheActivationLayer_When_GivenAsAnArgument()
    {
        using var withArgument = new Sequential(new Shape(5)).Dense(4, Activation.GELU).Build(ComputeDevice.Cpu);
        using var scope = NewDisposeScope();
        var x = randn(3, 5);
        var linear = nn.functional.linear(x, Parameter(withArgument, "weight"), Parameter(withArgument, "bias"));
        AssertClose(nn.functional.gelu(linear), withArgument.GraphModule.forward(x));
    }
}
