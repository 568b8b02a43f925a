namespace Imguard.Mpc.Preprocessing;

/// <summary>
/// Delivers the dealer's message for item i to one party. Implementations: <see cref="InProcessDealer"/> (tests and
/// single-process runs) and <see cref="DealerStreamReader"/> (a stream the dealer wrote, from a file or a TLS link).
/// Asynchronous because a party's items may come over the network: a protocol awaits its item without holding a thread.
/// </summary>
public interface IDealerFeed
{
    /// <summary>The message for item <paramref name="index"/>, which must be a <paramref name="request"/>; otherwise the parties and dealer are out of step.</summary>
    ValueTask<ulong[]> ReceiveAsync(long index, RandomnessRequest request, CancellationToken cancellationToken = default);
}
