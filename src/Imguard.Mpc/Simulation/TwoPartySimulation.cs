using Imguard.Mpc.Encoding;
using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Transport;

namespace Imguard.Mpc.Simulation;

/// <summary>
/// Both parties of a protocol in one process (as SPU's <c>simulate</c>): an in-memory channel pair, an in-process
/// dealer, one task per party. For tests and local experiments; a deployment runs each party in its own process.
/// </summary>
public static class TwoPartySimulation
{
    public static async Task<(T Party0, T Party1)> RunAsync<T>(
        Func<PartyContext, Task<T>> party, FixedPointFormat? format = null, int comparisonBits = 64, TimeSpan? timeout = null,
        ComparisonProtocol comparison = ComparisonProtocol.BinaryCircuit)
    {
        ArgumentNullException.ThrowIfNull(party);
        var (c0, c1) = InMemoryPeerChannel.CreatePair();
        await using (c0.ConfigureAwait(false))
        await using (c1.ConfigureAwait(false))
        {
            var (r0, r1) = InProcessDealer.CreatePair();
            var f = format ?? FixedPointFormat.Default;
            var t0 = Task.Run(() => party(new PartyContext(0, c0, r0, f, comparisonBits) { Comparison = comparison }));
            var t1 = Task.Run(() => party(new PartyContext(1, c1, r1, f, comparisonBits) { Comparison = comparison }));
            var all = Task.WhenAll(t0, t1);
            if (await Task.WhenAny(all, Task.Delay(timeout ?? TimeSpan.FromMinutes(2))).ConfigureAwait(false) != all)
            {
                throw new TimeoutException("A two-party simulation did not finish in time.");
            }
            // Both have finished, so awaiting each again only reads its value (or rethrows its own exception).
            return (await t0.ConfigureAwait(false), await t1.ConfigureAwait(false));
        }
    }
}
