namespace Imguard.Mpc.Transport;

/// <summary>
/// The link between the two compute parties: full-duplex, ordered, length-prefixed frames of 64-bit ring words.
/// One <see cref="ExchangeAsync"/> is one communication round: this party's frame goes out while the peer's comes in,
/// so both parties can call it at the same time without deadlock however large the frames are.
/// Implementations: <see cref="InMemoryPeerChannel"/> (tests, both parties in one process) and
/// <see cref="TlsPeerChannel"/> (TCP + TLS 1.3 with mutual certificate authentication).
/// </summary>
public interface IPeerChannel : IAsyncDisposable
{
    /// <summary>The largest frame, in bytes, this channel sends or accepts. A larger incoming frame is a protocol error.</summary>
    int MaxFrameBytes { get; }

    /// <summary>Bytes and rounds that crossed this channel so far.</summary>
    TransferStatistics Statistics { get; }

    /// <summary>
    /// Sends <paramref name="send"/> as one frame and fills <paramref name="receive"/> with the peer's frame, which must
    /// have exactly <c>receive.Length</c> words (otherwise <see cref="PeerProtocolException"/>).
    /// Throws <see cref="PeerDisconnectedException"/> if the peer goes away before its frame is complete.
    /// </summary>
    ValueTask ExchangeAsync(ReadOnlyMemory<ulong> send, Memory<ulong> receive, CancellationToken cancellationToken = default);

    /// <summary>Sends one frame without waiting for one back (for one-directional messages such as results to a single party).</summary>
    ValueTask SendAsync(ReadOnlyMemory<ulong> send, CancellationToken cancellationToken = default);

    /// <summary>Receives one frame of exactly <c>receive.Length</c> words.</summary>
    ValueTask ReceiveAsync(Memory<ulong> receive, CancellationToken cancellationToken = default);
}
