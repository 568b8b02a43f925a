namespace Imguard.Mpc.Transport;

/// <summary>Counters of what crossed a channel. Thread-safe; read them with <see cref="Snapshot"/>.</summary>
public sealed class TransferStatistics
{
    private long _bytesSent;
    private long _bytesReceived;
    private long _rounds;
    private long _framesSent;

    public void RecordSent(long bytes)
    {
        Interlocked.Add(ref _bytesSent, bytes);
        Interlocked.Increment(ref _framesSent);
    }

    public void RecordReceived(long bytes) => Interlocked.Add(ref _bytesReceived, bytes);

    /// <summary>One round: a frame out and a frame back that the next step depends on.</summary>
    public void RecordRound() => Interlocked.Increment(ref _rounds);

    public TransferSnapshot Snapshot() => new(
        Interlocked.Read(ref _bytesSent), Interlocked.Read(ref _bytesReceived),
        Interlocked.Read(ref _rounds), Interlocked.Read(ref _framesSent));
}

/// <summary>A reading of <see cref="TransferStatistics"/>; subtract two readings to get the cost of what ran between them.</summary>
public readonly record struct TransferSnapshot(long BytesSent, long BytesReceived, long Rounds, long FramesSent)
{
    public static TransferSnapshot operator -(TransferSnapshot a, TransferSnapshot b) =>
        new(a.BytesSent - b.BytesSent, a.BytesReceived - b.BytesReceived, a.Rounds - b.Rounds, a.FramesSent - b.FramesSent);
}
