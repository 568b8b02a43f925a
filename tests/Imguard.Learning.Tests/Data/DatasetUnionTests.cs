using CsCheck;
using Imguard.Learning.Data;
using Imguard.Learning.Hiding;
using Imguard.Learning.Tests.Hiding;

namespace Imguard.Learning.Tests.Data;

/// <summary>
/// Several owners' datasets as one index space (issue 17, items 1 and 2): every global index maps to exactly one
/// (owner, row), and InstaHide over the union mixes owners — a partner slot of owner i's image holds another owner's
/// image with probability 1 − Nᵢ/ΣN, since each partner column is a uniform permutation of the whole union.
/// </summary>
public sealed class DatasetUnionTests
{
    [Fact]
    public void Every_global_index_is_one_row_of_one_part_in_order()
    {
        Gen.Int[1, 50].Array[1, 6].Sample(counts =>
        {
            var union = new DatasetUnion([.. counts.Select((n, p) => new UnionPart($"ds-{p}", $"owner{p}", n))]);
            Assert.Equal(counts.Sum(), union.Count);
            int index = 0;
            for (int p = 0; p < counts.Length; p++)
            {
                Assert.Equal(index, union.Offset(p));
                for (int row = 0; row < counts[p]; row++, index++)
                {
                    Assert.Equal((p, row), union.Locate(index));
                }
            }
            Assert.Throws<ArgumentOutOfRangeException>(() => union.Locate(union.Count));
            Assert.Throws<ArgumentOutOfRangeException>(() => union.Locate(-1));
        }, iter: 200);
    }

    [Fact]
    public void A_union_refuses_empty_parts_a_dataset_twice_and_no_parts()
    {
        Assert.Throws<ArgumentException>(() => new DatasetUnion([]));
        Assert.Throws<ArgumentException>(() => new DatasetUnion([new UnionPart("ds-a", "alice", 0)]));
        Assert.Throws<ArgumentException>(() => new DatasetUnion([new UnionPart("ds-a", "alice", 3), new UnionPart("ds-a", "bob", 2)]));
    }

    [Fact]
    public void InstaHide_over_the_union_draws_partners_from_other_owners_at_the_expected_rate()
    {
        // Three owners of unequal size, as in a collaboration where one hospital has most of the images.
        var union = new DatasetUnion([new UnionPart("ds-a", "alice", 3000), new UnionPart("ds-b", "bob", 2000), new UnionPart("ds-c", "carol", 1000)]);
        using EpochHidingPlan plan = HidingTestSupport.Draw(InstaHideOptions.Default, union.Count, scalars: 4, seed: 17);
        long[,] mixing = union.MixingCounts(plan);

        int slots = InstaHideOptions.Default.SlotCount - 1;
        for (int a = 0; a < 3; a++)
        {
            long total = 0, other = 0;
            for (int b = 0; b < 3; b++)
            {
                total += mixing[a, b];
                other += a == b ? 0 : mixing[a, b];
                // Each partner slot lands in part b with probability N_b / N, whatever the image's own part.
                double expected = (double)union.Parts[b].Count / union.Count;
                double observed = (double)mixing[a, b] / (union.Parts[a].Count * slots);
                double sigma = Math.Sqrt(expected * (1 - expected) / (union.Parts[a].Count * slots));
                Assert.InRange(observed, expected - 5 * sigma, expected + 5 * sigma);
            }
            Assert.Equal((long)union.Parts[a].Count * slots, total);
            // Most of a small owner's mixes come from the others: 1 − N_c/N = 5/6 for carol.
            double otherRate = (double)other / total, expectedOther = 1 - (double)union.Parts[a].Count / union.Count;
            Assert.InRange(otherRate, expectedOther - 0.03, expectedOther + 0.03);
        }
    }

    [Fact]
    public void Without_hiding_nothing_is_mixed()
    {
        var union = new DatasetUnion([new UnionPart("ds-a", "alice", 40), new UnionPart("ds-b", "bob", 20)]);
        using EpochHidingPlan plan = HidingTestSupport.Draw(InstaHideOptions.Off, union.Count, scalars: 4, seed: 3);
        long[,] mixing = union.MixingCounts(plan);
        Assert.Equal(0, mixing.Cast<long>().Sum());
        Assert.Throws<ArgumentException>(() => new DatasetUnion([new UnionPart("ds-a", "alice", 41)]).MixingCounts(plan));
    }
}
