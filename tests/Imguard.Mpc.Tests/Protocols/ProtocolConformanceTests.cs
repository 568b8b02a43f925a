using Imguard.Mpc.Encoding;
using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Sharing;
using Imguard.Mpc.Tests.Transport;
using Imguard.Mpc.Transport;

namespace Imguard.Mpc.Tests.Protocols;

/// <summary>
/// One secure pipeline, run over every transport (in-memory, TLS 1.3 on 127.0.0.1) and every randomness source
/// (in-process dealer on demand, dealer stream prepared offline): all must give the plaintext answer.
/// </summary>
public sealed class ProtocolConformanceTests
{
    public enum Link { InMemory, Tls }

    public enum Source { InProcessDealer, DealerStreamOffline }

    private const int M = 6, K = 9, N = 4;

    [Theory]
    [InlineData(Link.InMemory, Source.InProcessDealer)]
    [InlineData(Link.InMemory, Source.DealerStreamOffline)]
    [InlineData(Link.Tls, Source.InProcessDealer)]
    [InlineData(Link.Tls, Source.DealerStreamOffline)]
    public async Task Matmul_relu_product_and_max_match_plaintext(Link link, Source source)
    {
        var rng = new Random(12);
        var x = TwoParties.Values(rng, M * K, 20);
        var w = TwoParties.Values(rng, K * N, 1.5);
        var sx = TwoParties.Share(x, M, K);
        var sw = TwoParties.Share(w, K, N);

        var (c0, c1) = await ConnectAsync(link);
        var (r0, r1) = await CreateSourcesAsync(source);
        async Task<SharedTensor> Party(PartyContext ctx)
        {
            var h = await Beaver.MatMulAsync(ctx, TwoParties.Pick(ctx.PartyId, sx), TwoParties.Pick(ctx.PartyId, sw)); // 2 rounds
            var a = await Comparison.ReluAsync(ctx, h);                                                                   // 1 comparison
            var sq = await Beaver.MultiplyAsync(ctx, a, h);                                                               // 2 rounds
            return await Selection.MaxAsync(ctx, sq, h);                                                                  // 1 comparison
        }
        var ctx0 = new PartyContext(0, c0, r0, FixedPointFormat.Default);
        var ctx1 = new PartyContext(1, c1, r1, FixedPointFormat.Default);
        var results = await Task.WhenAll(Task.Run(() => Party(ctx0)), Task.Run(() => Party(ctx1))).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(4 + 2 * Comparison.Rounds(ctx0), ctx0.Statistics.Snapshot().Rounds);
        await c0.DisposeAsync();
        await c1.DisposeAsync();

        var secure = TwoParties.Open((results[0], results[1]));
        var f = TwoParties.Format;
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++)
            {
                double h = 0;
                for (int p = 0; p < K; p++) h += f.Decode(f.Encode(x[i * K + p])) * f.Decode(f.Encode(w[p * N + j]));
                double expected = Math.Max(Math.Max(h, 0) * h, h);
                // Truncations: h within 1 ulp; relu(h)·h then within (2|h| + 1)·ulp; max adds nothing.
                Assert.InRange(Math.Abs(secure[i * N + j] - expected), 0, (2 * Math.Abs(h) + 2) * f.Ulp);
            }
        }
    }

    [Fact]
    public async Task A_peer_that_disconnects_mid_protocol_fails_the_other_party_cleanly()
    {
        var (c0, c1) = await ConnectAsync(Link.Tls);
        var (r0, _) = InProcessDealer.CreatePair();
        var ctx0 = new PartyContext(0, c0, r0, FixedPointFormat.Default);
        var shares = TwoParties.Share(new double[1000]);
        await c1.DisposeAsync(); // party 1 goes away before answering
        await Assert.ThrowsAsync<PeerDisconnectedException>(() =>
            Comparison.ReluAsync(ctx0, shares.Party0).AsTask().WaitAsync(TimeSpan.FromSeconds(20)));
        await c0.DisposeAsync();
    }

    private static async Task<(IPeerChannel, IPeerChannel)> ConnectAsync(Link link)
    {
        if (link == Link.InMemory)
        {
            return InMemoryPeerChannel.CreatePair();
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var pki = TestPki.Shared;
        return await LoopbackPeerPair.ConnectAsync(pki.Options0(), pki.Options1(), cts.Token);
    }

    private static async Task<(ICorrelatedRandomness, ICorrelatedRandomness)> CreateSourcesAsync(Source source)
    {
        if (source == Source.InProcessDealer)
        {
            return InProcessDealer.CreatePair();
        }
        // The offline phase: the dealer writes each party's stream for the whole pipeline before it starts.
        var dealer = Dealer.CreateRandom();
        var f = FixedPointFormat.Default.FractionalBits;
        var plan = new RandomnessPlan()
            .Add(RandomnessRequest.MatrixTriple(M, K, N))
            .Add(RandomnessRequest.Truncation(M * N, f))
            .Add(RandomnessRequest.BitSign(M * N, 64, withProduct: true))
            .Add(RandomnessRequest.ElementwiseTriple(M * N))
            .Add(RandomnessRequest.Truncation(M * N, f))
            .Add(RandomnessRequest.BitSign(M * N, 64, withProduct: true));
        var sources = new DealerRandomness[2];
        for (int p = 0; p < 2; p++)
        {
            var stream = new MemoryStream();
            DealerStream.WritePlan(stream, dealer, p, plan);
            stream.Position = 0;
            sources[p] = new DealerRandomness(p, dealer.SeedFor(p), new DealerStreamReader(stream)) { OnDemand = false };
            await sources[p].PreprocessAsync(plan);
        }
        return (sources[0], sources[1]);
    }
}
