using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Imguard.Mpc.Preprocessing;

/// <summary>
/// Wire format of the dealer's messages to one party, for a file or a TLS link: per item a 48-byte header
/// (magic "IMGDEAL1", index, kind, M, K, N, parameter, 4 reserved zero bytes, word count; little-endian) then the words. Carries ids and
/// sizes in the header and pseudo-random words in the body; no party input ever appears in it.
/// </summary>
public static class DealerStream
{
    internal const ulong Magic = 0x314C4145_44474D49UL; // "IMGDEAL1"
    internal const int HeaderBytes = 48;

    /// <summary>Where the 4 reserved bytes lie; readers require them zero, so one header has one encoding.</summary>
    internal const int ReservedOffset = 36;

    /// <summary>Whether the reserved bytes of <paramref name="header"/> are zero.</summary>
    internal static bool ReservedIsZero(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadInt32LittleEndian(header[ReservedOffset..]) == 0;

    /// <summary>Writes the dealer's messages for <paramref name="partyId"/> for every item of <paramref name="plan"/>, starting at item <paramref name="firstIndex"/>.</summary>
    public static void WritePlan(Stream destination, Dealer dealer, int partyId, RandomnessPlan plan, long firstIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(dealer);
        ArgumentNullException.ThrowIfNull(plan);
        long index = firstIndex;
        foreach (var request in plan.Requests)
        {
            var (m0, m1) = dealer.Generate(index, request);
            Write(destination, index++, request, partyId == 0 ? m0 : m1);
        }
    }

    public static void Write(Stream destination, long index, RandomnessRequest request, ReadOnlySpan<ulong> message)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Span<byte> header = stackalloc byte[HeaderBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(header, Magic);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], index);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], (int)request.Kind);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], request.M);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], request.K);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], request.N);
        BinaryPrimitives.WriteInt32LittleEndian(header[32..], request.Parameter);
        header[36..40].Clear();
        BinaryPrimitives.WriteInt64LittleEndian(header[40..], message.Length);
        destination.Write(header);
        destination.Write(MemoryMarshal.AsBytes(message));
    }
}

/// <summary>
/// Reads a party's dealer messages written by <see cref="DealerStream"/>, checking each header against the request the
/// party makes and the words it announces against what that request needs (<see cref="Dealer.MessageWords"/>) before
/// anything is allocated, so a corrupt or hostile stream cannot make the party reserve more than its own plan asks for.
/// </summary>
public sealed class DealerStreamReader : IDealerFeed
{
    private readonly Stream _source;
    private readonly long _maxWords;
    private readonly byte[] _header = new byte[DealerStream.HeaderBytes];

    public DealerStreamReader(Stream source, long maxWordsPerItem = 1L << 30)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _maxWords = maxWordsPerItem;
    }

    public async ValueTask<ulong[]> ReceiveAsync(long index, RandomnessRequest request, CancellationToken cancellationToken = default)
    {
        await ReadExactlyAsync(_header, "an item header", cancellationToken).ConfigureAwait(false);
        long words = CheckHeader(index, request);
        var message = new ulong[words];
        await ReadWordsAsync(message, cancellationToken).ConfigureAwait(false);
        return message;
    }

    /// <summary>Checks the header just read against the request; returns the words the item announces.</summary>
    private long CheckHeader(long index, RandomnessRequest request)
    {
        ReadOnlySpan<byte> header = _header;
        if (BinaryPrimitives.ReadUInt64LittleEndian(header) != DealerStream.Magic)
        {
            throw MpcError.DealerStreamCorrupt("an item header has the wrong magic number");
        }
        long actualIndex = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        var actual = new RandomnessRequest(
            (RandomnessKind)BinaryPrimitives.ReadInt32LittleEndian(header[16..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[20..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[24..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[28..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[32..]));
        if (actualIndex != index || actual != request)
        {
            throw MpcError.RandomnessOutOfOrder(index, request.ToString(), $"{actual} (item {actualIndex})");
        }
        if (!DealerStream.ReservedIsZero(header))
        {
            throw MpcError.DealerStreamCorrupt($"the header of item {index} has non-zero reserved bytes");
        }
        long words = BinaryPrimitives.ReadInt64LittleEndian(header[40..]);
        // The reader does not know which party it serves, so the larger of the two messages bounds the count here;
        // DealerRandomness then checks the exact length for its party.
        long needed = Math.Max(Dealer.MessageWords(request, 0), Dealer.MessageWords(request, 1));
        if (words < 0 || words > Math.Min(_maxWords, needed))
        {
            throw MpcError.DealerStreamCorrupt($"item {index} ({request}) announces {words} words; it needs at most {needed} and the limit is {_maxWords}");
        }
        return words;
    }

    private async ValueTask ReadExactlyAsync(Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        try
        {
            await _source.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException e)
        {
            throw MpcError.DealerStreamEnded(what, e);
        }
    }

    /// <summary>Reads an item's words straight into its array (their memory viewed as bytes); through a copy where that view is not possible.</summary>
    private async ValueTask ReadWordsAsync(ulong[] words, CancellationToken cancellationToken)
    {
        if (words.Length == 0)
        {
            return;
        }
        if (Transport.WordBytesMemoryManager.TryCreate(words, out Memory<byte> bytes))
        {
            await ReadExactlyAsync(bytes, "an item body", cancellationToken).ConfigureAwait(false);
            return;
        }
        var bounce = new byte[words.Length * sizeof(ulong)];
        await ReadExactlyAsync(bounce, "an item body", cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt64LittleEndian(bounce.AsSpan(i * sizeof(ulong)));
        }
    }
}
