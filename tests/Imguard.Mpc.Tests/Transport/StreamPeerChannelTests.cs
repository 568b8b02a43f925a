using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Imguard.Mpc.Transport;

namespace Imguard.Mpc.Tests.Transport;

/// <summary>The frame format on a raw stream: one side is a <see cref="StreamPeerChannel"/>, the other writes bytes by hand.</summary>
public sealed class StreamPeerChannelTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static byte[] Header(uint length)
    {
        var header = new byte[PeerFrame.HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, length);
        return header;
    }

    [Fact]
    public async Task Frames_are_a_little_endian_length_then_the_words_little_endian()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (raw, stream) = await LoopbackSockets.CreatePairAsync(cts.Token);
        await using var channel = new StreamPeerChannel(stream);
        await using var _ = raw;

        await channel.SendAsync(new ulong[] { 0x0102030405060708, 0xFF }, cts.Token);
        var bytes = new byte[4 + 16];
        await raw.ReadExactlyAsync(bytes, cts.Token);
        Assert.Equal(new byte[] { 16, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1, 0xFF, 0, 0, 0, 0, 0, 0, 0 }, bytes);
    }

    [Fact]
    public async Task A_stream_that_ends_mid_payload_is_a_disconnect_naming_the_missing_bytes()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (raw, stream) = await LoopbackSockets.CreatePairAsync(cts.Token);
        await using var channel = new StreamPeerChannel(stream);

        await raw.WriteAsync(Header(800), cts.Token);
        await raw.WriteAsync(new byte[100], cts.Token);
        raw.Socket.Shutdown(SocketShutdown.Send);

        var ex = await Assert.ThrowsAsync<PeerDisconnectedException>(() => channel.ReceiveAsync(new ulong[100], cts.Token).AsTask().WaitAsync(cts.Token));
        Assert.Contains("700 bytes missing", ex.Message, StringComparison.Ordinal);
        await raw.DisposeAsync();
    }

    [Fact]
    public async Task A_stream_that_ends_mid_header_is_a_disconnect_naming_the_missing_bytes()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (raw, stream) = await LoopbackSockets.CreatePairAsync(cts.Token);
        await using var channel = new StreamPeerChannel(stream);

        await raw.WriteAsync(new byte[] { 8 }, cts.Token);
        raw.Socket.Shutdown(SocketShutdown.Send);

        var ex = await Assert.ThrowsAsync<PeerDisconnectedException>(() => channel.ReceiveAsync(new ulong[1], cts.Token).AsTask().WaitAsync(cts.Token));
        Assert.Contains("3 of 4 header bytes missing", ex.Message, StringComparison.Ordinal);
        await raw.DisposeAsync();
    }

    [Fact]
    public async Task A_stream_that_ends_between_frames_is_a_disconnect()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (raw, stream) = await LoopbackSockets.CreatePairAsync(cts.Token);
        await using var channel = new StreamPeerChannel(stream);

        await raw.DisposeAsync();

        var ex = await Assert.ThrowsAsync<PeerDisconnectedException>(() => channel.ReceiveAsync(new ulong[2], cts.Token).AsTask().WaitAsync(cts.Token));
        Assert.Contains("16 payload bytes missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_length_that_is_not_a_multiple_of_8_is_a_protocol_error()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (raw, stream) = await LoopbackSockets.CreatePairAsync(cts.Token);
        await using var channel = new StreamPeerChannel(stream);
        await using var _ = raw;

        await raw.WriteAsync(Header(12), cts.Token);
        await raw.WriteAsync(new byte[12], cts.Token);

        var ex = await Assert.ThrowsAsync<PeerProtocolException>(() => channel.ReceiveAsync(new ulong[2], cts.Token).AsTask().WaitAsync(cts.Token));
        Assert.Contains("not a whole number", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_length_is_refused_from_the_header_alone_before_any_payload_arrives()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (raw, stream) = await LoopbackSockets.CreatePairAsync(cts.Token);
        await using var channel = new StreamPeerChannel(stream, maxFrameBytes: 1024 * 1024);
        await using var _ = raw;

        // Announces 2 GiB - 8 and sends no payload, leaving the connection open: a receiver that tried to buffer or read
        // the payload would hang here (and time out) instead of failing at once. The limit is checked before the
        // expected length, so the error names the limit.
        await raw.WriteAsync(Header(int.MaxValue - 7), cts.Token);

        var ex = await Assert.ThrowsAsync<PeerProtocolException>(
            () => channel.ReceiveAsync(new ulong[1], cts.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(2), cts.Token));
        Assert.Contains("limit is 1048576 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Frames_from_memory_that_is_not_an_array_go_through_a_bounce_buffer()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (a, b) = await LoopbackSockets.CreatePairAsync(cts.Token);
        await using var p0 = new StreamPeerChannel(a);
        await using var p1 = new StreamPeerChannel(b);

        const int words = 300_000; // more than one 1 MiB chunk
        using var source = new NativeWords(words);
        using var target = new NativeWords(words);
        new Random(9).NextBytes(MemoryMarshal.AsBytes(source.GetSpan()));

        await Task.WhenAll(
            p0.SendAsync(source.Memory, cts.Token).AsTask(),
            p1.ReceiveAsync(target.Memory, cts.Token).AsTask());

        Assert.True(source.GetSpan().SequenceEqual(target.GetSpan()));
    }

    [Fact]
    public void The_byte_view_of_words_pins_the_right_address()
    {
        ulong[] words = [1, 2, 0x1122334455667788, 4];
        Assert.True(WordBytesMemoryManager.TryCreate(words.AsMemory(1, 2), out Memory<byte> bytes));
        Assert.Equal(16, bytes.Length);
        using MemoryHandle handle = bytes.Slice(8).Pin();
        unsafe
        {
            Assert.Equal(0x88, *(byte*)handle.Pointer);
        }
    }

    /// <summary>Words in unmanaged memory, so that <see cref="MemoryMarshal.TryGetArray{T}"/> fails.</summary>
    private sealed unsafe class NativeWords(int length) : MemoryManager<ulong>
    {
        private readonly ulong* _pointer = (ulong*)NativeMemory.AllocZeroed((nuint)length, sizeof(ulong));

        public override Span<ulong> GetSpan() => new(_pointer, length);

        public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

        public override void Unpin() { }

        protected override void Dispose(bool disposing) => NativeMemory.Free(_pointer);
    }
}
