using Imguard.Mpc.Encoding;
using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;
using Imguard.Mpc.Transport;

namespace Imguard.Mpc.Tests.Protocols;

public sealed class MisuseTests
{
    [Fact]
    public void A_context_needs_a_party_id_of_0_or_1_and_a_matching_randomness_source()
    {
        var (c0, _) = InMemoryPeerChannel.CreatePair();
        var (r0, r1) = InProcessDealer.CreatePair();
        Assert.Throws<ArgumentException>(() => new PartyContext(2, c0, r0, FixedPointFormat.Default));
        var e = Assert.Throws<InvalidOperationException>(() => new PartyContext(0, c0, r1, FixedPointFormat.Default));
        Assert.Contains("party 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_share_of_the_other_party_is_refused()
    {
        var (c0, _) = InMemoryPeerChannel.CreatePair();
        var (r0, _) = InProcessDealer.CreatePair();
        var ctx = new PartyContext(0, c0, r0, FixedPointFormat.Default);
        var foreign = new SharedTensor(1, new RingTensor(4), FixedPointFormat.Default);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Comparison.ReluAsync(ctx, foreign).AsTask());
    }

    [Fact]
    public async Task Mismatched_fixed_point_formats_are_refused()
    {
        var (c0, _) = InMemoryPeerChannel.CreatePair();
        var (r0, _) = InProcessDealer.CreatePair();
        var ctx = new PartyContext(0, c0, r0, FixedPointFormat.Default);
        var other = new SharedTensor(0, new RingTensor(4), new FixedPointFormat(12));
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Truncation.TruncateAsync(ctx, other).AsTask());
        Assert.Contains("12 fractional bits", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Linear.Add(ctx, other, other));
    }

    [Fact]
    public void Fixed_point_encoding_rejects_values_it_cannot_represent()
    {
        var f = FixedPointFormat.Default;
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Encode(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Encode(f.MaxMagnitude * 2));
        Assert.Equal(-1.5, f.Decode(f.Encode(-1.5)));
        Assert.Equal(-f.MaxMagnitude, f.Decode(f.Encode(-f.MaxMagnitude)));
        Assert.Equal(f.MaxMagnitude / 3 * 2 - 0.25, f.Decode(f.Encode(f.MaxMagnitude / 3 * 2 - 0.25)));
    }
}
