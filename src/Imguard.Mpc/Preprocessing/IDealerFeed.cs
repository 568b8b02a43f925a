namespace Imguard.Mpc.Preprocessing;

/// <summary>
/// Delivers the dealer's message for item i to one party. Implementations: <see cref="InProcessDealer"/> (tests and
/// single-process runs) and <see cref="DealerStreamReader"/> (a stream the dealer wrote, from a file or a TLS link).
/// </summary>
public interface IDealerFeed
{
    /// <summary>The message for item <paramref name="index"/>, which must be a <paramref name="request"/>; otherwise the parties and dealer are out of step.</summary>
    ulong[] Receive(long index, RandomnessRequest request);
}
