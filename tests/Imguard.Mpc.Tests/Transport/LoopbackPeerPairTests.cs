using System.Net;
using Imguard.Mpc.Transport;

namespace Imguard.Mpc.Tests.Transport;

/// <summary>The one in-process TLS peer link the tests and <c>imguard bench train</c> share.</summary>
public sealed class LoopbackPeerPairTests
{
    [Fact]
    public async Task The_two_ends_are_parties_0_and_1_over_TLS_on_127_0_0_1_and_carry_words_both_ways()
    {
        TestPki pki = TestPki.Shared;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var (party0, party1) = await LoopbackPeerPair.ConnectAsync(pki.Options0(), pki.Options1(), cts.Token);
        await using (party0)
        await using (party1)
        {
            Assert.Equal((1, 0), (party0.PeerPartyId, party1.PeerPartyId));
            Assert.True(IPAddress.IsLoopback(Assert.IsType<IPEndPoint>(party1.RemoteEndPoint).Address));  // a dual-mode socket reports ::ffff:127.0.0.1
            var got0 = new ulong[2];
            var got1 = new ulong[2];
            await Task.WhenAll(
                party0.ExchangeAsync(new ulong[] { 1, ulong.MaxValue }, got0, cts.Token).AsTask(),
                party1.ExchangeAsync(new ulong[] { 2, 3 }, got1, cts.Token).AsTask());
            Assert.Equal(new ulong[] { 2, 3 }, got0);
            Assert.Equal(new ulong[] { 1, ulong.MaxValue }, got1);
        }
    }

    [Fact]
    public async Task A_refused_pair_throws_the_refusal()
    {
        TestPki pki = TestPki.Shared;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<PeerProtocolException>(() => LoopbackPeerPair.ConnectAsync(
            pki.Options0(), pki.Options1() with { SessionId = "another-job" }, cts.Token));
    }
}
