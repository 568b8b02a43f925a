namespace Imguard.Mpc.Transport;

/// <summary>
/// Below an <see cref="System.Net.Security.SslStream"/>: gathers the TLS records a large frame is cut into (16 KB each)
/// into one socket write per <see cref="BufferBytes"/>, until <see cref="FlushAsync(CancellationToken)"/>, and reads
/// the socket in chunks of the same size. Without it a 4.7 MB frame costs about 300 send and 300 receive calls per
/// party, which on loopback cost more than the encryption. Full duplex: one reader and one writer may run at once
/// (each has its own buffer); writes must not overlap each other, nor reads each other.
/// Coalescing starts when <see cref="Coalesce"/> is set (after the handshake, whose flights SslStream does not flush).
/// </summary>
internal sealed class CoalescingStream(Stream inner, int bufferBytes = CoalescingStream.DefaultBufferBytes) : Stream
{
    public const int DefaultBufferBytes = 256 * 1024;

    private readonly byte[] _writeBuffer = new byte[bufferBytes];
    private readonly byte[] _readBuffer = new byte[bufferBytes];
    private int _written;
    private int _readStart;
    private int _readEnd;

    public int BufferBytes => _writeBuffer.Length;

    /// <summary>Hold writes until a flush or a full buffer. Off until set: writes go straight through.</summary>
    public bool Coalesce { get; set; }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_readStart == _readEnd)
        {
            if (buffer.Length >= _readBuffer.Length)
            {
                return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            _readStart = 0;
            _readEnd = await inner.ReadAsync(_readBuffer, cancellationToken).ConfigureAwait(false);
            if (_readEnd == 0)
            {
                return 0;
            }
        }
        int count = Math.Min(buffer.Length, _readEnd - _readStart);
        _readBuffer.AsMemory(_readStart, count).CopyTo(buffer);
        _readStart += count;
        return count;
    }

    public override int Read(Span<byte> buffer)
    {
        if (_readStart == _readEnd)
        {
            if (buffer.Length >= _readBuffer.Length)
            {
                return inner.Read(buffer);
            }
            _readStart = 0;
            _readEnd = inner.Read(_readBuffer);
            if (_readEnd == 0)
            {
                return 0;
            }
        }
        int count = Math.Min(buffer.Length, _readEnd - _readStart);
        _readBuffer.AsSpan(_readStart, count).CopyTo(buffer);
        _readStart += count;
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!Coalesce)
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            return;
        }
        while (!buffer.IsEmpty)
        {
            if (_written == 0 && buffer.Length >= _writeBuffer.Length)
            {
                await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);   // nothing to gather it with
                return;
            }
            int count = Math.Min(buffer.Length, _writeBuffer.Length - _written);
            buffer[..count].CopyTo(_writeBuffer.AsMemory(_written));
            _written += count;
            buffer = buffer[count..];
            if (_written == _writeBuffer.Length)
            {
                await WritePendingAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (!Coalesce)
        {
            inner.Write(buffer);
            return;
        }
        while (!buffer.IsEmpty)
        {
            int count = Math.Min(buffer.Length, _writeBuffer.Length - _written);
            buffer[..count].CopyTo(_writeBuffer.AsSpan(_written));
            _written += count;
            buffer = buffer[count..];
            if (_written == _writeBuffer.Length)
            {
                inner.Write(_writeBuffer, 0, _written);
                _written = 0;
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await WritePendingAsync(cancellationToken).ConfigureAwait(false);
        await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Flush()
    {
        if (_written > 0)
        {
            inner.Write(_writeBuffer, 0, _written);
            _written = 0;
        }
        inner.Flush();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private async ValueTask WritePendingAsync(CancellationToken cancellationToken)
    {
        if (_written > 0)
        {
            int count = _written;
            _written = 0;
            await inner.WriteAsync(_writeBuffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
        }
    }
}
