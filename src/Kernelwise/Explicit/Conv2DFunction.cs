using TorchSharp;
using static TorchSharp.torch;
using Slot = Kernelwise.Explicit.ConvolutionWorkspace.Slot;

namespace Kernelwise.Explicit;

/// <summary>
/// The explicit 2D convolution as a custom autograd function: the forward pass is im2col and one matrix product per
/// group, the backward pass is the textbook derivation written out — libtorch's autograd never looks inside.
/// </summary>
/// <remarks>
/// <para>Notation (per group; see docs/explicit-conv.md): X̂ is the column matrix of the input (<see cref="Im2Col"/>),
/// W the weight as a matrix [F, K_g], Y = W·X̂ + b the output as [F, positions]. Given G = ∂L/∂Y:</para>
/// <list type="bullet">
/// <item>∂L/∂W = Σ over positions of G[:, p] ⊗ X̂[:, p] = G·X̂ᵀ — each weight's gradient is the sum, over every
/// position the kernel visited, of the output gradient there times the input value under that tap;</item>
/// <item>∂L/∂X = col2im(Wᵀ·G) — every window sends Wᵀ·G[:, p] back to the pixels it read (<see cref="Col2Im"/>);</item>
/// <item>∂L/∂b = Σ over samples and positions of G.</item>
/// </list>
/// <para>Custom-function rules of TorchSharp: one shared instance per function type, so everything a call needs later
/// lives in its context (the input and weight via <c>save_for_backward</c>, the geometry and which gradients are
/// wanted via <c>save_data</c>); <c>forward</c> runs with gradients off; <c>backward</c> returns one entry per forward
/// argument — null for the geometry and for a missing bias. Backward is not itself differentiable (no double
/// backward).</para>
/// <para>Speed: samples are processed in chunks whose column matrix holds about <see cref="ChunkElements"/> values,
/// in buffers reused across calls (<see cref="ConvolutionWorkspace"/>); the column matrix is recomputed in backward
/// rather than kept alive between the passes. Memory in flight per call is therefore a few chunks, whatever the
/// batch size.</para>
/// </remarks>
internal sealed class Conv2DFunction : autograd.SingleTensorFunction<Conv2DFunction>
{
    private const string GeometryKey = "geometry";
    private const string WantedKey = "wanted";

    /// <summary>
    /// Target number of values in one chunk's column matrix (K × B·L); at least one sample per chunk:
    /// <see cref="ChunkElementsSetting"/> when set, else 2¹⁹ (2 MB in float32) on one libtorch thread — the column
    /// matrix then stays in the processor's L2/L3 caches between im2col and the matrix products — and 2²¹ on several,
    /// where fewer, larger operations wait less at libtorch's thread barriers (see docs/explicit-conv.md, "Speed").
    /// </summary>
    internal static long ChunkElements => ChunkElementsSetting ?? (get_num_threads() > 1 ? 1L << 21 : 1L << 19);

    /// <summary>A chunk size chosen by a test or benchmark; null for the default.</summary>
    internal static long? ChunkElementsSetting { get; set; }

    /// <inheritdoc />
    public override string Name => "ExplicitConv2D";

