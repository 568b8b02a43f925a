using Imguard.Mpc.Randomness;

namespace Imguard.Cli.Bench;

/// <summary>
/// Reproducible, public input data for the benchmarks: the same numbers on every run and every machine, so that two
/// runs time the same work. Nothing drawn here is secret; that is why it may be seeded with a small number. Built on
/// the project's deterministic generator (<see cref="AesCtrPrg"/>) because System.Random is banned in product code
/// (src/BannedSymbols.txt).
/// </summary>
internal sealed class BenchmarkRandom : IDisposable
{
    private readonly AesCtrPrg _prg;

    // A stream number of its own, so that these numbers never coincide with another use of the same small seed.
    public BenchmarkRandom(int seed) => _prg = new AesCtrPrg(new Seed((ulong)seed, 0), stream: 0xBE4C);

    /// <summary>Uniform in [0, 1), 53 bits.</summary>
    public double NextDouble() => (_prg.NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="maxExclusive"/>); the modulo bias is below 2^-32 for any int bound.</summary>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)(_prg.NextUInt64() % (ulong)maxExclusive);
    }

    /// <summary>Uniform non-negative 63-bit value, as the ring benchmarks' inputs have always been.</summary>
    public long NextInt64() => (long)(_prg.NextUInt64() >> 1);

    public void Dispose() => _prg.Dispose();
}
