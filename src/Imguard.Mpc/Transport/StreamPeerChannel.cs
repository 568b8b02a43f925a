using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Imguard.Mpc.Transport;

/// <summary>
/// <see cref="IPeerChannel"/> over any full-duplex <see cref="Stream"/> (TLS in production, a plain socket in tests), in the
/// <see cref="PeerFrame"/> format. Frames go straight from and to the caller's words where they live in an array; small
/// frames are sent as one write with their header. <see cref="ExchangeAsync"/> starts its write, then reads, then awaits the
/// write, so two parties can exchange frames of any size at the same time. The stream must allow one read concurrent with
/// one write (sockets, <see cref="System.Net.Security.SslStream"/>) and must not block in <c>WriteAsync</c> for small
/// writes. The channel owns the stream and disposes it.
/// </summary>
internal sealed class StreamPeerChannel : IPeerChannel
{
    /// <summary>Frames up to this size (payload plus header) are copied into one buffer and written at once.</summary>
    internal const int CoalesceLimitBytes = 64 * 1024;

    /// <summary>Chunk of the bounce buffer used when the caller's words are not in an array.</summary>
    private const int BounceChunkBytes = 1024 * 1024;

    private readonly Stream _stream;
    private readonly ChannelState _state = new();
    private readonly byte[] _sendHeader = new byte[PeerFrame.HeaderBytes];
    private readonly byte[] _receiveHeader = new byte[PeerFrame.HeaderBytes];

    public StreamPeerChannel(Stream stream, int maxFrameBytes = PeerFrame.DefaultMaxFrameBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        PeerFrame.ValidateMaxFrameBytes(maxFrameBytes);
        _stream = stream;
        MaxFrameBytes = maxFrameBytes;
    }

    public int MaxFrameBytes { get; }

