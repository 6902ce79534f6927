using Kernelwise.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Kernelwise.Diagnostics;

/// <summary>
/// Checks a backward pass against central finite differences, in float64 — what PyTorch's
/// <c>torch.autograd.gradcheck</c> does, which TorchSharp lacks.
/// </summary>
/// <remarks>
/// <para>Method: the output y is reduced to the scalar L = Σ v ⊙ y with a fixed random weighting v (seeded), so one
/// backward pass gives the analytical ∂L/∂x for every input element, and for each checked element x_k the numerical
/// estimate is (L(x_k + h) − L(x_k − h)) / 2h. Since v weights every output element, a wrong derivative of any output
/// element shows up (this is PyTorch's "fast mode"). An element passes when
/// |analytical − numerical| ≤ atol + rtol·|numerical|.</para>
/// <para>Requirements: inputs (and a module's parameters) must be float64 — in float32 the rounding error of a
/// difference quotient is about 1e-7·|L|/h, larger than any useful tolerance. The function must be deterministic
/// (evaluate modules with dropout in eval mode) and differentiable near the inputs (avoid points where ReLU or max
/// pooling switch branches within ±h).</para>
/// <para>Ownership: the checker works on detached copies of function inputs and never disposes what it is given. A
/// module's parameters are perturbed in place during the check and restored exactly afterwards.</para>
/// <code>
/// var result = GradientChecker.Check(t => ExplicitConvolution.Conv2D(t[0], t[1], t[2], padding: 1),
///     new[] { x, weight, bias }, new[] { "x", "weight", "bias" });
/// Console.WriteLine(result);   // Gradient check passed: ... Worst element: weight[...] ...
/// </code>
/// </remarks>
public static class GradientChecker
{
    /// <summary>
    /// Checks the gradients of <paramref name="function"/> with respect to each of <paramref name="inputs"/>.
    /// </summary>
    /// <param name="function">Maps the inputs (in order) to a float64 tensor of any shape.</param>
    /// <param name="inputs">float64 tensors; the function receives copies that require gradients.</param>
    /// <param name="names">Names for the report (default <c>input0</c>, <c>input1</c>, ...).</param>
    /// <param name="options">Step and tolerances; <see cref="GradientCheckOptions.Default"/> when null.</param>
    public static GradientCheckResult Check(Func<Tensor[], Tensor> function, Tensor[] inputs, string[]? names = null, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length == 0)
            throw new ArgumentException("Invalid value for argument inputs of GradientChecker.Check. Expected at least one tensor. Received an empty array.", nameof(inputs));
        if (names is not null && names.Length != inputs.Length)
            throw new ArgumentException($"Invalid value for argument names of GradientChecker.Check. Expected one name per input ({inputs.Length}). Received {names.Length} names.", nameof(names));
        names ??= Enumerable.Range(0, inputs.Length).Select(i => $"input{i}").ToArray();
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null)
                throw new ArgumentNullException(nameof(inputs), $"Invalid value for argument inputs of GradientChecker.Check. Input '{names[i]}' (index {i}) is null.");
            RequireFloat64(inputs[i], $"input '{names[i]}' (index {i})", "convert it with tensor.to_type(ScalarType.Float64)");
        }
        options ??= GradientCheckOptions.Default;
        options.Validate();

        using var scope = NewDisposeScope();
        var leaves = inputs.Select(t => t.detach().contiguous().clone().requires_grad_(true)).ToArray();
        return Run(() => function(leaves), leaves, names, options);
    }

    /// <summary>
    /// Checks a module's gradients with respect to its input and to every parameter that requires gradients
    /// (named as in its state dict). The module and <paramref name="input"/> must be float64
    /// (<c>module.to(ScalarType.Float64)</c>).
    /// </summary>
    public static GradientCheckResult CheckModule(nn.Module<Tensor, Tensor> module, Tensor input, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(input);
        RequireFloat64(input, "the input", "convert it with tensor.to_type(ScalarType.Float64)");
        var parameters = module.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        foreach (var (name, parameter) in parameters)
            RequireFloat64(parameter, $"parameter '{name}' of module '{module.GetName()}'", "convert the module with module.to(ScalarType.Float64)");
        options ??= GradientCheckOptions.Default;
        options.Validate();

        using var scope = NewDisposeScope();
        var x = input.detach().contiguous().clone().requires_grad_(true);
        var leaves = new List<Tensor> { x };
        leaves.AddRange(parameters.Select(p => (Tensor)p.parameter));
        var names = new List<string> { "input" };
        names.AddRange(parameters.Select(p => p.name));
        return Run(() => module.call(x), leaves.ToArray(), names.ToArray(), options);
    }

    /// <summary>
    /// Checks a layer: builds its module for <paramref name="input"/>'s shape (batch excluded) with fresh weights in
    /// float64 on the input's device, checks input and weight gradients, and disposes the module.
    /// </summary>
    public static GradientCheckResult CheckLayer(Layer layer, Tensor input, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(input);
        RequireFloat64(input, "the input", "convert it with tensor.to_type(ScalarType.Float64)");
        if (input.dim() < 2)
            throw new ArgumentException($"Invalid value for argument input of GradientChecker.CheckLayer. Expected a batch [N, ...] with at least 2 dimensions. Received shape [{string.Join(", ", input.shape)}].", nameof(input));
        var shape = new Shape(input.shape.Skip(1).Select(d => checked((int)d)).ToArray());
        layer.ComputeOutputShape(shape); // a clear build error if the layer cannot take this input
        using var scope = NewDisposeScope();
        using var module = layer.CreateModule(shape);
        module.to(ScalarType.Float64).to(input.device);
        return CheckModule(module, input, options);
    }

    private static GradientCheckResult Run(Func<Tensor> evaluate, Tensor[] leaves, string[] names, GradientCheckOptions options)
    {
        // Analytical: one backward pass of L = Σ v ⊙ y.
        Tensor weighting;
        Tensor?[] analytical;
        using (var grad = enable_grad())
        {
            var y = evaluate();
            RequireFloat64(y, "the function's output", "compute the output in float64 from the float64 inputs");
            weighting = Weighting(y, options.Seed);
            if (!y.requires_grad)
            {
                analytical = new Tensor?[leaves.Length]; // nothing depends on the inputs: every derivative is 0
            }
            else
            {
                var grads = autograd.grad(new[] { y }, leaves, new[] { weighting }, allow_unused: true);
                analytical = grads.Select(t => t is null || t.IsInvalid ? null : t.detach()).ToArray();
            }
        }

        double Objective()
        {
            using var inner = NewDisposeScope();
            using var noGrad = no_grad();
            using var y = evaluate();
            return (y * weighting).sum().item<double>();
        }

        var results = new List<GradientCheckInputResult>();
        for (int i = 0; i < leaves.Length; i++)
        {
            var leaf = leaves[i];
            long count = leaf.numel();
            double[] values = leaf.detach().cpu().contiguous().data<double>().ToArray();
            double[] derivative = analytical[i] is { } a ? a.cpu().contiguous().data<double>().ToArray() : new double[count];
            int failed = 0, checkedCount = 0;
            GradientCheckElement? worst = null;
            foreach (long k in ElementsToCheck(count, options, i))
            {
                long[] index = Unravel(k, leaf.shape);
                double original = values[k];
                Set(leaf, index, original + options.Epsilon);
                double plus = Objective();
                Set(leaf, index, original - options.Epsilon);
                double minus = Objective();
                Set(leaf, index, original);
                double numerical = (plus - minus) / (2 * options.Epsilon);
                var element = new GradientCheckElement(names[i], i, index, derivative[k], numerical,
                    options.AbsoluteTolerance + options.RelativeTolerance * Math.Abs(numerical));
                checkedCount++;
                if (!element.Passed) failed++;
                if (worst is null || Worse(element, worst)) worst = element;
            }
            results.Add(new GradientCheckInputResult(names[i], leaf.shape, checkedCount, failed, worst));
        }
        return new GradientCheckResult(results, options);
    }

    private static bool Worse(GradientCheckElement a, GradientCheckElement b)
    {
        double ra = double.IsNaN(a.ErrorRatio) ? double.PositiveInfinity : a.ErrorRatio;
        double rb = double.IsNaN(b.ErrorRatio) ? double.PositiveInfinity : b.ErrorRatio;
        return ra > rb;
    }

    /// <summary>Random weights in [−1, 1) with y's shape, from a seeded managed generator (libtorch's is left alone).</summary>
    private static Tensor Weighting(Tensor y, int seed)
    {
        var random = new Random(seed);
        var v = new double[y.numel()];
        for (int i = 0; i < v.Length; i++) v[i] = random.NextDouble() * 2 - 1;
        return tensor(v, y.shape, dtype: ScalarType.Float64).to(y.device);
    }

    private static IEnumerable<long> ElementsToCheck(long count, GradientCheckOptions options, int input)
    {
        if (options.MaxElementsPerInput is not int max || count <= max)
        {
            for (long k = 0; k < count; k++) yield return k;
            yield break;
        }
        var random = new Random(HashCode.Combine(options.Seed, input));
        var chosen = new SortedSet<long>();
        while (chosen.Count < max) chosen.Add(random.NextInt64(count));
        foreach (long k in chosen) yield return k;
    }

    private static long[] Unravel(long flat, long[] shape)
    {
        var index = new long[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }

    /// <summary>Writes one element in place (under no_grad, so leaves that require gradients may be modified).</summary>
    private static void Set(Tensor t, long[] index, double value)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var element = t;
        foreach (long i in index) element = element.select(0, i);
        element.fill_(value);
    }

    private static void RequireFloat64(Tensor t, string what, string fix)
    {
        if (t.dtype != ScalarType.Float64)
        {
            throw new ArgumentException(
                $"GradientChecker needs float64: {what} has dtype {t.dtype}. Finite differences in lower precision lose most of their significant digits; {fix}.");
        }
    }
}
