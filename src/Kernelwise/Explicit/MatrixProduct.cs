using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace Kernelwise.Explicit;

/// <summary>
/// The three matrix products of the explicit convolution: C = A·B (forward W·X̂, and Wᵀ·G for ∂L/∂X̂) and C = A·Bᵀ
/// (∂L/∂W = G·X̂ᵀ). On a CPU with 512-bit vectors, in float32, they are computed here; otherwise by libtorch's
/// <c>addmm_</c> (MKL on x86 CPUs, cuBLAS on CUDA).
/// </summary>
/// <remarks>
/// <para>Why a matrix product of our own: on AMD processors MKL takes its 256-bit (AVX2) code path, while libtorch's
/// convolution (oneDNN) uses 512-bit instructions. Measured on an AVX-512 AMD EPYC, one thread: MKL's <c>sgemm</c>
/// about 80 GFLOP/s on the convolution's shapes, oneDNN's convolution about 160 — a 2× handicap before any other cost.
/// These kernels reach 110–170 GFLOP/s on the same shapes.</para>
/// <para>How (the textbook blocked algorithm, as in BLIS and GotoBLAS): C = A·B is cut into panels that fit the
/// caches. B is copied ("packed") in slivers of <see cref="Nr"/> columns, A in slivers of <see cref="Mr"/> rows, so
/// that the inner kernel reads both sequentially; the kernel keeps an Mr × Nr block of C in 24 vector registers and
/// adds one outer product (a column of A times a row of B) per step of the shared dimension. C = A·Bᵀ with the shared
/// dimension contiguous in both A and B (each entry a dot product of two rows) needs no packing: its kernel keeps a
/// 4 × 6 block of dot products, 16 terms at a time.</para>
/// <para>Sums are accumulated in a different order than MKL's, so results agree with libtorch's to float32 rounding,
/// not bit for bit. Work is split over libtorch's thread count (<c>torch.get_num_threads()</c>) by column ranges.</para>
/// </remarks>
internal static unsafe class MatrixProduct
{
    /// <summary>Rows of the register block of C (broadcast values of A per step).</summary>
    internal const int Mr = 8;

    /// <summary>Columns of the register block of C: three 16-float vectors of B per step.</summary>
    internal const int Nr = 48;

    /// <summary>Shared-dimension block: a packed Kc × Nr sliver of B is about the size of the L1 data cache.</summary>
    private const int Kc = 256;

    /// <summary>Rows of A packed at once (Mc × Kc floats, about 200 KB, stay in L2).</summary>
    private const int Mc = 192;

    /// <summary>Columns of B packed at once (Kc × Nc floats, about 3 MB, stay in L3).</summary>
    private const int Nc = 3072;

    /// <summary>Shared-dimension block of the dot-product kernel (four rows of A and six of B, 4 KB each, in L1).</summary>
    private const int KcDot = 1024;

    /// <summary>Below this many multiply-adds a product runs on one thread.</summary>
    private const long ParallelThreshold = 1L << 20;

    /// <summary>
    /// Whether the vector kernels are used for float32 tensors on the CPU (default: when the processor runs 512-bit
    /// vectors natively). When false, every product goes to libtorch's <c>addmm_</c>; tests and benchmarks switch it.
    /// </summary>
    internal static bool UseVectorKernels { get; set; } = Vector512.IsHardwareAccelerated;

    /// <summary>
    /// Whether the vector kernels (and the im2col / col2im loops) split their work over libtorch's thread count. When
    /// false they run on the calling thread only.
    /// </summary>
    internal static bool SplitAcrossThreads { get; set; } = true;

    /// <summary>Threads the kernels and loops may use: libtorch's count (<c>torch.get_num_threads()</c>), or 1.</summary>
    internal static int Threads => SplitAcrossThreads ? get_num_threads() : 1;

