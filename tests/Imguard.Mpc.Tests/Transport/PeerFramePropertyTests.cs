using System.Buffers.Binary;
using System.Security.Cryptography;
using CsCheck;
using Imguard.Mpc.Transport;

namespace Imguard.Mpc.Tests.Transport;

/// <summary>
/// Property tests of what a party parses from its peer: frames (<see cref="StreamPeerChannel"/>, a length prefix then
/// words) and the hello that opens a connection (<see cref="PeerHello"/>). Over an in-memory stream that replays
/// given bytes, so every truncation, oversized, zero-length or misaligned prefix and every wrong hello is reached
/// without sockets: the peer's bytes are accepted exactly when they are the expected frame, and otherwise end in a
/// <see cref="PeerProtocolException"/> or <see cref="PeerDisconnectedException"/> that faults the channel.
/// </summary>
public sealed class PeerFramePropertyTests
{
    /// <summary>A full-duplex stream whose reads replay <paramref name="incoming"/> (in pieces) and whose writes are kept.</summary>
    private sealed class ScriptedStream(byte[] incoming, int piece) : Stream
    {
        private int _position;

        public MemoryStream Written { get; } = new();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            // A peer's bytes arrive in arbitrary pieces; a reader must not assume a frame comes in one read.
            int n = Math.Min(Math.Min(buffer.Length, piece), incoming.Length - _position);
            incoming.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private static byte[] Frame(ulong[] words)
    {
        var frame = new byte[PeerFrame.HeaderBytes + 8 * words.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(8 * words.Length));
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(frame.AsSpan(PeerFrame.HeaderBytes + 8 * i), words[i]);
        }
        return frame;
    }

    /// <summary>Receives frames of the given sizes; returns what arrived before the first failure, and the failure.</summary>
    private static (List<ulong[]> Received, IOException? Failure) ReceiveAll(byte[] incoming, int piece, int[] sizes, int maxFrameBytes)
    {
        var channel = new StreamPeerChannel(new ScriptedStream(incoming, piece), maxFrameBytes);
        var received = new List<ulong[]>();
        foreach (int size in sizes)
        {
            var buffer = new ulong[size];
            try
            {
                channel.ReceiveAsync(buffer).AsTask().GetAwaiter().GetResult();
            }
            catch (IOException e) when (e is PeerProtocolException or PeerDisconnectedException)
            {
                // A failed frame faults the channel: nothing more is read from a stream that may be out of step.
                var later = Assert.Throws<InvalidOperationException>(() => channel.ReceiveAsync(new ulong[1]).AsTask().GetAwaiter().GetResult());
                Assert.Same(e, later.InnerException);
                return (received, e);
            }
            received.Add(buffer);
        }
        return (received, null);
    }

    private static readonly Gen<ulong[][]> Frames = Gen.ULong.Array[0, 12].Array[1, 4];

    [Fact]
    public void Frames_round_trip_in_any_pieces()
    {
        Gen.Select(Frames, Gen.Int[1, 40]).Sample((frames, piece) =>
        {
            var sender = new ScriptedStream([], 1);
            var channel = new StreamPeerChannel(sender);
            foreach (var words in frames)
            {
                channel.SendAsync(words).AsTask().GetAwaiter().GetResult();
            }
            byte[] wire = sender.Written.ToArray();
            Assert.Equal(frames.SelectMany(Frame).ToArray(), wire);
            var (received, failure) = ReceiveAll(wire, piece, [.. frames.Select(f => f.Length)], PeerFrame.DefaultMaxFrameBytes);
            Assert.Null(failure);
            Assert.Equal(frames, received);
        }, iter: 300);
    }

