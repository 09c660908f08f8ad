namespace FoolingCluster.Evolution.Randomness;

/// <summary>
/// xoshiro256** (Blackman &amp; Vigna 2018) seeded through SplitMix64. Unlike
/// <see cref="Random"/>, its whole state can be saved and restored, so a resumed search draws
/// exactly the numbers the uninterrupted one would have drawn.
/// </summary>
public sealed class DeterministicRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Seeds the generator; equal seeds give equal sequences on every machine.</summary>
    public DeterministicRandom(long seed)
    {
        ulong x = unchecked((ulong)seed);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>
    /// Generator number <paramref name="stream"/> of a family seeded by <paramref name="seed"/>
    /// (one per pair of children of a generation, say). The pair (seed, stream) is hashed before
    /// it seeds the generator: seeding with <c>seed + stream × 0x9E3779B97F4A7C15</c>, the
    /// seeding's own increment, would give neighbouring streams the same state words, shifted by one.
    /// </summary>
    public static DeterministicRandom ForStream(ulong seed, long stream)
    {
        ulong position = Mix(unchecked(((ulong)stream * 0xD1B54A32D192ED03UL) + 0x8BB84B93962EACC9UL));
        return new DeterministicRandom(unchecked((long)Mix(seed ^ position)));
    }

    /// <summary>Restores a generator from <see cref="State"/>.</summary>
    /// <param name="state">Four words, not all zero.</param>
    public DeterministicRandom(IReadOnlyList<ulong> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Count != 4 || (state[0] | state[1] | state[2] | state[3]) == 0)
        {
            throw new ArgumentException("a generator state is four words, not all zero", nameof(state));
        }

        (_s0, _s1, _s2, _s3) = (state[0], state[1], state[2], state[3]);
    }

    /// <summary>Goes back (or forward) to a state read earlier from <see cref="State"/>.</summary>
    public void Reset(IReadOnlyList<ulong> state)
    {
        var other = new DeterministicRandom(state);
        (_s0, _s1, _s2, _s3) = (other._s0, other._s1, other._s2, other._s3);
    }

    /// <summary>The four state words; feeding them to the constructor continues the sequence.</summary>
    public ulong[] State => [_s0, _s1, _s2, _s3];

    /// <summary>The next 64 random bits.</summary>
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

    /// <summary>Uniform in [0,1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double NextDouble(double low, double high) => low + ((high - low) * NextDouble());

    /// <summary>Uniform integer in [0, <paramref name="n"/>), without modulo bias (Lemire's method).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ulong bound = (ulong)n;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            UInt128 product = (UInt128)r * bound;
            if ((ulong)product >= threshold)
            {
                return (int)(product >> 64);
            }
        }
    }

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool NextBool(double p) => NextDouble() < p;

    /// <summary>A new generator whose sequence is independent of this one's continuation.</summary>
    public DeterministicRandom Fork() => new(unchecked((long)NextUInt64()));

    private static ulong SplitMix(ref ulong x) => Mix(x += 0x9E3779B97F4A7C15UL);

    /// <summary>SplitMix64's finaliser: every bit of the result depends on every bit of <paramref name="z"/>.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