    /// <summary>C = A·B, or C += A·B when <paramref name="accumulate"/>. C [M, N], A [M, K] (any strides), B [K, N].</summary>
    public static void Multiply(Tensor c, Tensor a, Tensor b, bool accumulate)
    {
        if (!Applies(c, a, b) || c.stride(1) != 1 || b.stride(1) != 1)
        {
            c.addmm_(a, b, beta: accumulate ? 1 : 0);
            return;
        }
        int m = checked((int)c.shape[0]), n = checked((int)c.shape[1]), k = checked((int)a.shape[1]);
        if (Degenerate(c, m, n, k, accumulate)) return;
        var pa = ElementPointer(a);
        var pb = ElementPointer(b);
        var pc = ElementPointer(c);
        long ars = a.stride(0), acs = a.stride(1), ldb = b.stride(0), ldc = c.stride(0);
        int parts = Parts(m, n, k, Nr);
        if (parts == 1)
        {
            MultiplyColumns(m, 0, n, k, pa, ars, acs, pb, ldb, pc, ldc, accumulate);
            return;
        }
        Parallel.For(0, parts, part =>
        {
            var (start, end) = Range(n, parts, part, Nr);
            MultiplyColumns(m, start, end, k, pa, ars, acs, pb, ldb, pc, ldc, accumulate);
        });
    }

    /// <summary>
    /// C = A·Bᵀ, or C += A·Bᵀ when <paramref name="accumulate"/>: C [M, N], A [M, K], B [N, K] — entry (i, j) is the dot
    /// product of row i of A with row j of B.
    /// </summary>
    public static void MultiplyTransposed(Tensor c, Tensor a, Tensor b, bool accumulate)
    {
        if (!Applies(c, a, b) || c.stride(1) != 1 || a.stride(1) != 1 || b.stride(1) != 1)
        {
            c.addmm_(a, b.t(), beta: accumulate ? 1 : 0);
            return;
        }
        int m = checked((int)c.shape[0]), n = checked((int)c.shape[1]), k = checked((int)a.shape[1]);
        if (Degenerate(c, m, n, k, accumulate)) return;
        var pa = ElementPointer(a);
        var pb = ElementPointer(b);
        var pc = ElementPointer(c);
        long lda = a.stride(0), ldb = b.stride(0), ldc = c.stride(0);
        int parts = Parts(m, n, k, DotColumns);
        if (parts == 1)
        {
            DotProducts(m, 0, n, k, pa, lda, pb, ldb, pc, ldc, accumulate);
            return;
        }
        Parallel.For(0, parts, part =>
        {
            var (start, end) = Range(n, parts, part, DotColumns);
            DotProducts(m, start, end, k, pa, lda, pb, ldb, pc, ldc, accumulate);
        });
    }

    private static bool Applies(Tensor c, Tensor a, Tensor b)
        => UseVectorKernels && c.dtype == ScalarType.Float32 && a.dtype == ScalarType.Float32 && b.dtype == ScalarType.Float32
           && c.device_type == TorchSharp.DeviceType.CPU && a.device_type == TorchSharp.DeviceType.CPU && b.device_type == TorchSharp.DeviceType.CPU;

