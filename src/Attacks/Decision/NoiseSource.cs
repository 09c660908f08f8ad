namespace FoolingCluster.Attacks.Decision;

/// <summary>
/// The random numbers of the decision attacks: xoshiro256** seeded through SplitMix64
/// (Blackman &amp; Vigna), so a seed gives the same draws on every machine and runtime, and
/// Gaussians by Box–Muller in pairs. The Boundary attack draws one Gaussian per pixel per
/// sample per step, millions per second, hence a generator of its own rather than
/// <see cref="Random"/>'s seeded (legacy, slower) algorithm.
/// </summary>
internal sealed class NoiseSource
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public NoiseSource(int seed)
        : this((ulong)(long)seed)
    {
    }

    private NoiseSource(ulong x)
    {
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>
    /// Draws that depend on the seed and on <paramref name="values"/> alone (an FNV-1a hash of
    /// their bits): the same for the same image whatever else shares its batch, or ran before.
    /// </summary>
    public static NoiseSource For(int seed, ReadOnlySpan<float> values)
    {
        ulong hash = 14695981039346656037UL ^ (ulong)(long)seed;
        foreach (float v in values)
        {
            hash = (hash ^ BitConverter.SingleToUInt32Bits(v)) * 1099511628211UL;
        }

        return new NoiseSource(hash);
    }

    /// <summary>64 uniform random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0,1), 24 bits.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [0,1), 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="count"/>).</summary>
    public int Next(int count) => (int)((NextUInt64() >> 32) * (ulong)count >> 32);

    /// <summary>Fills <paramref name="values"/> with independent standard normal draws.</summary>
    public void FillGaussian(Span<float> values)
    {
        int i = 0;
        for (; i + 1 < values.Length; i += 2)
        {
            (values[i], values[i + 1]) = GaussianPair();
        }

        if (i < values.Length)
        {
            values[i] = GaussianPair().A;
        }
    }

    /// <summary>Fills <paramref name="values"/> with independent draws from [low, high).</summary>
    public void FillUniform(Span<float> values, float low, float high)
    {
        float width = high - low;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = low + (width * NextSingle());
        }
    }

    /// <summary>Puts <paramref name="values"/> in a uniformly random order (Fisher–Yates).</summary>
    public void Shuffle(Span<int> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = Next(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    private (float A, float B) GaussianPair()
    {
        // 1 − u keeps the logarithm's argument in (0,1].
        double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - NextDouble()));
        (double sin, double cos) = Math.SinCos(2.0 * Math.PI * NextDouble());
        return ((float)(radius * cos), (float)(radius * sin));
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