    /// <summary>Payload bytes (not the 4-byte headers or TLS overhead) and rounds; one round per <see cref="ExchangeAsync"/>.</summary>
    public TransferStatistics Statistics { get; } = new();

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
                // A large write may wait for the peer to read; it runs while this party reads the peer's frame.
                // Large frames start on the pool so that a stream whose WriteAsync blocks cannot stall the read.
                Task write = send.Length * (long)PeerFrame.WordBytes + PeerFrame.HeaderBytes <= CoalesceLimitBytes
                    ? WriteFrameAsync(send, cancellationToken)
                    : Task.Run(() => WriteFrameAsync(send, cancellationToken), CancellationToken.None);
                try
                {
                    await ReadFrameAsync(receive, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    // ReadFrameAsync faulted the channel and closed the stream, which ends the write too.
                    await ObserveAsync(write).ConfigureAwait(false);
                    throw;
                }
                await write.ConfigureAwait(false);
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

    public async ValueTask SendAsync(ReadOnlyMemory<ulong> send, CancellationToken cancellationToken = default)
    {
        _state.ThrowIfUnusable(this);
        cancellationToken.ThrowIfCancellationRequested();
        PeerFrame.ValidateOutgoing(send.Length, MaxFrameBytes);
        _state.EnterSend();
        try
        {
            await WriteFrameAsync(send, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _state.ExitSend();
        }
    }

    public async ValueTask ReceiveAsync(Memory<ulong> receive, CancellationToken cancellationToken = default)
    {
        _state.ThrowIfUnusable(this);
        cancellationToken.ThrowIfCancellationRequested();
        _state.EnterReceive();
        try
        {
            await ReadFrameAsync(receive, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _state.ExitReceive();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_state.TryDispose())
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task WriteFrameAsync(ReadOnlyMemory<ulong> send, CancellationToken cancellationToken)
    {
        int payloadBytes = send.Length * PeerFrame.WordBytes;
        try
        {
            if (payloadBytes + PeerFrame.HeaderBytes <= CoalesceLimitBytes)
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(PeerFrame.HeaderBytes + payloadBytes);
                try
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)payloadBytes);
                    CopyToWire(send.Span, buffer.AsSpan(PeerFrame.HeaderBytes, payloadBytes));
                    await _stream.WriteAsync(buffer.AsMemory(0, PeerFrame.HeaderBytes + payloadBytes), cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
                }
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(_sendHeader, (uint)payloadBytes);
                await _stream.WriteAsync(_sendHeader, cancellationToken).ConfigureAwait(false);
                if (WordBytesMemoryManager.TryCreate(send, out Memory<byte> bytes))
                {
                    await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await WriteBouncedAsync(send, cancellationToken).ConfigureAwait(false);
                }
            }
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ThrowFailure(ex, "while this party was sending a frame");
        }
        Statistics.RecordSent(payloadBytes);
    }

    private async Task WriteBouncedAsync(ReadOnlyMemory<ulong> send, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BounceChunkBytes);
        try
        {
            int wordsPerChunk = BounceChunkBytes / PeerFrame.WordBytes;
            for (int offset = 0; offset < send.Length; offset += wordsPerChunk)
            {
                ReadOnlyMemory<ulong> chunk = send.Slice(offset, Math.Min(wordsPerChunk, send.Length - offset));
                int chunkBytes = chunk.Length * PeerFrame.WordBytes;
                CopyToWire(chunk.Span, buffer.AsSpan(0, chunkBytes));
                await _stream.WriteAsync(buffer.AsMemory(0, chunkBytes), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    private async Task ReadFrameAsync(Memory<ulong> receive, CancellationToken cancellationToken)
    {
        long payloadBytes = 0;
        try
        {
            int headerRead = await ReadAtMostAsync(_receiveHeader, cancellationToken).ConfigureAwait(false);
            if (headerRead < PeerFrame.HeaderBytes)
            {
                throw headerRead == 0
                    ? MpcError.PeerDisconnected($"before sending the next frame ({PeerFrame.HeaderBytes} header bytes and {receive.Length * (long)PeerFrame.WordBytes} payload bytes missing)")
                    : MpcError.PeerDisconnected($"in the middle of a frame header ({PeerFrame.HeaderBytes - headerRead} of {PeerFrame.HeaderBytes} header bytes missing)");
            }
            payloadBytes = BinaryPrimitives.ReadUInt32LittleEndian(_receiveHeader);

            // Checked before a single payload byte is read: an oversized or unexpected frame is never buffered.
            PeerFrame.ValidateIncoming(payloadBytes, receive.Length, MaxFrameBytes);

            int read;
            if (payloadBytes == 0)
            {
                read = 0;
            }
            else if (WordBytesMemoryManager.TryCreate(receive, out Memory<byte> bytes))
            {
                read = await ReadAtMostAsync(bytes, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                read = await ReadBouncedAsync(receive, cancellationToken).ConfigureAwait(false);
            }
            if (read < payloadBytes)
            {
                throw MpcError.PeerDisconnected($"in the middle of a frame of {payloadBytes} bytes ({payloadBytes - read} bytes missing)");
            }
        }
        catch (Exception ex)
        {
            ThrowFailure(ex, "while this party was receiving a frame");
        }
        Statistics.RecordReceived(payloadBytes);
    }

    private async Task<int> ReadBouncedAsync(Memory<ulong> receive, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BounceChunkBytes);
        try
        {
            int wordsPerChunk = BounceChunkBytes / PeerFrame.WordBytes;
            int total = 0;
            for (int offset = 0; offset < receive.Length; offset += wordsPerChunk)
            {
                Memory<ulong> chunk = receive.Slice(offset, Math.Min(wordsPerChunk, receive.Length - offset));
                int chunkBytes = chunk.Length * PeerFrame.WordBytes;
                int read = await ReadAtMostAsync(buffer.AsMemory(0, chunkBytes), cancellationToken).ConfigureAwait(false);
                total += read;
                if (read < chunkBytes)
                {
                    return total;
                }
                CopyFromWire(buffer.AsSpan(0, chunkBytes), chunk.Span);
            }
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    private async ValueTask<int> ReadAtMostAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await _stream.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return total;
    }

    /// <summary>
    /// Faults the channel and closes the stream (it may be out of step), and turns what the stream threw into the
    /// channel's exceptions: I/O errors become <see cref="PeerDisconnectedException"/>, the rest passes through.
    /// A failure that follows from an earlier one (the stream closed under a pending read) reports the earlier one.
    /// </summary>
    private Exception Fail(Exception cause, string during)
    {
        if (_state.IsDisposed)
        {
            return cause is OperationCanceledException ? cause : new ObjectDisposedException(GetType().Name, cause);
        }
        Exception result = cause is IOException and not PeerProtocolException and not PeerDisconnectedException
            ? MpcError.PeerDisconnected(during, cause)
            : cause;
        if (_state.TryFault(result))
        {
            _stream.Dispose();
            return result;
        }
        return _state.Cause ?? result;
    }

    /// <summary>Rethrows <paramref name="cause"/> with its stack, or throws what it became.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ThrowFailure(Exception cause, string during)
    {
        Exception result = Fail(cause, during);
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(result);
    }

    private static async Task ObserveAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The first failure is the one reported; this one followed from closing the stream.
        }
    }

    private static void CopyToWire(ReadOnlySpan<ulong> words, Span<byte> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(words).CopyTo(destination);
        }
        else
        {
            BinaryPrimitives.ReverseEndianness(words, MemoryMarshal.Cast<byte, ulong>(destination));
        }
    }

    private static void CopyFromWire(ReadOnlySpan<byte> source, Span<ulong> words)
    {
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(words));
        }
        else
        {
            BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(source), words);
        }
    }
}
