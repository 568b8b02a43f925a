using System.Runtime.InteropServices;
using Imguard.Mpc.Transport;

namespace Imguard.Mpc.Tests.Transport;

/// <summary>
/// What every <see cref="IPeerChannel"/> must do, run against each implementation by a derived class.
/// Every wait is bounded by <see cref="Timeout"/>.
/// </summary>
public abstract class PeerChannelContractTests
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>Two connected channels; party 0 accepts frames up to <paramref name="maxFrameBytes0"/>, party 1 up to <paramref name="maxFrameBytes1"/>.</summary>
    protected abstract Task<(IPeerChannel Party0, IPeerChannel Party1)> CreatePairAsync(
        int maxFrameBytes0, int maxFrameBytes1, CancellationToken cancellationToken);

    private Task<(IPeerChannel Party0, IPeerChannel Party1)> CreatePairAsync(CancellationToken cancellationToken) =>
        CreatePairAsync(PeerFrame.DefaultMaxFrameBytes, PeerFrame.DefaultMaxFrameBytes, cancellationToken);

    protected static ulong[] RandomWords(int count, int seed)
    {
        var words = new ulong[count];
        new Random(seed).NextBytes(MemoryMarshal.AsBytes(words.AsSpan()));
        return words;
    }

    [Fact]
    public async Task Exchange_delivers_each_partys_words_to_the_other_at_the_same_time()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (p0, p1) = await CreatePairAsync(cts.Token);
        await using (p0)
        await using (p1)
        {
            ulong[] a = RandomWords(1000, 1), b = RandomWords(777, 2);
            ulong[] atP1 = new ulong[a.Length], atP0 = new ulong[b.Length];

            await Task.WhenAll(
                p0.ExchangeAsync(a, atP0, cts.Token).AsTask(),
                p1.ExchangeAsync(b, atP1, cts.Token).AsTask());

            Assert.Equal(a, atP1);
            Assert.Equal(b, atP0);
        }
    }

    [Fact]
    public async Task Exchange_of_64_MiB_frames_by_both_parties_at_once_does_not_deadlock()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (p0, p1) = await CreatePairAsync(cts.Token);
        await using (p0)
        await using (p1)
        {
            const int words = 64 * 1024 * 1024 / sizeof(ulong);
            ulong[] a = RandomWords(words, 3), b = RandomWords(words, 4);
            ulong[] atP1 = new ulong[words], atP0 = new ulong[words];

            await Task.WhenAll(
                Task.Run(async () => await p0.ExchangeAsync(a, atP0, cts.Token)),
                Task.Run(async () => await p1.ExchangeAsync(b, atP1, cts.Token)));

            Assert.True(a.AsSpan().SequenceEqual(atP1));
            Assert.True(b.AsSpan().SequenceEqual(atP0));
        }
    }

    [Fact]
    public async Task Sequential_rounds_of_varying_sizes_stay_in_step()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (p0, p1) = await CreatePairAsync(cts.Token);
        await using (p0)
        await using (p1)
        {
            int[] sizes = [1, 0, 5, 9000, 3, 20_000, 1];
            for (int round = 0; round < sizes.Length; round++)
            {
                ulong[] a = RandomWords(sizes[round], 100 + round), b = RandomWords(sizes[round], 200 + round);
                ulong[] atP1 = new ulong[a.Length], atP0 = new ulong[b.Length];
                await Task.WhenAll(
                    p0.ExchangeAsync(a, atP0, cts.Token).AsTask(),
                    p1.ExchangeAsync(b, atP1, cts.Token).AsTask());
                Assert.Equal(a, atP1);
                Assert.Equal(b, atP0);
            }
        }
    }

    [Fact]
    public async Task Send_and_receive_carry_one_directional_frames_in_order()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (p0, p1) = await CreatePairAsync(cts.Token);
        await using (p0)
        await using (p1)
        {
            ulong[] first = RandomWords(10, 5), second = RandomWords(3, 6);
            await p0.SendAsync(first, cts.Token);
            await p0.SendAsync(second, cts.Token);
            var got1 = new ulong[10];
            var got2 = new ulong[3];
            await p1.ReceiveAsync(got1, cts.Token);
            await p1.ReceiveAsync(got2, cts.Token);
            Assert.Equal(first, got1);
            Assert.Equal(second, got2);
        }
    }

    [Fact]
    public async Task The_sender_may_reuse_its_buffer_as_soon_as_the_send_returns()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (p0, p1) = await CreatePairAsync(cts.Token);
        await using (p0)
        await using (p1)
        {
            ulong[] buffer = [1, 2, 3];
            await p0.SendAsync(buffer, cts.Token);
            buffer.AsSpan().Fill(99);
            var got = new ulong[3];
            await p1.ReceiveAsync(got, cts.Token);
            Assert.Equal([1UL, 2, 3], got);
        }
    }

    [Fact]
    public async Task Works_on_slices_of_larger_arrays()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (p0, p1) = await CreatePairAsync(cts.Token);
        await using (p0)
        await using (p1)
        {
            ulong[] source = RandomWords(20_000, 7);
            var target = new ulong[20_010];
            await Task.WhenAll(
                p0.SendAsync(source.AsMemory(3, 19_990), cts.Token).AsTask(),
                p1.ReceiveAsync(target.AsMemory(7, 19_990), cts.Token).AsTask());
            Assert.True(source.AsSpan(3, 19_990).SequenceEqual(target.AsSpan(7, 19_990)));
            Assert.Equal(0UL, target[6]);
            Assert.Equal(0UL, target[7 + 19_990]);
        }
    }

    [Fact]
    public async Task Statistics_count_payload_bytes_frames_and_one_round_per_exchange()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (p0, p1) = await CreatePairAsync(cts.Token);
        await using (p0)
        await using (p1)
        {
            TransferSnapshot before0 = p0.Statistics.Snapshot(), before1 = p1.Statistics.Snapshot();

            await Task.WhenAll(
                p0.ExchangeAsync(new ulong[3], new ulong[5], cts.Token).AsTask(),
                p1.ExchangeAsync(new ulong[5], new ulong[3], cts.Token).AsTask());
            await Task.WhenAll(
                p0.ExchangeAsync(new ulong[10_000], new ulong[0], cts.Token).AsTask(),
                p1.ExchangeAsync(new ulong[0], new ulong[10_000], cts.Token).AsTask());
            await p1.SendAsync(new ulong[7], cts.Token);
            await p0.ReceiveAsync(new ulong[7], cts.Token);

            Assert.Equal(new TransferSnapshot(BytesSent: 8 * 10_003, BytesReceived: 8 * 12, Rounds: 2, FramesSent: 2),
                p0.Statistics.Snapshot() - before0);
            Assert.Equal(new TransferSnapshot(BytesSent: 8 * 12, BytesReceived: 8 * 10_003, Rounds: 2, FramesSent: 3),
                p1.Statistics.Snapshot() - before1);
        }
    }

    [Fact]
    public async Task Empty_frames_are_exchanged()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (p0, p1) = await CreatePairAsync(cts.Token);
        await using (p0)
        await using (p1)
        {
            await Task.WhenAll(
                p0.ExchangeAsync(ReadOnlyMemory<ulong>.Empty, Memory<ulong>.Empty, cts.Token).AsTask(),
                p1.ExchangeAsync(Array.Empty<ulong>(), Array.Empty<ulong>(), cts.Token).AsTask());
            // The link is still in step afterwards.
            var got = new ulong[1];
            await Task.WhenAll(p0.SendAsync(new ulong[] { 42 }, cts.Token).AsTask(), p1.ReceiveAsync(got, cts.Token).AsTask());
            Assert.Equal(42UL, got[0]);
        }
    }

    [Fact]
    public async Task A_frame_of_unexpected_length_is_a_protocol_error_and_faults_the_channel()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (p0, p1) = await CreatePairAsync(cts.Token);
        await using (p0)
        await using (p1)
        {
            await p0.SendAsync(new ulong[4], cts.Token);
            var ex = await Assert.ThrowsAsync<PeerProtocolException>(() => p1.ReceiveAsync(new ulong[5], cts.Token).AsTask());
            Assert.Contains("32 bytes where 40 bytes were expected", ex.Message, StringComparison.Ordinal);

            await Assert.ThrowsAsync<InvalidOperationException>(() => p1.ReceiveAsync(new ulong[4], cts.Token).AsTask());
        }
    }

    [Fact]
    public async Task An_incoming_frame_over_the_limit_is_a_protocol_error()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (p0, p1) = await CreatePairAsync(PeerFrame.DefaultMaxFrameBytes, 1024, cts.Token);
        await using (p0)
        await using (p1)
        {
            Assert.Equal(1024, p1.MaxFrameBytes);
            await p0.SendAsync(new ulong[129], cts.Token);
            var ex = await Assert.ThrowsAsync<PeerProtocolException>(() => p1.ReceiveAsync(new ulong[129], cts.Token).AsTask());
            Assert.Contains("limit is 1024 bytes", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Sending_a_frame_over_the_own_limit_is_refused_before_anything_is_sent()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (p0, p1) = await CreatePairAsync(1024, PeerFrame.DefaultMaxFrameBytes, cts.Token);
        await using (p0)
        await using (p1)
        {
            await Assert.ThrowsAsync<ArgumentException>(() => p0.SendAsync(new ulong[129], cts.Token).AsTask());
            await Assert.ThrowsAsync<ArgumentException>(() => p0.ExchangeAsync(new ulong[129], new ulong[1], cts.Token).AsTask());

            // Nothing was sent and the channel is still usable.
            var got = new ulong[128];
            await Task.WhenAll(p0.SendAsync(new ulong[128], cts.Token).AsTask(), p1.ReceiveAsync(got, cts.Token).AsTask());
            Assert.Equal(0, p1.Statistics.Snapshot().Rounds);
        }
    }

    [Fact]
    public async Task Disposing_the_peer_ends_a_pending_receive_with_PeerDisconnectedException()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (p0, p1) = await CreatePairAsync(cts.Token);
        await using (p1)
        {
            Task pending = p1.ReceiveAsync(new ulong[8], cts.Token).AsTask();
            await Task.Delay(50, cts.Token);
            Assert.False(pending.IsCompleted);

            await p0.DisposeAsync();

            var ex = await Assert.ThrowsAsync<PeerDisconnectedException>(() => pending.WaitAsync(cts.Token));
            Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task After_the_peer_is_disposed_frames_it_sent_arrive_and_then_receives_throw()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (p0, p1) = await CreatePairAsync(cts.Token);
        await using (p1)
        {
            await p0.SendAsync(new ulong[] { 7, 8 }, cts.Token);
            await p0.DisposeAsync();

            var got = new ulong[2];
            await p1.ReceiveAsync(got, cts.Token);
            Assert.Equal([7UL, 8], got);
            await Assert.ThrowsAsync<PeerDisconnectedException>(() => p1.ExchangeAsync(new ulong[1], new ulong[1], cts.Token).AsTask().WaitAsync(cts.Token));
        }
    }

    [Fact]
    public async Task A_disposed_channel_throws_ObjectDisposedException()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (p0, p1) = await CreatePairAsync(cts.Token);
        await using (p1)
        {
            await p0.DisposeAsync();
            await p0.DisposeAsync();
            await Assert.ThrowsAsync<ObjectDisposedException>(() => p0.SendAsync(new ulong[1], cts.Token).AsTask());
        }
    }

    [Fact]
    public async Task Cancellation_ends_a_pending_exchange_and_faults_the_channel()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (p0, p1) = await CreatePairAsync(cts.Token);
        await using (p0)
        await using (p1)
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            cancel.CancelAfter(TimeSpan.FromMilliseconds(100));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(
                () => p0.ExchangeAsync(new ulong[4], new ulong[4], cancel.Token).AsTask().WaitAsync(cts.Token));

            await Assert.ThrowsAsync<InvalidOperationException>(() => p0.ReceiveAsync(new ulong[4], cts.Token).AsTask());
            // The link is closed, as a broken connection is: the peer sees the frame already sent, then a disconnect.
            await p1.ReceiveAsync(new ulong[4], cts.Token);
            await Assert.ThrowsAsync<PeerDisconnectedException>(() => p1.ReceiveAsync(new ulong[4], cts.Token).AsTask().WaitAsync(cts.Token));
        }
    }

    [Fact]
    public async Task An_already_cancelled_token_throws_without_touching_the_channel()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (p0, p1) = await CreatePairAsync(cts.Token);
        await using (p0)
        await using (p1)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(
                () => p0.SendAsync(new ulong[1], new CancellationToken(canceled: true)).AsTask());
            var got = new ulong[1];
            await Task.WhenAll(p0.SendAsync(new ulong[] { 5 }, cts.Token).AsTask(), p1.ReceiveAsync(got, cts.Token).AsTask());
            Assert.Equal(5UL, got[0]);
        }
    }

    [Fact]
    public async Task Two_receives_at_once_are_refused()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (p0, p1) = await CreatePairAsync(cts.Token);
        await using (p0)
        await using (p1)
        {
            Task first = p1.ReceiveAsync(new ulong[1], cts.Token).AsTask();
            await Assert.ThrowsAsync<InvalidOperationException>(() => p1.ReceiveAsync(new ulong[1], cts.Token).AsTask());
            await p0.SendAsync(new ulong[1], cts.Token);
            await first.WaitAsync(cts.Token);
        }
    }
}

