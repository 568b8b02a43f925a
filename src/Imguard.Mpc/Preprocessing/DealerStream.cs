using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Imguard.Mpc.Preprocessing;

/// <summary>
/// Wire format of the dealer's messages to one party, for a file or a TLS link: per item a 48-byte header
/// (magic "IMGDEAL1", index, kind, M, K, N, parameter, word count; little-endian) then the words. Carries ids and
/// sizes in the header and pseudo-random words in the body; no party input ever appears in it.
/// </summary>
public static class DealerStream
{
    internal const ulong Magic = 0x314C4145_44474D49UL; // "IMGDEAL1"
    internal const int HeaderBytes = 48;

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
        BinaryPrimitives.WriteInt64LittleEndian(header[40..], message.Length);
        destination.Write(header);
        destination.Write(MemoryMarshal.AsBytes(message));
    }
}

/// <summary>Reads a party's dealer messages written by <see cref="DealerStream"/>, checking each header against the request the party makes.</summary>
public sealed class DealerStreamReader : IDealerFeed
{
    private readonly Stream _source;
    private readonly long _maxWords;

    public DealerStreamReader(Stream source, long maxWordsPerItem = 1L << 30)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _maxWords = maxWordsPerItem;
    }

    public ulong[] Receive(long index, RandomnessRequest request)
    {
        Span<byte> header = stackalloc byte[DealerStream.HeaderBytes];
        ReadExactly(header, "an item header");
        if (BinaryPrimitives.ReadUInt64LittleEndian(header) != DealerStream.Magic)
        {
            throw new InvalidDataException("The dealer stream is corrupt: an item header has the wrong magic number.");
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
        long words = BinaryPrimitives.ReadInt64LittleEndian(header[40..]);
        if (words < 0 || words > _maxWords)
        {
            throw new InvalidDataException($"The dealer stream announces {words} words for one item; the limit is {_maxWords}.");
        }
        var message = new ulong[words];
        ReadExactly(MemoryMarshal.AsBytes(message.AsSpan()), "an item body");
        return message;
    }

    private void ReadExactly(Span<byte> buffer, string what)
    {
        try
        {
            _source.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"The dealer stream ended inside {what}: the offline phase provided fewer items than the computation consumes.", e);
        }
    }
}
