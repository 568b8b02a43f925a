using Imguard.Mpc.Transport;

namespace Imguard.Mpc.Tests.Protocols;

/// <summary>Passes everything through to an inner channel and keeps a copy of every frame this party received: its view.</summary>
internal sealed class RecordingPeerChannel(IPeerChannel inner) : IPeerChannel
{
    public List<ulong[]> Received { get; } = [];

    public int MaxFrameBytes => inner.MaxFrameBytes;

    public TransferStatistics Statistics => inner.Statistics;

    public async ValueTask ExchangeAsync(ReadOnlyMemory<ulong> send, Memory<ulong> receive, CancellationToken cancellationToken = default)
    {
        await inner.ExchangeAsync(send, receive, cancellationToken);
        Received.Add(receive.ToArray());
    }

    public ValueTask SendAsync(ReadOnlyMemory<ulong> send, CancellationToken cancellationToken = default) => inner.SendAsync(send, cancellationToken);

    public async ValueTask ReceiveAsync(Memory<ulong> receive, CancellationToken cancellationToken = default)
    {
        await inner.ReceiveAsync(receive, cancellationToken);
        Received.Add(receive.ToArray());
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
