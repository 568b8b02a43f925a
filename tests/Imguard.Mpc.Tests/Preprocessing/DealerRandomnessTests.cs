using Imguard.Mpc.Encoding;
using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Randomness;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;
using Imguard.Mpc.Transport;

namespace Imguard.Mpc.Tests.Preprocessing;

public sealed class DealerRandomnessTests
{
    [Fact]
    public async Task Triples_from_both_parties_are_correlated()
    {
        var (p0, p1) = InProcessDealer.CreatePair();
        var t0 = await p0.TakeMatrixTripleAsync(3, 4, 5);
        var t1 = await p1.TakeMatrixTripleAsync(3, 4, 5);
        var a = Sum(t0.A, t1.A);
        var b = Sum(t0.B, t1.B);
        var c = new ulong[15];
        RingOps.MatMul(a, b, c, 3, 4, 5);
        Assert.Equal(c, Sum(t0.C, t1.C));

        var e0 = await p0.TakeElementwiseTripleAsync(50);
        var e1 = await p1.TakeElementwiseTripleAsync(50);
        var ea = Sum(e0.A, e1.A);
        var eb = Sum(e0.B, e1.B);
        var ec = Sum(e0.C, e1.C);
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(unchecked(ea[i] * eb[i]), ec[i]);
        }
    }

    [Fact]
    public async Task Truncation_material_holds_the_high_part_and_the_wrap_correction()
    {
        var (p0, p1) = InProcessDealer.CreatePair();
        var m0 = await p0.TakeTruncationAsync(1000, 16);
        var m1 = await p1.TakeTruncationAsync(1000, 16);
        var r = Sum(m0.Mask, m1.Mask);
        var high = Sum(m0.MaskHigh.ToArray(), m1.MaskHigh.ToArray());
        var wrap = Sum(m0.WrapCorrection.ToArray(), m1.WrapCorrection.ToArray());
        for (int i = 0; i < r.Length; i++)
        {
            Assert.Equal(r[i] >> 16, high[i]);
            Assert.Equal((r[i] >> 63) << 48, wrap[i]);
        }
    }

    [Fact]
    public void Party_0_receives_nothing_for_triples_and_party_1_only_the_correction()
    {
        var dealer = Dealer.CreateRandom();
        var (m0, m1) = dealer.Generate(0, RandomnessRequest.MatrixTriple(128, 784, 128));
        Assert.Empty(m0);
        Assert.Equal(128 * 128, m1.Length);
    }

    [Fact]
    public async Task Material_cannot_be_consumed_twice_or_by_the_other_party()
    {
        var (p0, _) = InProcessDealer.CreatePair();
        var t = await p0.TakeElementwiseTripleAsync(4);
        Assert.Throws<InvalidOperationException>(() => t.Consume(1));
        t.Consume(0);
        var e = Assert.Throws<InvalidOperationException>(() => t.Consume(0));
        Assert.Contains("already been consumed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exhausted_preprocessing_is_an_error_when_on_demand_is_off()
    {
        var (p0, _) = InProcessDealer.CreatePair();
        p0.OnDemand = false;
        await p0.PreprocessAsync(new RandomnessPlan().Add(RandomnessRequest.ElementwiseTriple(8)));
        Assert.Equal(1, p0.PreparedCount);
        await p0.TakeElementwiseTripleAsync(8);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await p0.TakeElementwiseTripleAsync(8));
        Assert.Contains("No correlated randomness left", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Taking_something_else_than_the_plan_prepared_is_an_error()
    {
        var (p0, _) = InProcessDealer.CreatePair();
        await p0.PreprocessAsync(new RandomnessPlan().Add(RandomnessRequest.MatrixTriple(2, 3, 4)));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await p0.TakeElementwiseTripleAsync(24));
        Assert.Contains("out of step", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parties_asking_for_different_items_at_the_same_index_are_stopped()
    {
        var (p0, p1) = InProcessDealer.CreatePair();
        await p0.TakeElementwiseTripleAsync(8);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await p1.TakeTruncationAsync(8, 16));
    }

    [Fact]
    public async Task A_dealer_stream_written_offline_drives_the_online_phase()
    {
        var dealer = Dealer.CreateRandom();
        var plan = new RandomnessPlan()
            .Add(RandomnessRequest.MatrixTriple(4, 6, 3))
            .Add(RandomnessRequest.Truncation(12, 16))
            .Add(RandomnessRequest.BitSign(12, 64, withProduct: true));
        var streams = new MemoryStream[2];
        for (int p = 0; p < 2; p++)
        {
            streams[p] = new MemoryStream();
            DealerStream.WritePlan(streams[p], dealer, p, plan);
            streams[p].Position = 0;
        }
        var (c0, c1) = InMemoryPeerChannel.CreatePair();
        var rng = new Random(2);
        var x = Tests.Protocols.TwoParties.Values(rng, 24, 5);
        var w = Tests.Protocols.TwoParties.Values(rng, 18, 5);
        var sx = Tests.Protocols.TwoParties.Share(x, 4, 6);
        var sw = Tests.Protocols.TwoParties.Share(w, 6, 3);
        async Task<SharedTensor> Party(int id, IPeerChannel channel)
        {
            var source = new DealerRandomness(id, dealer.SeedFor(id), new DealerStreamReader(streams[id])) { OnDemand = false };
            await source.PreprocessAsync(plan);
            var ctx = new PartyContext(id, channel, source, FixedPointFormat.Default);
            var y = await Beaver.MatMulAsync(ctx, Tests.Protocols.TwoParties.Pick(id, sx), Tests.Protocols.TwoParties.Pick(id, sw));
            return await Comparison.ReluAsync(ctx, y);
        }
        var results = await Task.WhenAll(Task.Run(() => Party(0, c0)), Task.Run(() => Party(1, c1)));
        var secure = Tests.Protocols.TwoParties.Open((results[0], results[1]));
        var f = FixedPointFormat.Default;
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                double s = 0;
                for (int k = 0; k < 6; k++) s += f.Decode(f.Encode(x[i * 6 + k])) * f.Decode(f.Encode(w[k * 3 + j]));
                Assert.InRange(Math.Abs(secure[i * 3 + j] - Math.Max(s, 0)), 0, f.Ulp);
            }
        }
    }

    [Fact]
    public async Task A_truncated_dealer_stream_is_a_clear_error()
    {
        var dealer = Dealer.CreateRandom();
        var stream = new MemoryStream();
        DealerStream.WritePlan(stream, dealer, 1, new RandomnessPlan().Add(RandomnessRequest.ElementwiseTriple(100)));
        var cut = new MemoryStream(stream.ToArray()[..200]);
        var source = new DealerRandomness(1, dealer.SeedFor(1), new DealerStreamReader(cut));
        var e = await Assert.ThrowsAsync<InvalidDataException>(async () => await source.TakeElementwiseTripleAsync(100));
        Assert.Contains("ended inside", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Seed_compressed_share_reconstructs()
    {
        var secret = new RingTensor([1, 2, 3, ulong.MaxValue], 2, 2);
        var (seed, share1) = SecretSharer.SplitWithSeed(secret);
        var share0 = SecretSharer.ExpandSeedShare(seed, [2, 2]);
        Assert.Equal(secret.Data, SecretSharer.Reconstruct(share0, share1).Data);
        Assert.NotEqual(secret.Data, share1.Data);
        Assert.Equal("Seed(…)", seed.ToString());
    }

    private static ulong[] Sum(ulong[] a, ulong[] b)
    {
        var s = new ulong[a.Length];
        RingOps.Add(a, b, s);
        return s;
    }
}
