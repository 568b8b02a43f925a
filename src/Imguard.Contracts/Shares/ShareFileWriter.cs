using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Imguard.Contracts.Shares;

/// <summary>
/// Streams one party's half into a share file: the header, then ring elements in row-major order as the caller
/// produces them (never the whole dataset in memory: one chunk is buffered), hashing each chunk as it fills, then the
/// trailer of chunk hashes. <see cref="CompleteAsync"/> checks that exactly the declared payload was written and
/// returns the <see cref="HalfDigest"/>. Writing is sequential, so any writable stream will do; atomic placement of
/// the file (temp file, flush, rename) is the caller's job.
/// </summary>
public sealed class ShareFileWriter : IDisposable, IAsyncDisposable
{
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly byte[] _chunk;
    private readonly MemoryStream _trailer = new();
    private int _fill;
    private long _flushed;
    private bool _headerWritten;
    private bool _completed;

    /// <summary>A writer of a file with <paramref name="header"/> onto <paramref name="output"/>.</summary>
    public ShareFileWriter(Stream output, ShareFileHeader header, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(header);
        if (!output.CanWrite)
        {
            throw ContractsError.StreamNotWritable(nameof(output));
        }
        _output = output;
        _leaveOpen = leaveOpen;
        Header = header;
        _chunk = new byte[(int)Math.Min(header.ChunkSize, header.PayloadBytes)];
    }

    /// <summary>The header being written.</summary>
    public ShareFileHeader Header { get; }

    /// <summary>Payload bytes accepted so far.</summary>
    public long PayloadBytesWritten => _flushed + _fill;

    /// <summary>Appends ring elements (whole rows or any part of one; rows continue across calls). Tensor payloads only.</summary>
    public void Write(ReadOnlySpan<ulong> values)
    {
        CheckTensorWrite(values.Length);
        if (!_headerWritten)
        {
            _output.Write(Header.ToBytes());
            _headerWritten = true;
        }
        while (!values.IsEmpty)
        {
            int n = Fill(values);
            values = values[n..];
            if (_fill == CurrentChunkLength)
            {
                _output.Write(SealChunk().Span);
            }
        }
    }

    /// <summary>Appends ring elements asynchronously; see <see cref="Write(ReadOnlySpan{ulong})"/>.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<ulong> values, CancellationToken cancellationToken = default)
    {
        CheckTensorWrite(values.Length);
        await EnsureHeaderAsync(cancellationToken).ConfigureAwait(false);
        while (!values.IsEmpty)
        {
            int n = Fill(values.Span);
            values = values[n..];
            if (_fill == CurrentChunkLength)
            {
                await _output.WriteAsync(SealChunk(), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Writes the 16-byte seed of a <see cref="SharePayloadKind.Seed"/> payload.</summary>
    public async ValueTask WriteSeedAsync(ReadOnlyMemory<byte> seed, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (Header.PayloadKind != SharePayloadKind.Seed)
        {
            throw ContractsError.WrongPayloadKind(Header.PayloadKind, SharePayloadKind.Seed);
        }
        if (seed.Length != ShareFileFormat.SeedSize)
        {
            throw ContractsError.LengthMismatchArgument(nameof(seed), "a seed payload", ShareFileFormat.SeedSize, seed.Length);
        }
        if (PayloadBytesWritten != 0)
        {
            throw ContractsError.SeedAlreadyWritten();
        }
        await EnsureHeaderAsync(cancellationToken).ConfigureAwait(false);
        // A chunk may be smaller than the seed (8 bytes at least), so the seed is chunked like any payload.
        while (!seed.IsEmpty)
        {
            int n = Math.Min(CurrentChunkLength - _fill, seed.Length);
            seed.Span[..n].CopyTo(_chunk.AsSpan(_fill));
            _fill += n;
            seed = seed[n..];
            if (_fill == CurrentChunkLength)
            {
                await _output.WriteAsync(SealChunk(), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Writes the trailer and flushes the stream. Fails if the payload is shorter than the header declares.
    /// </summary>
    /// <returns>The half's digest, SHA-256(canonical header ‖ chunk hashes).</returns>
    public async ValueTask<HalfDigest> CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_completed)
        {
            throw ContractsError.WriterCompleted();
        }
        if (PayloadBytesWritten != Header.PayloadBytes)
        {
            throw ContractsError.IncompletePayload(Header.PayloadBytes, PayloadBytesWritten);
        }
        await EnsureHeaderAsync(cancellationToken).ConfigureAwait(false);
        var hashes = _trailer.GetBuffer().AsMemory(0, (int)_trailer.Length);
        await _output.WriteAsync(hashes, cancellationToken).ConfigureAwait(false);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        _completed = true;
        Span<byte> canonical = stackalloc byte[ShareFileFormat.CanonicalHeaderSizeV2];
        Header.WriteCanonical(canonical);
        return HalfDigest.Compute(canonical[..Header.CanonicalHeaderSize], hashes.Span);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_chunk);
        _trailer.Dispose();
        if (!_leaveOpen)
        {
            _output.Dispose();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        CryptographicOperations.ZeroMemory(_chunk);
        await _trailer.DisposeAsync().ConfigureAwait(false);
        if (!_leaveOpen)
        {
            await _output.DisposeAsync().ConfigureAwait(false);
        }
    }

    private int CurrentChunkLength => (int)Math.Min(Header.ChunkSize, Header.PayloadBytes - _flushed);

    private void CheckTensorWrite(int count)
    {
        if (_completed)
        {
            throw ContractsError.WriterCompleted();
        }
        if (Header.PayloadKind != SharePayloadKind.Tensor)
        {
            throw ContractsError.WrongPayloadKind(Header.PayloadKind, SharePayloadKind.Tensor);
        }
        if ((long)count * 8 > Header.PayloadBytes - PayloadBytesWritten)
        {
            throw ContractsError.TooManyScalars(Header.TotalScalars);
        }
    }

    private async ValueTask EnsureHeaderAsync(CancellationToken cancellationToken)
    {
        if (!_headerWritten)
        {
            await _output.WriteAsync(Header.ToBytes(), cancellationToken).ConfigureAwait(false);
            _headerWritten = true;
        }
    }

    /// <summary>Copies as many elements as fit the current chunk, little-endian.</summary>
    private int Fill(ReadOnlySpan<ulong> values)
    {
        int n = Math.Min((CurrentChunkLength - _fill) / 8, values.Length);
        var destination = _chunk.AsSpan(_fill, n * 8);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values[..n]).CopyTo(destination);
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(destination[(i * 8)..], values[i]);
            }
        }
        _fill += n * 8;
        return n;
    }

    /// <summary>Hashes the full chunk into the trailer and returns its bytes for writing.</summary>
    private ReadOnlyMemory<byte> SealChunk()
    {
        var chunk = _chunk.AsMemory(0, _fill);
        Span<byte> hash = stackalloc byte[ShareFileFormat.HashSize];
        SHA256.HashData(chunk.Span, hash);
        _trailer.Write(hash);
        _flushed += _fill;
        _fill = 0;
        return chunk;
    }
}