    [Fact]
    public void Random_bytes_from_the_peer_are_received_only_as_the_expected_frame_and_otherwise_fault_the_channel()
    {
        // The peer's bytes: anything, or frames of the expected sizes cut short or followed by anything.
        var gen = from sizes in Gen.Int[0, 12].Array[1, 3]
                  from incoming in Gen.Frequency(
                      (1, Gen.Byte.Array[0, 120]),
                      (2, Gen.Select(Gen.ULong.Array[12], Gen.Int[0, 400], Gen.Byte.Array[0, 20]).Select((words, keep, junk) =>
                      {
                          byte[] frames = [.. sizes.SelectMany(size => Frame(words[..size]))];
                          return (byte[])[.. frames[..Math.Min(keep, frames.Length)], .. junk];
                      })))
                  from piece in Gen.Int[1, 16]
                  from maxFrameBytes in Gen.Frequency((3, Gen.Const(96)), (1, Gen.Int[0, 200]))
                  select (incoming, piece, sizes, maxFrameBytes);
        int whole = 0;
        gen.Sample(((byte[] incoming, int piece, int[] sizes, int maxFrameBytes) t) =>
        {
            var (incoming, piece, sizes, maxFrameBytes) = t;
            var (received, failure) = ReceiveAll(incoming, piece, sizes, maxFrameBytes);
            // Model: walk the bytes as frames of the expected sizes.
            int at = 0;
            for (int i = 0; i < received.Count; i++)
            {
                uint length = BinaryPrimitives.ReadUInt32LittleEndian(incoming.AsSpan(at));
                Assert.Equal(8u * (uint)sizes[i], length);
                Assert.True(length <= maxFrameBytes);
                for (int w = 0; w < sizes[i]; w++)
                {
                    Assert.Equal(BinaryPrimitives.ReadUInt64LittleEndian(incoming.AsSpan(at + 4 + 8 * w)), received[i][w]);
                }
                at += 4 + (int)length;
            }
            if (failure is null)
            {
                Interlocked.Increment(ref whole);
                return;
            }
            var rest = incoming.AsSpan(at);
            int expected = sizes[received.Count];
            if (rest.Length < PeerFrame.HeaderBytes)
            {
                Assert.IsType<PeerDisconnectedException>(failure);
                return;
            }
            uint announced = BinaryPrimitives.ReadUInt32LittleEndian(rest);
            if (announced > maxFrameBytes || announced % 8 != 0 || announced != 8u * (uint)expected)
            {
                Assert.IsType<PeerProtocolException>(failure);
            }
            else
            {
                Assert.IsType<PeerDisconnectedException>(failure);
                Assert.True(rest.Length < PeerFrame.HeaderBytes + announced);
            }
        }, iter: 2000);
        Assert.True(whole > 100, $"only {whole} runs received every frame");
    }

    [Fact]
    public void Every_byte_change_or_truncation_of_valid_frames_is_refused_or_changes_only_payload_words()
    {
        Gen.Select(Frames, Gen.Int[0, int.MaxValue], Gen.Byte[1, 255], Gen.Bool, Gen.Int[1, 16]).Sample((frames, position, xor, truncate, piece) =>
        {
            byte[] wire = [.. frames.SelectMany(Frame)];
            int at = position % wire.Length;
            byte[] damaged = truncate ? wire[..at] : (byte[])wire.Clone();
            if (!truncate)
            {
                damaged[at] ^= xor;
            }
            var (received, failure) = ReceiveAll(damaged, piece, [.. frames.Select(f => f.Length)], PeerFrame.DefaultMaxFrameBytes);
            if (truncate)
            {
                Assert.IsType<PeerDisconnectedException>(failure);
                return;
            }
            // A changed length prefix is a protocol error at that frame; a changed payload byte is TLS's to catch.
            int offset = 0, frame = 0;
            while (at >= offset + PeerFrame.HeaderBytes + 8 * frames[frame].Length)
            {
                offset += PeerFrame.HeaderBytes + 8 * frames[frame].Length;
                frame++;
            }
            bool inPrefix = at < offset + PeerFrame.HeaderBytes;
            Assert.Equal(inPrefix, failure is PeerProtocolException);
            Assert.Equal(inPrefix ? frame : frames.Length, received.Count);
        }, iter: 3000);
    }

