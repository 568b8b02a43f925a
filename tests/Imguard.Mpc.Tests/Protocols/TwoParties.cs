using Imguard.Mpc.Encoding;
using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;
using Imguard.Mpc.Transport;

namespace Imguard.Mpc.Tests.Protocols;

/// <summary>
/// Runs both parties of a protocol in one process, each on its own task, over an in-memory channel pair and an
/// in-process dealer, and hands back what each party returned. Plaintext helpers share inputs and open outputs.
/// </summary>
internal static class TwoParties
{
    public static readonly FixedPointFormat Format = FixedPointFormat.Default;

    public static async Task<(T Party0, T Party1)> RunAsync<T>(
        Func<PartyContext, Task<T>> party, int comparisonBits = 64, TimeSpan? timeout = null)
    {
        var (c0, c1) = InMemoryPeerChannel.CreatePair();
        var (r0, r1) = InProcessDealer.CreatePair();
        var ctx0 = new PartyContext(0, c0, r0, Format, comparisonBits);
        var ctx1 = new PartyContext(1, c1, r1, Format, comparisonBits);
        var t0 = Task.Run(() => party(ctx0));
        var t1 = Task.Run(() => party(ctx1));
        var all = Task.WhenAll(t0, t1);
        if (await Task.WhenAny(all, Task.Delay(timeout ?? TimeSpan.FromSeconds(60))) != all)
        {
            throw new TimeoutException("A two-party protocol did not finish in time.");
        }
        await all;
        await c0.DisposeAsync();
        await c1.DisposeAsync();
        return (t0.Result, t1.Result);
    }

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
