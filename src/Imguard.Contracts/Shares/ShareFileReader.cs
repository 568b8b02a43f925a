using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Imguard.Contracts.Shares;

/// <summary>
/// Reads a share file defensively. <see cref="OpenAsync(Stream, ShareFileLimits?, bool, string?, CancellationToken)"/>
/// checks magic, version, header hash, fields and size limits (before allocating), then that the file is exactly as
/// long as the header implies, then loads the trailer. Rows are then streamed chunk by chunk, and each chunk's SHA-256
/// is checked against the trailer before any of its rows is handed out, so a caller never trains on bytes that
/// differ from what the owner produced. The stream must be seekable (the trailer is read first).
/// </summary>
public sealed class ShareFileReader : IDisposable, IAsyncDisposable
{
    private readonly Stream _input;
    private readonly bool _leaveOpen;
    private readonly string _what;
    private readonly byte[] _trailer;
    private readonly byte[] _chunk;
    private long _nextChunk;
    private int _chunkLength;
    private int _chunkPosition;
    private long _rowsRead;
    private HalfDigest? _digest;

    private ShareFileReader(Stream input, bool leaveOpen, string what, ShareFileHeader header, byte[] trailer)
    {
        _input = input;
        _leaveOpen = leaveOpen;
        _what = what;
        Header = header;
        _trailer = trailer;
        _chunk = new byte[(int)Math.Min(header.ChunkSize, header.PayloadBytes)];
    }

    /// <summary>The validated header.</summary>
    public ShareFileHeader Header { get; }

    /// <summary>Rows handed out so far (tensor payloads).</summary>
    public long RowsRead => _rowsRead;

    /// <summary>
    /// The half's digest once every chunk has been read and verified (after the last row, the seed, or
    /// <see cref="VerifyAsync(CancellationToken)"/>); null before.
    /// </summary>
    public HalfDigest? VerifiedDigest => _digest;

