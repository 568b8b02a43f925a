namespace Imguard.Mpc.Transport;

/// <summary>
/// The link between the two compute parties: full-duplex, ordered, length-prefixed frames of 64-bit ring words.
/// One <see cref="ExchangeAsync"/> is one communication round: this party's frame goes out while the peer's comes in,
/// so both parties can call it at the same time without deadlock however large the frames are.
/// Implementations: <see cref="InMemoryPeerChannel"/> (tests, both parties in one process) and
/// <see cref="TlsPeerChannel"/> (TCP + TLS 1.3 with mutual certificate authentication), both checked by one conformance suite.
/// A channel allows one send and one receive in flight at a time (an exchange is both); a second concurrent one throws
/// <see cref="InvalidOperationException"/>. A failure or cancellation in the middle of an operation faults the channel: the
/// connection is closed (the peer sees a disconnect) and later calls throw <see cref="InvalidOperationException"/>.
/// A token already cancelled on entry throws <see cref="OperationCanceledException"/> and leaves the channel as it was.
/// </summary>
public interface IPeerChannel : IAsyncDisposable
{
    /// <summary>The largest frame, in bytes, this channel sends or accepts. A larger incoming frame is a protocol error.</summary>
    int MaxFrameBytes { get; }

    /// <summary>Payload bytes (8 per word; no headers or TLS overhead), frames and rounds that crossed this channel so far.</summary>
    TransferStatistics Statistics { get; }

    /// <summary>
    /// Sends <paramref name="send"/> as one frame and fills <paramref name="receive"/> with the peer's frame, which must
    /// have exactly <c>receive.Length</c> words (otherwise <see cref="PeerProtocolException"/>).
    /// Throws <see cref="PeerDisconnectedException"/> if the peer goes away before its frame is complete.
    /// </summary>
    ValueTask ExchangeAsync(ReadOnlyMemory<ulong> send, Memory<ulong> receive, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends one frame without waiting for one back (for one-directional messages such as results to a single party).
    /// The frame is handed off when the call completes; <paramref name="send"/> may be reused at once. No round is counted.
    /// A frame over <see cref="MaxFrameBytes"/> throws <see cref="ArgumentException"/> before anything is sent.
    /// </summary>
    ValueTask SendAsync(ReadOnlyMemory<ulong> send, CancellationToken cancellationToken = default);

    /// <summary>Receives one frame of exactly <c>receive.Length</c> words (as <see cref="ExchangeAsync"/>; no round is counted).</summary>
    ValueTask ReceiveAsync(Memory<ulong> receive, CancellationToken cancellationToken = default);
}
