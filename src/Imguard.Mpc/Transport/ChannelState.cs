namespace Imguard.Mpc.Transport;

/// <summary>
/// Open / faulted / disposed state and the one-send-one-receive guard shared by the channel implementations.
/// Any failure or cancellation in the middle of an operation faults the channel: the byte stream may be out of step,
/// so the connection is closed and later calls throw.
/// </summary>
internal sealed class ChannelState
{
    private const int Open = 0;
    private const int Faulted = 1;
    private const int Disposed = 2;

    private int _state;
    private int _sending;
    private int _receiving;
    private Exception? _cause;

    public bool IsDisposed => Volatile.Read(ref _state) == Disposed;

    public void ThrowIfUnusable(object owner)
    {
        switch (Volatile.Read(ref _state))
        {
            case Open:
                return;
            case Faulted:
                throw MpcError.ChannelFaulted(_cause);
            default:
                throw new ObjectDisposedException(owner.GetType().Name);
        }
    }

    /// <summary>Moves an open channel to faulted; returns whether this call did it (and must close the connection).</summary>
    public bool TryFault(Exception cause)
    {
        if (Interlocked.CompareExchange(ref _cause, cause, null) is not null)
        {
            return false;
        }
        return Interlocked.CompareExchange(ref _state, Faulted, Open) == Open;
    }

    /// <summary>The failure that faulted the channel, if any.</summary>
    public Exception? Cause => Volatile.Read(ref _cause);

    /// <summary>Moves the channel to disposed; returns whether this is the first call to do so.</summary>
    public bool TryDispose() => Interlocked.Exchange(ref _state, Disposed) != Disposed;

    public void EnterSend()
    {
        if (Interlocked.Exchange(ref _sending, 1) != 0)
        {
            throw MpcError.ConcurrentUse("send");
        }
    }

    public void ExitSend() => Volatile.Write(ref _sending, 0);

    public void EnterReceive()
    {
        if (Interlocked.Exchange(ref _receiving, 1) != 0)
        {
            throw MpcError.ConcurrentUse("receive");
        }
    }

    public void ExitReceive() => Volatile.Write(ref _receiving, 0);
}
