using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Imguard.Mpc.Transport;

/// <summary>
/// The first frame each party sends after the TLS handshake, binding the connection to a protocol version, a party id and
/// a session: one <see cref="PeerFrame"/> of four words — magic <c>"IMGPEER\0"</c>; version (high 32 bits) and party id
/// (low 32 bits); the first 128 bits of SHA-256(<c>"imguard/peer-session/v1\0"</c> ‖ UTF-8 session id).
/// </summary>
internal static class PeerHello
{
    public const uint Version = 1;
    public const int Words = 4;
    public const int PayloadBytes = Words * PeerFrame.WordBytes;

    private static readonly ulong Magic = BinaryPrimitives.ReadUInt64LittleEndian("IMGPEER\0"u8);
    private static readonly byte[] SessionDomain = System.Text.Encoding.UTF8.GetBytes("imguard/peer-session/v1\0");

    /// <summary>Sends this party's hello, reads the peer's and checks it; returns the peer's party id.</summary>
    public static async Task<int> ExchangeAsync(Stream stream, int localPartyId, string sessionId, CancellationToken cancellationToken)
    {
        byte[] mine = Encode(localPartyId, sessionId);
        await stream.WriteAsync(mine, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);

        byte[] theirs = new byte[PeerFrame.HeaderBytes + PayloadBytes];
        await ReadExactlyAsync(stream, theirs.AsMemory(0, PeerFrame.HeaderBytes), cancellationToken).ConfigureAwait(false);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(theirs);
        if (length != PayloadBytes)
        {
            throw MpcError.HelloRejected($"its first frame has {length} bytes, not the {PayloadBytes} of an IMGuard peer hello");
        }
        await ReadExactlyAsync(stream, theirs.AsMemory(PeerFrame.HeaderBytes), cancellationToken).ConfigureAwait(false);
        return Check(theirs.AsSpan(PeerFrame.HeaderBytes), localPartyId, mine.AsSpan(PeerFrame.HeaderBytes + 16, 16));
    }

    internal static byte[] Encode(int partyId, string sessionId)
    {
        var frame = new byte[PeerFrame.HeaderBytes + PayloadBytes];
        Span<byte> payload = frame.AsSpan(PeerFrame.HeaderBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(frame, PayloadBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(payload, Magic);
        BinaryPrimitives.WriteUInt64LittleEndian(payload[8..], ((ulong)Version << 32) | (uint)partyId);
        SessionHash(sessionId, payload.Slice(16, 16));
        return frame;
    }

    private static int Check(ReadOnlySpan<byte> payload, int localPartyId, ReadOnlySpan<byte> ourSessionHash)
    {
        if (BinaryPrimitives.ReadUInt64LittleEndian(payload) != Magic)
        {
            throw MpcError.HelloRejected("it does not start with the IMGuard peer magic; the peer does not speak this protocol");
        }
        ulong versionAndParty = BinaryPrimitives.ReadUInt64LittleEndian(payload[8..]);
        uint version = (uint)(versionAndParty >> 32);
        if (version != Version)
        {
            throw MpcError.HelloRejected($"the peer speaks protocol version {version}, this party version {Version}");
        }
        uint peerParty = (uint)versionAndParty;
        if (peerParty == (uint)localPartyId)
        {
            throw MpcError.HelloRejected($"the peer claims party id {peerParty}, which is this party's own id");
        }
        if (peerParty > 1)
        {
            throw MpcError.HelloRejected($"the peer claims party id {peerParty}; only 0 and 1 exist");
        }
        if (!CryptographicOperations.FixedTimeEquals(payload.Slice(16, 16), ourSessionHash))
        {
            throw MpcError.HelloRejected("the peer is in a different session (its session id differs from this party's)");
        }
        return (int)peerParty;
    }

    private static void SessionHash(string sessionId, Span<byte> destination)
    {
        byte[] id = System.Text.Encoding.UTF8.GetBytes(sessionId);
        var input = new byte[SessionDomain.Length + id.Length];
        SessionDomain.CopyTo(input, 0);
        id.CopyTo(input, SessionDomain.Length);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);
        hash[..16].CopyTo(destination);
    }

    private static async Task ReadExactlyAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await stream.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw MpcError.PeerDisconnected(
                    $"during the hello exchange ({buffer.Length - total} bytes missing); it may have rejected this party's certificate or session");
            }
            total += read;
        }
    }
}
