using Imguard.Mpc.Protocols;
using Imguard.Mpc.Transport;

namespace Imguard.Mpc.Tests.Protocols;

public sealed class RevealTests
{
    [Fact]
    public async Task Both_parties_learn_the_secret_in_one_round_of_n_words()
    {
        double[] values = [-3.25, 0, 1e-4, 12345.5];
        var shares = TwoParties.Share(values, 2, 2);
        var (r0, r1) = await TwoParties.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            var opened = await Reveal.ToBothAsync(ctx, TwoParties.Pick(ctx.PartyId, shares));
            return (opened, ctx.Statistics.Snapshot() - before);
        });
        var expected = TwoParties.OpenRing(shares);
        Assert.Equal(expected, r0.opened.Data);
        Assert.Equal(expected, r1.opened.Data);
        Assert.Equal([2, 2], r0.opened.Shape.ToArray());
        Assert.Equal(TwoParties.Format.Encode(values), r0.opened.Data);
        Assert.Equal(1, r0.Item2.Rounds);
        Assert.Equal(8L * values.Length, r0.Item2.BytesSent);
    }

    [Fact]
    public async Task The_other_party_share_is_refused_before_anything_is_sent()
    {
        var shares = TwoParties.Share([1.0]);
        await TwoParties.RunAsync(async ctx =>
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => Reveal.ToBothAsync(ctx, TwoParties.Pick(1 - ctx.PartyId, shares)).AsTask());
            Assert.Equal(default(TransferSnapshot), ctx.Statistics.Snapshot());
            return 0;
        });
    }
}
