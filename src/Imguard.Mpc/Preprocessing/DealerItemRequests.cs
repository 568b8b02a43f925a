using System.Buffers.Binary;

namespace Imguard.Mpc.Preprocessing;

/// <summary>
/// A batch of item requests a party sends the dealer over the network: per item the 48-byte <see cref="DealerStream"/>
/// header (magic "IMGDEAL1", index, kind, M, K, N, parameter, 4 reserved zero bytes; little-endian) with a word count of 0. The dealer answers
/// with the items in the same order, in the <see cref="DealerStream"/> format (read them with
/// <see cref="DealerStreamReader"/>, which checks each header against the request). Carries ids and sizes only.
/// </summary>
public static class DealerItemRequests
{
    public const int HeaderBytes = DealerStream.HeaderBytes;

    public static byte[] Encode(IReadOnlyList<(long Index, RandomnessRequest Request)> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var body = new byte[checked(items.Count * HeaderBytes)];
        using var stream = new MemoryStream(body);
        foreach (var (index, request) in items)
        {
            request.Validate();
            DealerStream.Write(stream, index, request, []);
        }
        return body;
    }

    /// <summary>Parses a request body; throws <see cref="InvalidDataException"/> for a bad length, magic, word count or request.</summary>
    public static IReadOnlyList<(long Index, RandomnessRequest Request)> Decode(ReadOnlySpan<byte> body, int maxItems)
    {
        if (body.Length == 0 || body.Length % HeaderBytes != 0 || body.Length / HeaderBytes > maxItems)
        {
            throw new InvalidDataException($"A dealer item request is 1 to {maxItems} headers of {HeaderBytes} bytes; got {body.Length} bytes.");
        }
        var items = new List<(long, RandomnessRequest)>(body.Length / HeaderBytes);
        for (int at = 0; at < body.Length; at += HeaderBytes)
        {
            var header = body.Slice(at, HeaderBytes);
            if (BinaryPrimitives.ReadUInt64LittleEndian(header) != DealerStream.Magic)
            {
                throw new InvalidDataException("A dealer item request has a header with the wrong magic number.");
            }
            long index = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
            var request = new RandomnessRequest(
                (RandomnessKind)BinaryPrimitives.ReadInt32LittleEndian(header[16..]),
                BinaryPrimitives.ReadInt32LittleEndian(header[20..]),
                BinaryPrimitives.ReadInt32LittleEndian(header[24..]),
                BinaryPrimitives.ReadInt32LittleEndian(header[28..]),
                BinaryPrimitives.ReadInt32LittleEndian(header[32..]));
            if (index < 0 || BinaryPrimitives.ReadInt64LittleEndian(header[40..]) != 0 || !DealerStream.ReservedIsZero(header))
            {
                throw new InvalidDataException("A dealer item request has a negative index, non-zero reserved bytes or carries words.");
            }
            try
            {
                request.Validate();
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException(e.Message, e);
            }
            items.Add((index, request));
        }
        return items;
    }
}