    [Fact]
    public void An_announced_length_costs_nothing_before_it_is_checked()
    {
        Gen.Select(Gen.UInt, Gen.Int[0, 64]).Sample((announced, expectedWords) =>
        {
            byte[] header = new byte[PeerFrame.HeaderBytes];
            BinaryPrimitives.WriteUInt32LittleEndian(header, announced);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var (_, failure) = ReceiveAll(header, 4, [expectedWords], 1 << 20);
            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 32 * 1024 + 8 * expectedWords);
            if (announced == 0 && expectedWords == 0)
            {
                Assert.Null(failure);
            }
            else
            {
                Assert.NotNull(failure);
            }
        }, iter: 2000, threads: 1);
    }

    private static byte[] SessionHash(string session)
    {
        byte[] input = [.. "imguard/peer-session/v1\0"u8, .. System.Text.Encoding.UTF8.GetBytes(session)];
        return SHA256.HashData(input)[..16];
    }

    /// <summary>A hello frame with any length prefix, magic, version, party id and session hash.</summary>
    private static byte[] Hello(uint length, ulong magic, uint version, uint party, byte[] sessionHash)
    {
        var hello = new byte[PeerFrame.HeaderBytes + PeerHello.PayloadBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(hello, length);
        BinaryPrimitives.WriteUInt64LittleEndian(hello.AsSpan(4), magic);
        BinaryPrimitives.WriteUInt64LittleEndian(hello.AsSpan(12), ((ulong)version << 32) | party);
        sessionHash.CopyTo(hello, 20);
        return hello;
    }

    private static readonly ulong HelloMagic = BinaryPrimitives.ReadUInt64LittleEndian("IMGPEER\0"u8);

    [Fact]
    public void A_hello_is_accepted_only_from_the_other_party_in_the_same_session_and_version()
    {
        var hostile = from localParty in Gen.Int[0, 1]
                      from session in Gen.String[0, 40]
                      from otherSession in Gen.Frequency((4, Gen.Const((string?)null)), (1, Gen.String[0, 40].Select(s => (string?)s)))
                      from length in Gen.Frequency((6, Gen.Const((uint)PeerHello.PayloadBytes)), (1, Gen.UInt))
                      from magic in Gen.Frequency((6, Gen.Const(HelloMagic)), (1, Gen.ULong))
                      from version in Gen.Frequency((6, Gen.Const(PeerHello.Version)), (1, Gen.UInt))
                      from party in Gen.Frequency((3, Gen.Const(-1L)), (2, Gen.UInt[0, 3].Select(p => (long)p)), (1, Gen.UInt.Select(p => (long)p)))
                      from cut in Gen.Frequency((6, Gen.Const(int.MaxValue)), (1, Gen.Int[0, 36]))
                      from piece in Gen.Int[1, 40]
                      select (localParty, session, otherSession, length, magic, version, party, cut, piece);
        hostile.Sample(h =>
        {
            uint peerParty = h.party < 0 ? (uint)(1 - h.localParty) : (uint)h.party;
            byte[] hello = Hello(h.length, h.magic, h.version, peerParty, SessionHash(h.otherSession ?? h.session));
            byte[] incoming = hello[..Math.Min(h.cut, hello.Length)];
            var stream = new ScriptedStream(incoming, h.piece);
            bool valid = h.cut >= hello.Length && h.length == PeerHello.PayloadBytes && h.magic == HelloMagic && h.version == PeerHello.Version
                && peerParty == (uint)(1 - h.localParty) && (h.otherSession is null || SessionHash(h.otherSession).AsSpan().SequenceEqual(SessionHash(h.session)));
            try
            {
                int peer = PeerHello.ExchangeAsync(stream, h.localParty, h.session, CancellationToken.None).GetAwaiter().GetResult();
                Assert.True(valid, "a wrong hello was accepted");
                Assert.Equal(1 - h.localParty, peer);
            }
            catch (IOException e) when (e is PeerProtocolException or PeerDisconnectedException)
            {
                Assert.False(valid, $"a valid hello was refused: {e.Message}");
                // Bytes missing before the hello is whole: a disconnect; a whole but wrong hello: a protocol error.
                bool whole = h.cut >= hello.Length || (h.length != PeerHello.PayloadBytes && h.cut >= PeerFrame.HeaderBytes);
                Assert.Equal(whole, e is PeerProtocolException);
            }
            // This party's own hello went out first, whatever came back.
            Assert.Equal(PeerHello.Encode(h.localParty, h.session), stream.Written.ToArray());
        }, iter: 1000);
    }
}
