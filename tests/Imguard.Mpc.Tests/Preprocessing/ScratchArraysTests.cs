using Imguard.Mpc.Preprocessing;

namespace Imguard.Mpc.Tests.Preprocessing;

public sealed class ScratchArraysTests
{
    [Fact]
    public void A_returned_array_is_wiped_and_handed_to_the_next_renter_of_its_length_only()
    {
        var pool = new ScratchArrays();
        var first = pool.Rent(100);
        Array.Fill(first, 0xDEADBEEFUL);
        pool.Return(first);
        Assert.Equal(100, pool.FreeWords);

        var other = pool.Rent(99);
        Assert.NotSame(first, other);                 // exact lengths only
        var again = pool.Rent(100);
        Assert.Same(first, again);
        Assert.All(again, w => Assert.Equal(0UL, w)); // wiped: it held shares
        Assert.Equal(0, pool.FreeWords);
        Assert.Empty(pool.Rent(0));
    }

    [Fact]
    public void The_pool_keeps_at_most_its_bound()
    {
        var pool = new ScratchArrays();
        int length = (int)(ScratchArrays.MaxFreeWords / 2) + 1;
        pool.Return(new ulong[length]);
        pool.Return(new ulong[length]);               // would pass the bound: dropped
        Assert.Equal(length, pool.FreeWords);
    }

    [Fact]
    public async Task Items_generated_with_reused_arrays_are_still_correlated()
    {
        // The same request twice in a row: the second item's expansions reuse the first's arrays.
        var dealer = Dealer.CreateRandom();
        var party0 = new DealerRandomness(0, dealer.SeedFor(0), new GeneratingFeed(dealer, 0));
        var party1 = new DealerRandomness(1, dealer.SeedFor(1), new GeneratingFeed(dealer, 1));
        for (int item = 0; item < 3; item++)
        {
            var t0 = await party0.TakeMatrixTripleAsync(3, 5, 4);
            var t1 = await party1.TakeMatrixTripleAsync(3, 5, 4);
            var a = t0.A.Zip(t1.A, (x, y) => unchecked(x + y)).ToArray();
            var b = t0.B.Zip(t1.B, (x, y) => unchecked(x + y)).ToArray();
            var c = t0.C.Zip(t1.C, (x, y) => unchecked(x + y)).ToArray();
            var expected = new ulong[12];
            Imguard.Mpc.Ring.RingOps.MatMul(a, b, expected, 3, 5, 4);
            Assert.Equal(expected, c);
        }
    }

    /// <summary>Each party's messages generated on demand (each item twice: once per party, as a networked dealer might).</summary>
    private sealed class GeneratingFeed(Dealer dealer, int party) : IDealerFeed
    {
        public ValueTask<ulong[]> ReceiveAsync(long index, RandomnessRequest request, CancellationToken cancellationToken = default)
        {
            var (m0, m1) = dealer.Generate(index, request);
            return ValueTask.FromResult(party == 0 ? m0 : m1);
        }
    }
}
