using Imguard.Mpc.Encoding;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;
using Imguard.Mpc.Simulation;

namespace Imguard.Mpc.Tests.Protocols;

/// <summary>
/// Runs both parties of a protocol in one process, each on its own task, over an in-memory channel pair and an
/// in-process dealer, and hands back what each party returned. Plaintext helpers share inputs and open outputs.
/// </summary>
internal static class TwoParties
{
    public static readonly FixedPointFormat Format = FixedPointFormat.Default;

    public static Task<(T Party0, T Party1)> RunAsync<T>(
        Func<PartyContext, Task<T>> party, int comparisonBits = 64, TimeSpan? timeout = null,
        ComparisonProtocol comparison = ComparisonProtocol.BinaryCircuit) =>
        TwoPartySimulation.RunAsync(party, Format, comparisonBits, timeout ?? TimeSpan.FromSeconds(60), comparison);

    /// <summary>Rounds of one comparison in <see cref="RunAsync"/>'s default setting (binary circuit, 64 bits).</summary>
    public static int ComparisonRounds => Comparison.Rounds(ComparisonProtocol.BinaryCircuit, 64);

    /// <summary>Bytes one party sends for one comparison of <paramref name="elements"/> values in the default setting.</summary>
    public static long ComparisonBytes(int elements) => Comparison.BytesSent(ComparisonProtocol.BinaryCircuit, 64, elements);

    /// <summary>Shares of a plaintext tensor, encoded in <see cref="Format"/>.</summary>
    public static (SharedTensor Party0, SharedTensor Party1) Share(double[] values, params int[] shape)
    {
        var secret = new RingTensor(Format.Encode(values), shape.Length == 0 ? [values.Length] : shape);
        var (s0, s1) = SecretSharer.Split(secret);
        return (new SharedTensor(0, s0, Format), new SharedTensor(1, s1, Format));
    }

    public static SharedTensor Pick(int partyId, (SharedTensor Party0, SharedTensor Party1) shares) =>
        partyId == 0 ? shares.Party0 : shares.Party1;

    public static double[] Open((SharedTensor Party0, SharedTensor Party1) shares) =>
        Format.Decode(SecretSharer.Reconstruct(shares.Party0, shares.Party1).Span);

    public static ulong[] OpenRing((SharedTensor Party0, SharedTensor Party1) shares) =>
        SecretSharer.Reconstruct(shares.Party0, shares.Party1).Data;

    /// <summary>Random values including negatives, zeros, tiny magnitudes and values of magnitude up to <paramref name="magnitude"/>.</summary>
    public static double[] Values(Random rng, int n, double magnitude)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = (i % 7) switch
            {
                0 => 0.0,
                1 => magnitude * (rng.Next(2) == 0 ? 1 : -1) * (1 - rng.NextDouble() * 1e-3),
                2 => (rng.NextDouble() - 0.5) * 1e-3,
                _ => (rng.NextDouble() * 2 - 1) * magnitude,
            };
        }
        return v;
    }
}
