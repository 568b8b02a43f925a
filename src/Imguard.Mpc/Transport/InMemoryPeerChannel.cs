using System.Threading.Channels;

namespace Imguard.Mpc.Transport;

/// <summary>
/// Both ends of a link inside one process, for tests and simulations that run the two parties side by side.
/// Behaves as <see cref="TlsPeerChannel"/> does: frames are copied on send (the sender may reuse its buffer at once),
/// an incoming frame must have exactly the expected length and fit <see cref="MaxFrameBytes"/>
/// (otherwise <see cref="PeerProtocolException"/>), disposing one end makes the other end's receives throw
/// <see cref="PeerDisconnectedException"/> once the frames already sent are consumed, and a failure or cancellation in
/// the middle of an operation faults the channel and closes the link.
/// </summary>
public sealed class InMemoryPeerChannel : IPeerChannel
{
    private readonly Channel<ulong[]> _inbox = Channel.CreateUnbounded<ulong[]>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly ChannelState _state = new();
    private InMemoryPeerChannel _peer = null!;

    private InMemoryPeerChannel(int maxFrameBytes) => MaxFrameBytes = maxFrameBytes;

    public int MaxFrameBytes { get; }

    /// <summary>Payload bytes (the words, 8 bytes each) and rounds; one round per <see cref="ExchangeAsync"/>.</summary>
    public TransferStatistics Statistics { get; } = new();

    /// <summary>Creates two connected ends; party 0's frames arrive at party 1 and the other way round.</summary>
    public static (InMemoryPeerChannel Party0, InMemoryPeerChannel Party1) CreatePair(int maxFrameBytes = PeerFrame.DefaultMaxFrameBytes) =>
        CreatePair(maxFrameBytes, maxFrameBytes);

    /// <summary>Two ends with different limits, to test what a receiver does with a frame over its limit.</summary>
    internal static (InMemoryPeerChannel Party0, InMemoryPeerChannel Party1) CreatePair(int maxFrameBytes0, int maxFrameBytes1)
    {
        PeerFrame.ValidateMaxFrameBytes(maxFrameBytes0);
        PeerFrame.ValidateMaxFrameBytes(maxFrameBytes1);
        var party0 = new InMemoryPeerChannel(maxFrameBytes0);
        var party1 = new InMemoryPeerChannel(maxFrameBytes1);
        party0._peer = party1;
        party1._peer = party0;
        return (party0, party1);
    }

    public async ValueTask ExchangeAsync(ReadOnlyMemory<ulong> send, Memory<ulong> receive, CancellationToken cancellationToken = default)
    {
        _state.ThrowIfUnusable(this);
        cancellationToken.ThrowIfCancellationRequested();
        PeerFrame.ValidateOutgoing(send.Length, MaxFrameBytes);
        _state.EnterSend();
        try
        {
            _state.EnterReceive();
            try
            {
                SendCore(send);
                await ReceiveCoreAsync(receive, cancellationToken).ConfigureAwait(false);
                Statistics.RecordRound();
            }
            finally
            {
                _state.ExitReceive();
            }
        }
        finally
        {
            _state.ExitSend();
        }
    }

    public ValueTask SendAsync(ReadOnlyMemory<ulong> send, CancellationToken cancellationToken = default)
    {
        _state.ThrowIfUnusable(this);
        cancellationToken.ThrowIfCancellationRequested();
        PeerFrame.ValidateOutgoing(send.Length, MaxFrameBytes);
        _state.EnterSend();
        try
        {
            SendCore(send);
        }
        finally
        {
            _state.ExitSend();
        }
        return ValueTask.CompletedTask;
    }

    public async ValueTask ReceiveAsync(Memory<ulong> receive, CancellationToken cancellationToken = default)
    {
        _state.ThrowIfUnusable(this);
        cancellationToken.ThrowIfCancellationRequested();
        _state.EnterReceive();
        try
        {
            await ReceiveCoreAsync(receive, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _state.ExitReceive();
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_state.TryDispose())
        {
            Close();
        }
        return ValueTask.CompletedTask;
    }

    private void SendCore(ReadOnlyMemory<ulong> send)
    {
        // The copy is what lets the sender reuse its buffer as soon as the call returns, as a socket send does.
        if (!_peer._inbox.Writer.TryWrite(send.ToArray()))
        {
            throw Fail(MpcError.PeerDisconnected($"before this party's frame of {send.Length * (long)PeerFrame.WordBytes} bytes could be delivered"));
        }
        Statistics.RecordSent(send.Length * (long)PeerFrame.WordBytes);
    }

    private async ValueTask ReceiveCoreAsync(Memory<ulong> receive, CancellationToken cancellationToken)
    {
        ulong[] frame;
        try
        {
            frame = await _inbox.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            if (_state.IsDisposed)
            {
                throw new ObjectDisposedException(GetType().Name);
            }
            long missing = receive.Length * (long)PeerFrame.WordBytes;
            throw Fail(MpcError.PeerDisconnected($"before sending the frame this party expected ({missing} payload bytes missing)", ex));
        }
        catch (OperationCanceledException ex)
        {
            Fail(ex);
            throw;
        }

        try
        {
            PeerFrame.ValidateIncoming(frame.Length * (long)PeerFrame.WordBytes, receive.Length, MaxFrameBytes);
        }
        catch (PeerProtocolException ex)
        {
            Fail(ex);
            throw;
        }
        frame.CopyTo(receive);
        Statistics.RecordReceived(frame.Length * (long)PeerFrame.WordBytes);
    }

    private Exception Fail(Exception cause)
    {
        if (_state.TryFault(cause))
        {
            Close();
        }
        return cause;
    }

    /// <summary>Closes the link both ways, as closing a socket does: frames already sent stay readable.</summary>
    private void Close()
    {
        _inbox.Writer.TryComplete();
        _peer._inbox.Writer.TryComplete();
    }
}
