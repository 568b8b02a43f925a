using Imguard.Mpc.Transport;

namespace Imguard.Mpc.Tests.Transport;

public sealed class CoalescingStreamTests
{
    /// <summary>Records each write that reaches it (its size) and serves reads from a fixed byte sequence.</summary>
    private sealed class RecordingStream(byte[]? toRead = null) : MemoryStream(toRead ?? [])
    {
        public List<int> Writes { get; } = [];

        public int Flushes { get; private set; }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(buffer.Length);
            return ValueTask.CompletedTask;
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flushes++;
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Before_coalescing_starts_every_write_goes_straight_through()
    {
        var inner = new RecordingStream();
        await using var stream = new CoalescingStream(inner, bufferBytes: 64);
        await stream.WriteAsync(new byte[10]);
        await stream.WriteAsync(new byte[7]);
        Assert.Equal([10, 7], inner.Writes);
    }

    [Fact]
    public async Task Small_writes_wait_for_the_flush_and_a_full_buffer_goes_out_without_one()
    {
        var inner = new RecordingStream();
        await using var stream = new CoalescingStream(inner, bufferBytes: 64) { Coalesce = true };
        await stream.WriteAsync(new byte[20]);
        await stream.WriteAsync(new byte[20]);
        Assert.Empty(inner.Writes);
        await stream.FlushAsync();
        Assert.Equal([40], inner.Writes);
        Assert.Equal(1, inner.Flushes);

        await stream.WriteAsync(new byte[20]);
        await stream.WriteAsync(new byte[150]);   // tops the buffer up (64), then the rest is a buffer or more: as it is
        Assert.Equal([40, 64, 106], inner.Writes);
        await stream.WriteAsync(new byte[10]);
        await stream.FlushAsync();
        Assert.Equal([40, 64, 106, 10], inner.Writes);
        await stream.FlushAsync();                // nothing pending: no empty write
        Assert.Equal(4, inner.Writes.Count);
    }

    [Fact]
    public async Task Reads_are_served_from_one_large_read_in_order_and_end_with_the_stream()
    {
        var data = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        await using var stream = new CoalescingStream(new RecordingStream(data), bufferBytes: 256);
        var received = new List<byte>();
        var buffer = new byte[100];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            received.AddRange(buffer.AsSpan(0, n).ToArray());
        }
        Assert.Equal(data, received);
    }

    [Fact]
    public async Task Both_directions_at_once_over_a_socket_carry_every_byte_in_order()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (a, b) = await LoopbackSockets.CreatePairAsync(timeout.Token);
        await using var left = new CoalescingStream(a) { Coalesce = true };
        await using var right = new CoalescingStream(b) { Coalesce = true };
        var payloadA = new byte[3_000_017];
        var payloadB = new byte[2_500_003];
        new Random(1).NextBytes(payloadA);
        new Random(2).NextBytes(payloadB);

        async Task Send(Stream s, byte[] payload)
        {
            for (int at = 0; at < payload.Length; at += 16_384)    // record-sized writes, as SslStream makes them
            {
                await s.WriteAsync(payload.AsMemory(at, Math.Min(16_384, payload.Length - at)), timeout.Token);
            }
            await s.FlushAsync(timeout.Token);
        }
        async Task<byte[]> Receive(Stream s, int length)
        {
            var result = new byte[length];
            int got = 0;
            while (got < length)
            {
                int n = await s.ReadAsync(result.AsMemory(got, Math.Min(5_000, length - got)), timeout.Token);
                Assert.NotEqual(0, n);
                got += n;
            }
            return result;
        }
        var sends = Task.WhenAll(Task.Run(() => Send(left, payloadA)), Task.Run(() => Send(right, payloadB)));
        var atRight = Task.Run(() => Receive(right, payloadA.Length));
        var atLeft = Task.Run(() => Receive(left, payloadB.Length));
        await sends;
        Assert.Equal(payloadA, await atRight);
        Assert.Equal(payloadB, await atLeft);
    }
}