    /// <summary>Which gradients backward must produce, recorded in forward.</summary>
    private sealed record Wanted(bool Input, bool Weight, bool Bias);

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        var w = (Tensor)vars[1];
        var b = vars[2] as Tensor;
        var g = (Conv2DGeometry)vars[3];
        ctx.save_for_backward(new List<Tensor> { x, w });
        ctx.save_data(GeometryKey, g);
        ctx.save_data(WantedKey, new Wanted(x.requires_grad, w.requires_grad, b is not null && b.requires_grad));
        return Forward(x, w, b, g);
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        var g = (Conv2DGeometry)ctx.get_data(GeometryKey);
        var wanted = (Wanted)ctx.get_data(WantedKey);
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (dx, dw, db) = Backward(grad_output, saved[0], saved[1], g, wanted.Input, wanted.Weight, wanted.Bias);
        // One entry per forward argument: input, weight, bias, geometry.
        return new List<Tensor> { dx?.MoveToOuterDisposeScope()!, dw?.MoveToOuterDisposeScope()!, db?.MoveToOuterDisposeScope()!, null! };
    }

    /// <summary>
    /// Y = W·im2col(X) + b, chunk by chunk. Returns a fresh [N, F, OH, OW] tensor owned by the caller's scope.
    /// </summary>
    internal static Tensor Forward(Tensor x, Tensor w, Tensor? b, Conv2DGeometry g)
    {
        var workspace = ConvolutionWorkspace.For(x.device, x.dtype);
        long f = g.Filters, l = g.Positions, fg = g.FiltersPerGroup, kg = g.GroupPatchLength;
        var y = empty(g.OutputShape, dtype: x.dtype, device: x.device);
        long chunk = SamplesPerChunk(g);
        using var weights = w.reshape(f, kg); // row f: the taps of filter f, in (c, i, j) order
        // The same matrix stored column by column: the matrix product copies W in columns of 8 filters per tap, which
        // this layout turns into contiguous reads (one copy of F·K_g values per call, not per chunk).
        using var weightsByColumn = weights.t().contiguous().t();
        using var bias = b?.reshape(1, f, 1);
        for (long n0 = 0; n0 < g.Batch; n0 += chunk)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(chunk, g.Batch - n0);
            var columns = workspace.Rent(Slot.Columns, g.PatchLength, count * l);
            Im2Col.Fill(PaddedInput(x, n0, count, g, workspace, zeroBorder: n0 == 0), columns, g);

            // One matrix product per group: Y_g [F/G, B·L] = W_g [F/G, K_g] · X̂_g [K_g, B·L].
            var outputs = y.narrow(0, n0, count).view(count, f, l);
            var product = count == 1 ? outputs.view(f, l) : workspace.Rent(Slot.Product, f, count * l);
            for (long group = 0; group < g.Groups; group++)
                MatrixProduct.Multiply(product.narrow(0, group * fg, fg), weightsByColumn.narrow(0, group * fg, fg), columns.narrow(0, group * kg, kg), accumulate: false);
            if (count > 1) outputs.permute(1, 0, 2).copy_(product.view(f, count, l)); // [F, B, L] → [B, F, L]
            if (bias is not null) outputs.add_(bias);
        }
        return y;
    }

    /// <summary>
    /// The three gradients of the derivation, for the inputs that need them (null otherwise): ∂L/∂X [N, C, H, W],
    /// ∂L/∂W with the weight's shape, ∂L/∂b [F]. Fresh tensors owned by the caller's scope.
    /// </summary>
    internal static (Tensor? Input, Tensor? Weight, Tensor? Bias) Backward(Tensor dy, Tensor x, Tensor w, Conv2DGeometry g,
        bool wantInput, bool wantWeight, bool wantBias)
    {
        var workspace = ConvolutionWorkspace.For(x.device, x.dtype);
        long f = g.Filters, l = g.Positions, fg = g.FiltersPerGroup, kg = g.GroupPatchLength;
        var dx = wantInput ? empty(x.shape, dtype: x.dtype, device: x.device) : null;
        // Overwritten by the first chunk (beta 0), then accumulated; zeros only for an empty batch.
        var dw = !wantWeight ? null : g.Batch == 0 ? zeros(new[] { f, kg }, dtype: x.dtype, device: x.device) : empty(new[] { f, kg }, dtype: x.dtype, device: x.device);
        // ∂L/∂b_f = Σ_{n, oh, ow} ∂L/∂y[n, f, oh, ow]: the bias is added at every position of every sample.
        var db = wantBias ? dy.sum(new long[] { 0, 2, 3 }) : null;
        long chunk = SamplesPerChunk(g);
        using var weights = w.reshape(f, kg);
        for (long n0 = 0; n0 < g.Batch && (dx is not null || dw is not null); n0 += chunk)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(chunk, g.Batch - n0);
            var gradient = dy.narrow(0, n0, count).permute(1, 0, 2, 3); // G for this chunk as [F, B, OH, OW], any strides
            Tensor? rows = null; // G as a matrix [F, B·L]
            if (dw is not null)
            {
                // ∂L/∂W_g = Σ_p G_g[:, p] ⊗ X̂_g[:, p] = G_g · X̂_gᵀ, accumulated over chunks. X̂ is recomputed here
                // (one copy) instead of keeping the whole batch's column matrix alive from forward.
                var columns = workspace.Rent(Slot.Columns, g.PatchLength, count * l);
                Im2Col.Fill(PaddedInput(x, n0, count, g, workspace, zeroBorder: n0 == 0), columns, g);
                rows = workspace.Rent(Slot.OutputGradient, f, count * l);
                rows.view(f, count, g.OutHeight, g.OutWidth).copy_(gradient);
                for (long group = 0; group < g.Groups; group++)
                {
                    MatrixProduct.MultiplyTransposed(dw.narrow(0, group * fg, fg), rows.narrow(0, group * fg, fg), columns.narrow(0, group * kg, kg),
                        accumulate: n0 > 0);
                }
            }
            if (dx is not null)
            {
                // ∂L/∂X̂_g = W_gᵀ · G_g, then col2im sends every column back to the pixels its window read.
                Tensor source;
                if (g.HasContiguousRuns)
                {
                    source = workspace.Rent(Slot.OutputGradientRuns, f, count * g.RunLength);
                    LayOutInRuns(gradient, source, count, g, zeroGaps: n0 == 0 || count != chunk);
                }
                else if (rows is not null)
                {
                    source = rows;
                }
                else
                {
                    source = workspace.Rent(Slot.OutputGradient, f, count * l);
                    source.view(f, count, g.OutHeight, g.OutWidth).copy_(gradient);
                }
                var columnGradient = workspace.Rent(Slot.ColumnGradient, g.PatchLength, source.shape[1]);
                for (long group = 0; group < g.Groups; group++)
                {
                    MatrixProduct.Multiply(columnGradient.narrow(0, group * kg, kg), weights.narrow(0, group * fg, fg).t(), source.narrow(0, group * fg, fg), accumulate: false);
                }
                var target = dx.narrow(0, n0, count);
                if (!g.IsPadded)
                {
                    Col2Im.Accumulate(columnGradient, target.zero_(), g);
                }
                else
                {
                    var padded = workspace.Rent(Slot.PaddedInputGradient, count, g.InChannels, g.PaddedHeight, g.PaddedWidth).zero_();
                    Col2Im.Accumulate(columnGradient, padded, g);
                    target.copy_(padded.narrow(2, g.PaddingHeight, g.Height).narrow(3, g.PaddingWidth, g.Width));
                }
            }
        }
        return (dx, dw?.view(w.shape), db);
    }

    /// <summary>Samples per chunk: enough for about <see cref="ChunkElements"/> column-matrix values, at least one.</summary>
    internal static long SamplesPerChunk(Conv2DGeometry g)
        => Math.Clamp(ChunkElements / Math.Max(1, g.PatchLength * g.Positions), 1, Math.Max(1, g.Batch));

    /// <summary>
    /// Samples [n0, n0 + count) of the input with their zero border: the input itself (any strides) when there is no
    /// padding, else a workspace copy. The border is written only when <paramref name="zeroBorder"/> (the first chunk
    /// of a call): later chunks of the same call reuse the same layout — a smaller last chunk is a prefix of it — and
    /// overwrite only the interior.
    /// </summary>
    private static Tensor PaddedInput(Tensor x, long n0, long count, Conv2DGeometry g, ConvolutionWorkspace workspace, bool zeroBorder)
    {
        var samples = x.narrow(0, n0, count);
        if (!g.IsPadded) return samples;
        var padded = workspace.Rent(Slot.PaddedInput, count, g.InChannels, g.PaddedHeight, g.PaddedWidth);
        if (zeroBorder) padded.zero_();
        padded.narrow(2, g.PaddingHeight, g.Height).narrow(3, g.PaddingWidth, g.Width).copy_(samples);
        return padded;
    }

    /// <summary>
    /// Copies G ([F, B, OH, OW]) into <paramref name="runs"/> ([F, B·run]) with output row oh at offset oh·W_p of its
    /// sample's run, and zeros in the W_p − OW slots after each row — positions no window occupies, whose zero
    /// gradient makes col2im's run-wise additions add nothing there. The gaps sit at the same places for every chunk
    /// of one size, so they are zeroed only when <paramref name="zeroGaps"/> (first chunk, or a smaller last one).
    /// </summary>
    private static void LayOutInRuns(Tensor gradient, Tensor runs, long count, Conv2DGeometry g, bool zeroGaps)
    {
        long f = g.Filters, run = g.RunLength, wp = g.PaddedWidth;
        long gap = wp - g.OutWidth;
        long offset = runs.storage_offset();
        if (zeroGaps && gap > 0 && g.OutHeight > 1)
        {
            using var gaps = runs.as_strided(new[] { f, count, g.OutHeight - 1, gap }, new[] { count * run, run, wp, 1L }, offset + g.OutWidth);
            gaps.zero_();
        }
        using var values = runs.as_strided(new[] { f, count, g.OutHeight, g.OutWidth }, new[] { count * run, run, wp, 1L }, offset);
        values.copy_(gradient);
    }
}