public sealed class InMemoryPeerChannelContractTests : PeerChannelContractTests
{
    protected override Task<(IPeerChannel Party0, IPeerChannel Party1)> CreatePairAsync(
        int maxFrameBytes0, int maxFrameBytes1, CancellationToken cancellationToken)
    {
        var (p0, p1) = InMemoryPeerChannel.CreatePair(maxFrameBytes0, maxFrameBytes1);
        return Task.FromResult<(IPeerChannel, IPeerChannel)>((p0, p1));
    }
}

public sealed class StreamPeerChannelContractTests : PeerChannelContractTests
{
    protected override async Task<(IPeerChannel Party0, IPeerChannel Party1)> CreatePairAsync(
        int maxFrameBytes0, int maxFrameBytes1, CancellationToken cancellationToken)
    {
        var (a, b) = await LoopbackSockets.CreatePairAsync(cancellationToken);
        return (new StreamPeerChannel(a, maxFrameBytes0), new StreamPeerChannel(b, maxFrameBytes1));
    }
}

public sealed class TlsPeerChannelContractTests : PeerChannelContractTests
{
    protected override async Task<(IPeerChannel Party0, IPeerChannel Party1)> CreatePairAsync(
        int maxFrameBytes0, int maxFrameBytes1, CancellationToken cancellationToken)
    {
        TestPki pki = TestPki.Shared;
        var (p0, p1) = await LoopbackPeerPair.ConnectAsync(
            pki.Options0() with { MaxFrameBytes = maxFrameBytes0 },
            pki.Options1() with { MaxFrameBytes = maxFrameBytes1 },
            cancellationToken);
        return (p0, p1);
    }
}