    /// <summary>Opens a share file from the stream's current position (the file's first byte) to its end.</summary>
    /// <param name="input">A readable, seekable stream.</param>
    /// <param name="limits">Size bounds; <see cref="ShareFileLimits.Default"/> when null.</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves <paramref name="input"/> open.</param>
    /// <param name="name">A name for messages (a path or an id, never content).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="ShareFileException">The header, the length or the trailer is not valid.</exception>
    public static async Task<ShareFileReader> OpenAsync(Stream input, ShareFileLimits? limits = null, bool leaveOpen = false,
        string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            string what = Describe(name);
            long origin = input.Position;
            var header = await ReadHeaderCoreAsync(input, limits, what, cancellationToken).ConfigureAwait(false);
            var trailer = new byte[header.ChunkCount * ShareFileFormat.HashSize];
            input.Position = origin + header.TrailerOffset;
            await ReadExactlyAsync(input, trailer, header.FileLength, what, cancellationToken).ConfigureAwait(false);
            input.Position = origin + header.HeaderSize;
            return new ShareFileReader(input, leaveOpen, what, header, trailer);
        }
        catch when (!leaveOpen)
        {
            await input.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens the share file at <paramref name="path"/> (read-only, shared for reading).</summary>
    public static Task<ShareFileReader> OpenAsync(string path, ShareFileLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return OpenAsync(OpenFile(path), limits, leaveOpen: false, path, cancellationToken);
    }

    /// <summary>Reads and checks only the header, and that the stream is exactly as long as it implies.</summary>
    /// <exception cref="ShareFileException">The header or the length is not valid.</exception>
    public static Task<ShareFileHeader> ReadHeaderAsync(Stream input, ShareFileLimits? limits = null, string? name = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ReadHeaderCoreAsync(input, limits, Describe(name), cancellationToken);
    }

    /// <summary>Reads and checks only the header of the file at <paramref name="path"/>, and its length.</summary>
    public static async Task<ShareFileHeader> ReadHeaderAsync(string path, ShareFileLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        await using var file = OpenFile(path);
        return await ReadHeaderCoreAsync(file, limits, Describe(path), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks the whole file (header, length, every chunk) and returns its digest.</summary>
    /// <exception cref="ShareFileException">Any part of the file is not valid.</exception>
    public static async Task<HalfDigest> VerifyAsync(string path, ShareFileLimits? limits = null, CancellationToken cancellationToken = default)
    {
        await using var reader = await OpenAsync(path, limits, cancellationToken).ConfigureAwait(false);
        return await reader.VerifyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads every chunk and checks it against the trailer, then returns the digest. Only on a fresh reader (it
    /// consumes the payload).
    /// </summary>
    public async Task<HalfDigest> VerifyAsync(CancellationToken cancellationToken = default)
    {
        if (_nextChunk != 0)
        {
            throw ContractsError.ReaderConsumed();
        }
        while (_nextChunk < Header.ChunkCount)
        {
            await LoadChunkAsync(cancellationToken).ConfigureAwait(false);
        }
        CryptographicOperations.ZeroMemory(_chunk);
        _chunkPosition = _chunkLength;
        return _digest!;
    }

    /// <summary>
    /// Reads as many whole rows (D + C ring elements each) as fit <paramref name="destination"/>; 0 at the end.
    /// Every chunk a row touches is verified first. Tensor payloads only.
    /// </summary>
    public async ValueTask<int> ReadRowsAsync(Memory<ulong> destination, CancellationToken cancellationToken = default)
    {
        if (Header.PayloadKind != SharePayloadKind.Tensor)
        {
            throw ContractsError.WrongPayloadKind(Header.PayloadKind, SharePayloadKind.Tensor);
        }
        int width = Header.RowScalars;
        long remaining = Header.ExampleCount - _rowsRead;
        if (remaining == 0)
        {
            return 0;
        }
        if (destination.Length < width)
        {
            throw ContractsError.LengthMismatchArgument(nameof(destination), "a row buffer", width, destination.Length);
        }
        int rows = (int)Math.Min(destination.Length / width, remaining);
        var target = destination[..(rows * width)];
        try
        {
            while (!target.IsEmpty)
            {
                if (_chunkPosition == _chunkLength)
                {
                    await LoadChunkAsync(cancellationToken).ConfigureAwait(false);
                }
                int n = Math.Min((_chunkLength - _chunkPosition) / 8, target.Length);
                CopyOut(_chunk.AsSpan(_chunkPosition, n * 8), target.Span[..n]);
                _chunkPosition += n * 8;
                target = target[n..];
            }
        }
        catch
        {
            // A failed read hands out nothing: not even the verified part of a row whose next chunk failed.
            destination.Span[..(rows * width)].Clear();
            throw;
        }
        _rowsRead += rows;
        if (_rowsRead == Header.ExampleCount)
        {
            CryptographicOperations.ZeroMemory(_chunk);
        }
        return rows;
    }

    /// <summary>Reads the verified 16-byte seed of a <see cref="SharePayloadKind.Seed"/> payload (the caller wipes it).</summary>
    public async ValueTask ReadSeedAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (Header.PayloadKind != SharePayloadKind.Seed)
        {
            throw ContractsError.WrongPayloadKind(Header.PayloadKind, SharePayloadKind.Seed);
        }
        if (destination.Length != ShareFileFormat.SeedSize)
        {
            throw ContractsError.LengthMismatchArgument(nameof(destination), "a seed buffer", ShareFileFormat.SeedSize, destination.Length);
        }
        if (_nextChunk != 0)
        {
            throw ContractsError.ReaderConsumed();
        }
        // The seed may span chunks (chunks are 8 bytes at least); each is verified before it is copied out.
        for (int copied = 0; copied < ShareFileFormat.SeedSize; copied += _chunkLength)
        {
            await LoadChunkAsync(cancellationToken).ConfigureAwait(false);
            _chunk.AsSpan(0, _chunkLength).CopyTo(destination.Span[copied..]);
        }
        CryptographicOperations.ZeroMemory(_chunk);
        _chunkPosition = _chunkLength;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_chunk);
        if (!_leaveOpen)
        {
            _input.Dispose();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        CryptographicOperations.ZeroMemory(_chunk);
        if (!_leaveOpen)
        {
            await _input.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string Describe(string? name) => name is null ? "The share file" : $"Share file '{name}'";

    private static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);

    private static async Task<ShareFileHeader> ReadHeaderCoreAsync(Stream input, ShareFileLimits? limits, string what, CancellationToken cancellationToken)
    {
        if (!input.CanSeek || !input.CanRead)
        {
            throw ContractsError.StreamNotSeekable(nameof(input));
        }
        long available = input.Length - input.Position;
        // Enough for the largest header; a shorter file (a version 1 seed half is 192 bytes) is read whole.
        var bytes = new byte[(int)Math.Min(available, ShareFileFormat.MaxHeaderSize)];
        await input.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        var header = ShareFileHeader.ParseCore(bytes, limits, what);
        if (available != header.FileLength)
        {
            throw ContractsError.LengthMismatch(what, header.FileLength, available);
        }
        return header;
    }

    private static async Task ReadExactlyAsync(Stream input, Memory<byte> buffer, long expectedLength, string what, CancellationToken cancellationToken)
    {
        try
        {
            await input.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException e)
        {
            // The file shrank after its length was checked.
            throw new ShareFileException(ShareFileErrorKind.LengthMismatch, $"{what} ended early: its header implies {expectedLength} bytes.", e);
        }
    }

    /// <summary>Reads the next chunk and checks it against its trailer hash before anything reads from it.</summary>
    private async Task LoadChunkAsync(CancellationToken cancellationToken)
    {
        long index = _nextChunk;
        if (index >= Header.ChunkCount)
        {
            throw ContractsError.ReaderConsumed();
        }
        int length = (int)Math.Min(Header.ChunkSize, Header.PayloadBytes - index * Header.ChunkSize);
        var chunk = _chunk.AsMemory(0, length);
        await ReadExactlyAsync(_input, chunk, Header.FileLength, _what, cancellationToken).ConfigureAwait(false);
        Span<byte> hash = stackalloc byte[ShareFileFormat.HashSize];
        SHA256.HashData(chunk.Span, hash);
        if (!CryptographicOperations.FixedTimeEquals(hash, _trailer.AsSpan((int)(index * ShareFileFormat.HashSize), ShareFileFormat.HashSize)))
        {
            CryptographicOperations.ZeroMemory(_chunk);
            throw ContractsError.ChunkCorrupt(_what, index, Header.ChunkCount);
        }
        _nextChunk = index + 1;
        _chunkLength = length;
        _chunkPosition = 0;
        if (_nextChunk == Header.ChunkCount)
        {
            Span<byte> canonical = stackalloc byte[ShareFileFormat.CanonicalHeaderSizeV2];
            Header.WriteCanonical(canonical);
            _digest = HalfDigest.Compute(canonical[..Header.CanonicalHeaderSize], _trailer);
        }
    }

    private static void CopyOut(ReadOnlySpan<byte> source, Span<ulong> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadUInt64LittleEndian(source[(i * 8)..]);
        }
    }
}
