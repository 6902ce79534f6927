namespace Kernelwise.Data;

/// <summary>
/// The random numbers of one transform step applied to one sample: a small, fast generator (xoshiro256**) seeded from
/// (seed, epoch, sample index, step index) with SplitMix64. The same four numbers give the same draws on every machine,
/// thread and .NET version, so augmentation does not depend on which worker loads a sample or in which order.
/// </summary>
public sealed class TransformRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator for an arbitrary 64-bit seed.</summary>
    public TransformRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>The generator of transform step <paramref name="step"/> for sample <paramref name="index"/> in <paramref name="epoch"/> of a run seeded <paramref name="seed"/>.</summary>
    public static TransformRandom For(int seed, int epoch, long index, int step)
    {
        ulong h = 0x9E3779B97F4A7C15UL;
        h = Mix(h ^ (uint)seed);
        h = Mix(h ^ (uint)epoch);
        h = Mix(h ^ (ulong)index);
        h = Mix(h ^ (uint)step);
        return new TransformRandom(h);
    }

    /// <summary>A uniform 64-bit integer.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Bernoulli(double p) => NextDouble() < p;

    /// <summary>A uniform integer in [<paramref name="minInclusive"/>, <paramref name="maxInclusive"/>].</summary>
    public int NextInt(int minInclusive, int maxInclusive)
    {
        if (maxInclusive < minInclusive) throw new ArgumentOutOfRangeException(nameof(maxInclusive), $"Expected maxInclusive >= minInclusive; received [{minInclusive}, {maxInclusive}].");
        ulong range = (ulong)((long)maxInclusive - minInclusive) + 1;
        // Lemire's multiply-and-reject: unbiased.
        UInt128 m = (UInt128)NextUInt64() * range;
        ulong low = (ulong)m;
        if (low < range)
        {
            ulong threshold = (0 - range) % range;
            while (low < threshold)
            {
                m = (UInt128)NextUInt64() * range;
                low = (ulong)m;
            }
        }
        return (int)(minInclusive + (long)(ulong)(m >> 64));
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(0, i);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