    /// <summary>
    /// Address of the first element of a CPU tensor with any strides (TorchSharp hands out memory only for contiguous
    /// tensors, so through a one-element view at the same place). Valid while <paramref name="t"/> lives.
    /// </summary>
    internal static float* ElementPointer(Tensor t)
    {
        using var first = t.as_strided(new long[] { 1 }, new long[] { 1 }, t.storage_offset());
        return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(first.bytes));
    }

    /// <summary>Empty products: nothing to do, or (K = 0, no accumulation) C = 0.</summary>
    private static bool Degenerate(Tensor c, int m, int n, int k, bool accumulate)
    {
        if (m == 0 || n == 0) return true;
        if (k != 0) return false;
        if (!accumulate) c.zero_();
        return true;
    }

    /// <summary>How many threads to split a product over: libtorch's thread count, one for small products.</summary>
    private static int Parts(int m, int n, int k, int step)
    {
        int threads = Threads;
        if (threads <= 1 || (long)m * n * k < ParallelThreshold) return 1;
        return Math.Max(1, Math.Min(threads, (n + step - 1) / step));
    }

    /// <summary>Column range [start, end) of part <paramref name="part"/>: equal shares, in multiples of <paramref name="step"/>.</summary>
    private static (int Start, int End) Range(int n, int parts, int part, int step)
    {
        int blocks = (n + step - 1) / step;
        int start = (int)((long)blocks * part / parts) * step;
        int end = Math.Min(n, (int)((long)blocks * (part + 1) / parts) * step);
        return (start, end);
    }

    // ---- C = A·B: packed panels and the 8 × 48 register kernel ----

    /// <summary>Columns [n0, n1) of C = A·B (or C += A·B) on the calling thread.</summary>
    private static void MultiplyColumns(int m, int n0, int n1, int k, float* a, long ars, long acs, float* b, long ldb, float* c, long ldc,
        bool accumulate)
    {
        var buffers = PackingBuffers.ForCurrentThread();
        float* packedA = buffers.A, packedB = buffers.B, edge = buffers.Edge;
        // Blocks of the shared dimension of equal length (at most Kc): no short last block, whose C loads and stores
        // would weigh on few multiply-adds.
        int blockLength = (k + (k + Kc - 1) / Kc - 1) / ((k + Kc - 1) / Kc);
        for (int jc = n0; jc < n1; jc += Nc)
        {
            int nc = Math.Min(Nc, n1 - jc);
            for (int pc = 0; pc < k; pc += blockLength)
            {
                int kc = Math.Min(blockLength, k - pc);
                bool add = accumulate || pc > 0; // later blocks of the shared dimension add to the first one's result
                PackB(kc, nc, b + pc * ldb + jc, ldb, packedB);
                for (int ic = 0; ic < m; ic += Mc)
                {
                    int mc = Math.Min(Mc, m - ic);
                    PackA(mc, kc, a + ic * ars + pc * acs, ars, acs, packedA);
                    for (int jr = 0; jr < nc; jr += Nr)
                    {
                        int nr = Math.Min(Nr, nc - jr);
                        for (int ir = 0; ir < mc; ir += Mr)
                        {
                            int mr = Math.Min(Mr, mc - ir);
                            float* target = c + (ic + ir) * ldc + jc + jr;
                            if (mr == Mr && nr == Nr)
                            {
                                Kernel(kc, packedA + ir * kc, packedB + jr * kc, target, ldc, add);
                            }
                            else
                            {
                                // A block at the edge of C: compute the full register block, keep the part inside C.
                                Kernel(kc, packedA + ir * kc, packedB + jr * kc, edge, Nr, accumulate: false);
                                for (int i = 0; i < mr; i++)
                                {
                                    for (int j = 0; j < nr; j++)
                                        target[i * ldc + j] = (add ? target[i * ldc + j] : 0) + edge[i * Nr + j];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Copies A[0..mc, 0..kc] (row step <paramref name="rs"/>, column step <paramref name="cs"/>) into slivers of
    /// <see cref="Mr"/> rows: sliver s holds, for each p, the values A[s·Mr + i, p] for i = 0..Mr−1 (zeros past the last row).
    /// </summary>
    private static void PackA(int mc, int kc, float* a, long rs, long cs, float* packed)
    {
        for (int ir = 0; ir < mc; ir += Mr)
        {
            int mr = Math.Min(Mr, mc - ir);
            float* sliver = packed + ir * kc;
            if (mr < Mr) new Span<float>(sliver, kc * Mr).Clear();
            if (cs == 1)
            {
                for (int i = 0; i < mr; i++)
                {
                    float* row = a + (ir + i) * rs;
                    for (int p = 0; p < kc; p++) sliver[p * Mr + i] = row[p];
                }
            }
            else if (rs == 1 && mr == Mr)
            {
                // Columns of A contiguous (A is a transposed view, e.g. Wᵀ): each step's 8 values are one 256-bit copy.
                for (int p = 0; p < kc; p++) Vector256.Store(Vector256.Load(a + ir + p * cs), sliver + p * Mr);
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* column = a + ir * rs + p * cs;
                    for (int i = 0; i < mr; i++) sliver[p * Mr + i] = column[i * rs];
                }
            }
        }
    }

    /// <summary>
    /// Copies B[0..kc, 0..nc] (rows contiguous, step <paramref name="ldb"/>) into slivers of <see cref="Nr"/> columns:
    /// sliver s holds, for each p, the values B[p, s·Nr + j] for j = 0..Nr−1 (zeros past the last column).
    /// </summary>
    private static void PackB(int kc, int nc, float* b, long ldb, float* packed)
    {
        for (int jr = 0; jr < nc; jr += Nr)
        {
            int nr = Math.Min(Nr, nc - jr);
            float* sliver = packed + jr * kc;
            for (int p = 0; p < kc; p++)
            {
                float* source = b + p * ldb + jr;
                float* target = sliver + p * Nr;
                if (nr == Nr)
                {
                    Vector512.Store(Vector512.Load(source), target);
                    Vector512.Store(Vector512.Load(source + 16), target + 16);
                    Vector512.Store(Vector512.Load(source + 32), target + 32);
                }
                else
                {
                    for (int j = 0; j < nr; j++) target[j] = source[j];
                    for (int j = nr; j < Nr; j++) target[j] = 0;
                }
            }
        }
    }

    /// <summary>
    /// The 8 × 48 block of C at <paramref name="c"/> (row step <paramref name="ldc"/>) = (or +=) the sum over p of
    /// column p of the A sliver (8 values) times row p of the B sliver (48 values): 24 vector accumulators, 24 fused
    /// multiply-adds per step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel(int kc, float* a, float* b, float* c, long ldc, bool accumulate)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        Vector512<float> c40 = default, c41 = default, c42 = default, c50 = default, c51 = default, c52 = default;
        Vector512<float> c60 = default, c61 = default, c62 = default, c70 = default, c71 = default, c72 = default;
        for (int p = 0; p < kc; p++, a += Mr, b += Nr)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var b2 = Vector512.Load(b + 32);
            var x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01); c02 = Vector512.FusedMultiplyAdd(x, b2, c02);
            x = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11); c12 = Vector512.FusedMultiplyAdd(x, b2, c12);
            x = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21); c22 = Vector512.FusedMultiplyAdd(x, b2, c22);
            x = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31); c32 = Vector512.FusedMultiplyAdd(x, b2, c32);
            x = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41); c42 = Vector512.FusedMultiplyAdd(x, b2, c42);
            x = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51); c52 = Vector512.FusedMultiplyAdd(x, b2, c52);
            x = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61); c62 = Vector512.FusedMultiplyAdd(x, b2, c62);
            x = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71); c72 = Vector512.FusedMultiplyAdd(x, b2, c72);
        }
        StoreRow(c, c00, c01, c02, accumulate); c += ldc;
        StoreRow(c, c10, c11, c12, accumulate); c += ldc;
        StoreRow(c, c20, c21, c22, accumulate); c += ldc;
        StoreRow(c, c30, c31, c32, accumulate); c += ldc;
        StoreRow(c, c40, c41, c42, accumulate); c += ldc;
        StoreRow(c, c50, c51, c52, accumulate); c += ldc;
        StoreRow(c, c60, c61, c62, accumulate); c += ldc;
        StoreRow(c, c70, c71, c72, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, bool accumulate)
    {
        if (accumulate)
        {
            v0 += Vector512.Load(c);
            v1 += Vector512.Load(c + 16);
            v2 += Vector512.Load(c + 32);
        }
        Vector512.Store(v0, c);
        Vector512.Store(v1, c + 16);
        Vector512.Store(v2, c + 32);
    }

    // ---- C = A·Bᵀ: dot products of rows, 4 × 6 at a time ----

    /// <summary>Rows of A per dot-product block.</summary>
    private const int DotRows = 4;

    /// <summary>Rows of B (columns of C) per dot-product block.</summary>
    private const int DotColumns = 6;

    /// <summary>Columns [n0, n1) of C = A·Bᵀ (or C += A·Bᵀ) on the calling thread.</summary>
    private static void DotProducts(int m, int n0, int n1, int k, float* a, long lda, float* b, long ldb, float* c, long ldc, bool accumulate)
    {
        if (!accumulate)
        {
            for (int i = 0; i < m; i++) new Span<float>(c + i * ldc + n0, n1 - n0).Clear();
        }
        for (int pc = 0; pc < k; pc += KcDot)
        {
            int kc = Math.Min(KcDot, k - pc);
            for (int j = n0; j < n1; j += DotColumns)
            {
                int nb = Math.Min(DotColumns, n1 - j);
                for (int i = 0; i < m; i += DotRows)
                {
                    int mb = Math.Min(DotRows, m - i);
                    float* ai = a + i * lda + pc, bj = b + j * ldb + pc, cij = c + i * ldc + j;
                    if (mb == DotRows && nb == DotColumns && kc >= 16)
                    {
                        DotKernel(kc, ai, lda, bj, ldb, cij, ldc);
                    }
                    else
                    {
                        for (int ii = 0; ii < mb; ii++)
                        {
                            for (int jj = 0; jj < nb; jj++) cij[ii * ldc + jj] += Dot(kc, ai + ii * lda, bj + jj * ldb);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Adds to the 4 × 6 block of C at <paramref name="c"/> the dot products of rows 0..3 of A with rows 0..5 of B over
    /// <paramref name="kc"/> terms: 24 vector accumulators of 16 partial sums each, added up at the end. When
    /// <paramref name="kc"/> is not a multiple of 16 the last step reads the final 16 terms and zeroes the ones already
    /// counted.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotKernel(int kc, float* a, long lda, float* b, long ldb, float* c, long ldc)
    {
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        float* b0 = b, b1 = b + ldb, b2 = b + 2 * ldb, b3 = b + 3 * ldb, b4 = b + 4 * ldb, b5 = b + 5 * ldb;
        Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default, s04 = default, s05 = default;
        Vector512<float> s10 = default, s11 = default, s12 = default, s13 = default, s14 = default, s15 = default;
        Vector512<float> s20 = default, s21 = default, s22 = default, s23 = default, s24 = default, s25 = default;
        Vector512<float> s30 = default, s31 = default, s32 = default, s33 = default, s34 = default, s35 = default;
        var all = Vector512<float>.AllBitsSet;
        for (int p = 0; p < kc; p += 16)
        {
            // A full step reads terms p..p+15; the last, partial one reads the final 16 and keeps only the new terms.
            int start = Math.Min(p, kc - 16);
            var keep = start == p ? all : Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create(p - start)).AsSingle();
            var y0 = Vector512.Load(b0 + start) & keep;
            var y1 = Vector512.Load(b1 + start) & keep;
            var y2 = Vector512.Load(b2 + start) & keep;
            var y3 = Vector512.Load(b3 + start) & keep;
            var y4 = Vector512.Load(b4 + start) & keep;
            var y5 = Vector512.Load(b5 + start) & keep;
            var x = Vector512.Load(a0 + start) & keep;
            s00 = Vector512.FusedMultiplyAdd(x, y0, s00); s01 = Vector512.FusedMultiplyAdd(x, y1, s01); s02 = Vector512.FusedMultiplyAdd(x, y2, s02);
            s03 = Vector512.FusedMultiplyAdd(x, y3, s03); s04 = Vector512.FusedMultiplyAdd(x, y4, s04); s05 = Vector512.FusedMultiplyAdd(x, y5, s05);
            x = Vector512.Load(a1 + start) & keep;
            s10 = Vector512.FusedMultiplyAdd(x, y0, s10); s11 = Vector512.FusedMultiplyAdd(x, y1, s11); s12 = Vector512.FusedMultiplyAdd(x, y2, s12);
            s13 = Vector512.FusedMultiplyAdd(x, y3, s13); s14 = Vector512.FusedMultiplyAdd(x, y4, s14); s15 = Vector512.FusedMultiplyAdd(x, y5, s15);
            x = Vector512.Load(a2 + start) & keep;
            s20 = Vector512.FusedMultiplyAdd(x, y0, s20); s21 = Vector512.FusedMultiplyAdd(x, y1, s21); s22 = Vector512.FusedMultiplyAdd(x, y2, s22);
            s23 = Vector512.FusedMultiplyAdd(x, y3, s23); s24 = Vector512.FusedMultiplyAdd(x, y4, s24); s25 = Vector512.FusedMultiplyAdd(x, y5, s25);
            x = Vector512.Load(a3 + start) & keep;
            s30 = Vector512.FusedMultiplyAdd(x, y0, s30); s31 = Vector512.FusedMultiplyAdd(x, y1, s31); s32 = Vector512.FusedMultiplyAdd(x, y2, s32);
            s33 = Vector512.FusedMultiplyAdd(x, y3, s33); s34 = Vector512.FusedMultiplyAdd(x, y4, s34); s35 = Vector512.FusedMultiplyAdd(x, y5, s35);
        }
        AddSums(c, s00, s01, s02, s03, s04, s05);
        AddSums(c + ldc, s10, s11, s12, s13, s14, s15);
        AddSums(c + 2 * ldc, s20, s21, s22, s23, s24, s25);
        AddSums(c + 3 * ldc, s30, s31, s32, s33, s34, s35);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSums(float* c, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3, Vector512<float> v4,
        Vector512<float> v5)
    {
        c[0] += Vector512.Sum(v0);
        c[1] += Vector512.Sum(v1);
        c[2] += Vector512.Sum(v2);
        c[3] += Vector512.Sum(v3);
        c[4] += Vector512.Sum(v4);
        c[5] += Vector512.Sum(v5);
    }

    /// <summary>One dot product of <paramref name="count"/> terms (the blocks at the edge of C).</summary>
    private static float Dot(int count, float* x, float* y)
    {
        var sum = Vector512<float>.Zero;
        int p = 0;
        for (; p + 16 <= count; p += 16) sum = Vector512.FusedMultiplyAdd(Vector512.Load(x + p), Vector512.Load(y + p), sum);
        float total = Vector512.Sum(sum);
        for (; p < count; p++) total += x[p] * y[p];
        return total;
    }

    /// <summary>
    /// Per-thread packing buffers, 64-byte aligned, allocated once and freed when the thread ends (the object then
    /// becomes unreachable and its finalizer runs).
    /// </summary>
    private sealed class PackingBuffers
    {
        [ThreadStatic]
        private static PackingBuffers? s_current;

        public readonly float* A = Allocate(Mc * Kc);
        public readonly float* B = Allocate((Nc + Nr) * Kc);
        public readonly float* Edge = Allocate(Mr * Nr);

        public static PackingBuffers ForCurrentThread() => s_current ??= new PackingBuffers();

        private static float* Allocate(int floats) => (float*)NativeMemory.AlignedAlloc((nuint)floats * sizeof(float), 64);

        ~PackingBuffers()
        {
            NativeMemory.AlignedFree(A);
            NativeMemory.AlignedFree(B);
            NativeMemory.AlignedFree(Edge);
        }
    }
}
