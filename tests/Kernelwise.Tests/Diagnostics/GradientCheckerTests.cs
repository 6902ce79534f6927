using Kernelwise.Diagnostics;
using Kernelwise.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Tests.Diagnostics;

public class GradientCheckerTests
{
    /// <summary>y = x²; backward deliberately returns 3x·g instead of 2x·g.</summary>
    private sealed class WrongSquare : autograd.SingleTensorFunction<WrongSquare>
    {
        public override string Name => nameof(WrongSquare);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var x = (Tensor)vars[0];
            ctx.save_for_backward(new List<Tensor> { x });
            return x * x;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
            => new() { ctx.get_saved_variables()[0] * 3 * grad_output };
    }

    /// <summary>y = x·Wᵀ; backward is right except for one element of ∂L/∂W, off by 0.5.</summary>
    private sealed class LinearWithOneWrongWeightGradient : autograd.SingleTensorFunction<LinearWithOneWrongWeightGradient>
    {
        public override string Name => nameof(LinearWithOneWrongWeightGradient);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var x = (Tensor)vars[0];
            var w = (Tensor)vars[1];
            ctx.save_for_backward(new List<Tensor> { x, w });
            return x.mm(w.t());
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var saved = ctx.get_saved_variables();
            var dw = grad_output.t().mm(saved[0]);
            dw[1, 2] += 0.5;
            return new() { grad_output.mm(saved[1]), dw };
        }
    }

    public class Check
    {
        [Fact]
        public void Should_Pass_When_TheBackwardPassIsCorrect()
        {
            using var scope = NewDisposeScope();
            var x = randn(3, 4, dtype: ScalarType.Float64);
            var y = randn(3, 4, dtype: ScalarType.Float64);
            var result = GradientChecker.Check(t => (t[0].sin() * t[1]).sum(1), new[] { x, y }, new[] { "x", "y" });
            Assert.True(result.Passed, result.ToString());
            Assert.Equal(24, result.CheckedElements);
            Assert.Equal(0, result.FailedElements);
            Assert.StartsWith("Gradient check passed: 24 elements of 2 input(s) (x, y)", result.ToString());
            result.EnsurePassed();
        }

        [Fact]
        public void Should_FailAndReportTheWorstElement_When_TheBackwardPassIsWrong()
        {
            using var scope = NewDisposeScope();
            var x = tensor(new double[] { 1, -2, 3 });
            var result = GradientChecker.Check(t => WrongSquare.apply(t[0]), new[] { x }, new[] { "x" });
            Assert.False(result.Passed);
            Assert.Equal(3, result.FailedElements);
            var worst = result.Worst!;
            Assert.Equal("x", worst.Input);
            Assert.Equal(new long[] { 2 }, worst.Index); // the largest |x| has the largest error
            Assert.Equal(1.5 * worst.Numerical, worst.Analytical, 6); // 3x·v against 2x·v
            Assert.Contains("Gradient check FAILED: 3 of 3 elements", result.ToString());
            Assert.Contains("Worst element: x[2]", result.ToString());
            var e = Assert.Throws<InvalidOperationException>(result.EnsurePassed);
            Assert.Equal(result.ToString(), e.Message);
        }

        [Fact]
        public void Should_PinpointTheInputAndIndex_When_OneGradientElementIsWrong()
        {
            using var scope = NewDisposeScope();
            var x = randn(4, 3, dtype: ScalarType.Float64);
            var w = randn(2, 3, dtype: ScalarType.Float64);
            var result = GradientChecker.Check(t => LinearWithOneWrongWeightGradient.apply(t[0], t[1]), new[] { x, w }, new[] { "x", "weight" });
            Assert.False(result.Passed);
            Assert.Equal(1, result.FailedElements);
            Assert.Equal(0, result.Inputs[0].FailedElements);
            Assert.Equal(1, result.Inputs[1].FailedElements);
            Assert.Equal("weight", result.Worst!.Input);
            Assert.Equal(1, result.Worst.InputIndex);
            Assert.Equal(new long[] { 1, 2 }, result.Worst.Index);
            Assert.Equal(0.5, result.Worst.Analytical - result.Worst.Numerical, 6);
            Assert.Equal(0.5, result.Worst.AbsoluteError, 6);
        }

        [Fact]
        public void Should_NameTheInputAndDtype_When_AnInputIsNotFloat64()
        {
            using var scope = NewDisposeScope();
            var e = Assert.Throws<ArgumentException>(() =>
                GradientChecker.Check(t => t[0] * 2, new[] { randn(3) }, new[] { "x" }));
            Assert.Contains("GradientChecker needs float64: input 'x' (index 0) has dtype Float32", e.Message);
            Assert.Contains("tensor.to_type(ScalarType.Float64)", e.Message);
        }

        [Fact]
        public void Should_Throw_When_TheOutputIsNotFloat64()
        {
            using var scope = NewDisposeScope();
            var e = Assert.Throws<ArgumentException>(() =>
                GradientChecker.Check(t => t[0].to_type(ScalarType.Float32), new[] { randn(3, dtype: ScalarType.Float64) }));
            Assert.Contains("the function's output has dtype Float32", e.Message);
        }

        [Fact]
        public void Should_TreatTheGradientAsZero_When_TheOutputDoesNotDependOnAnInput()
        {
            using var scope = NewDisposeScope();
            var result = GradientChecker.Check(t => t[0] * 2, new[] { randn(3, dtype: ScalarType.Float64), randn(2, dtype: ScalarType.Float64) });
            Assert.True(result.Passed, result.ToString());
            Assert.Equal(new[] { "input0", "input1" }, result.Inputs.Select(i => i.Name));
            Assert.Equal(0, result.Inputs[1].Worst!.Numerical);
        }

        [Fact]
        public void Should_CheckAtMostTheRequestedNumberOfElements_When_MaxElementsPerInputIsSet()
        {
            using var scope = NewDisposeScope();
            var options = new GradientCheckOptions { MaxElementsPerInput = 5, Seed = 3 };
            var result = GradientChecker.Check(t => t[0].exp() + t[1].sum(), new[] { randn(4, 5, dtype: ScalarType.Float64), randn(3, dtype: ScalarType.Float64) }, null, options);
            Assert.True(result.Passed, result.ToString());
            Assert.Equal(5, result.Inputs[0].CheckedElements);
            Assert.Equal(3, result.Inputs[1].CheckedElements);
        }

        [Fact]
        public void Should_RejectANonPositiveStep_When_OptionsAreInvalid()
        {
            using var scope = NewDisposeScope();
            var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
                GradientChecker.Check(t => t[0], new[] { randn(3, dtype: ScalarType.Float64) }, null, new GradientCheckOptions { Epsilon = 0 }));
            Assert.Contains("Invalid value for argument Epsilon of GradientCheckOptions. Expected a strictly positive, finite value. Received Epsilon=0.", e.Message);
        }

        [Fact]
        public void Should_LeaveTheCallersTensorsUntouched_When_Checking()
        {
            using var scope = NewDisposeScope();
            var x = randn(5, dtype: ScalarType.Float64);
            var copy = x.clone();
            GradientChecker.Check(t => t[0].pow(3), new[] { x });
            Assert.True(x.equal(copy).all().item<bool>());
            Assert.False(x.requires_grad);
        }
    }

    public class CheckModule
    {
        [Fact]
        public void Should_CheckTheInputAndEveryParameter_When_GivenAFloat64Module()
        {
            using var scope = NewDisposeScope();
            using var linear = nn.Linear(3, 2);
            linear.to(ScalarType.Float64);
            var before = linear.weight!.clone();
            var result = GradientChecker.CheckModule(linear, randn(4, 3, dtype: ScalarType.Float64));
            Assert.True(result.Passed, result.ToString());
            Assert.Equal(new[] { "input", "weight", "bias" }, result.Inputs.Select(i => i.Name));
            Assert.Equal(12 + 6 + 2, result.CheckedElements);
            Assert.True(linear.weight!.equal(before).all().item<bool>(), "parameters must be restored exactly");
        }

        [Fact]
        public void Should_NameTheParameter_When_ItIsNotFloat64()
        {
            using var scope = NewDisposeScope();
            using var linear = nn.Linear(3, 2);
            var e = Assert.Throws<ArgumentException>(() => GradientChecker.CheckModule(linear, randn(4, 3, dtype: ScalarType.Float64)));
            Assert.Contains("parameter 'weight' of module", e.Message);
            Assert.Contains("has dtype Float32", e.Message);
            Assert.Contains("module.to(ScalarType.Float64)", e.Message);
        }
    }

    public class CheckLayer
    {
        [Fact]
        public void Should_Pass_When_TheLayerIsAnExplicitStridedConvolutionWithSamePadding()
        {
            using var scope = NewDisposeScope();
            manual_seed(8);
            var layer = new Conv2D(3, 3, strides: 2, padding: Padding.Same, implementation: ConvolutionImplementation.Explicit);
            var result = GradientChecker.CheckLayer(layer, randn(2, 2, 6, 5, dtype: ScalarType.Float64));
            Assert.True(result.Passed, result.ToString());
            Assert.Equal(new[] { "input", "weight", "bias" }, result.Inputs.Select(i => i.Name));
            Assert.Equal(2 * 2 * 6 * 5 + 3 * 2 * 3 * 3 + 3, result.CheckedElements);
        }

        [Fact]
        public void Should_ThrowABuildError_When_TheLayerCannotTakeTheInput()
        {
            using var scope = NewDisposeScope();
            var layer = new Conv2D(3, 5);
            Assert.Throws<ModelBuildException>(() => GradientChecker.CheckLayer(layer, randn(1, 1, 3, 3, dtype: ScalarType.Float64)));
        }
    }
}
