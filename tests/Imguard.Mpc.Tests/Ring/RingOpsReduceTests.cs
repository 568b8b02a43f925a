using Imguard.Mpc.Ring;

namespace Imguard.Mpc.Tests.Ring;

public sealed class RingOpsReduceTests
{
    public static TheoryData<int[], int> SumCases => new()
    {
        { [7], 0 }, { [3, 5], 0 }, { [3, 5], 1 }, { [2, 3, 4], 0 }, { [2, 3, 4], 1 }, { [2, 3, 4], 2 },
        { [4, 1, 33], 1 }, { [2, 0, 3], 1 }, { [2, 0, 3], 0 }, { [5, 17, 2, 3], 1 }, { [1, 40], 1 },
    };

    [Theory]
    [MemberData(nameof(SumCases))]
    public void SumAxis_matches_naive_sum(int[] shape, int axis)
    {
        var rng = new Random(1234);
        int length = shape.Aggregate(1, (x, y) => x * y);
        ulong[] source = RingTestData.Random(rng, length);
        int outer = shape[..axis].Aggregate(1, (x, y) => x * y);
        int inner = shape[(axis + 1)..].Aggregate(1, (x, y) => x * y);
        var expected = new ulong[outer * inner];
        for (int o = 0; o < outer; o++)
        {
            for (int l = 0; l < shape[axis]; l++)
            {
                for (int i = 0; i < inner; i++)
                {
                    expected[o * inner + i] += source[(o * shape[axis] + l) * inner + i];
                }
            }
        }
        ulong[] destination = RingTestData.Random(rng, outer * inner);
        RingOps.SumAxis(source, shape, axis, destination);
        Assert.Equal(expected, destination);
    }

    [Fact]
    public void SumAxis_rejects_bad_axis_lengths_and_overlap()
    {
        var source = new ulong[12];
        Assert.Throws<ArgumentOutOfRangeException>(() => RingOps.SumAxis(source, [3, 4], 2, new ulong[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RingOps.SumAxis(source, [3, 4], -1, new ulong[3]));
        Assert.Throws<ArgumentException>(() => RingOps.SumAxis(source, [3, 4], 0, new ulong[3]));
        Assert.Throws<ArgumentException>(() => RingOps.SumAxis(source, [3, 5], 0, new ulong[5]));
        Assert.Throws<ArgumentException>(() => RingOps.SumAxis(source, [3, 4], 1, source.AsSpan(0, 3)));
    }

    public static TheoryData<int[], int[]> BroadcastCases => new()
    {
        { [], [2, 3] }, { [1], [4] }, { [3], [2, 3] }, { [2, 1], [2, 3] }, { [1, 3], [4, 3] }, { [2, 3], [2, 3] },
        { [4, 1, 5], [2, 4, 3, 5] }, { [1, 1], [3, 17] }, { [3, 1], [0, 3, 4] }, { [1, 9], [2, 7, 9] },
    };

    [Theory]
    [MemberData(nameof(BroadcastCases))]
    public void Broadcast_follows_numpy_rules(int[] sourceShape, int[] destinationShape)
    {
        var rng = new Random(1234);
        ulong[] source = RingTestData.Random(rng, sourceShape.Aggregate(1, (x, y) => x * y));
        int length = destinationShape.Aggregate(1, (x, y) => x * y);
        var destination = new ulong[length];
        RingOps.Broadcast(source, sourceShape, destinationShape, destination);

        int rank = destinationShape.Length;
        int offset = rank - sourceShape.Length;
        var index = new int[rank];
        for (int flat = 0; flat < length; flat++)
        {
            int rest = flat;
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                index[axis] = rest % destinationShape[axis];
                rest /= destinationShape[axis];
            }
            int sourceFlat = 0;
            for (int axis = 0; axis < sourceShape.Length; axis++)
            {
                int i = sourceShape[axis] == 1 ? 0 : index[offset + axis];
                sourceFlat = sourceFlat * sourceShape[axis] + i;
            }
            Assert.Equal(source[sourceFlat], destination[flat]);
        }
    }

    [Theory]
    [InlineData(new[] { 2 }, new[] { 3 })]
    [InlineData(new[] { 2, 3 }, new[] { 3 })]
    [InlineData(new[] { 3, 2 }, new[] { 3, 3 })]
    [InlineData(new[] { 2, 1 }, new[] { 3, 2, 4, 3 })]
    public void Broadcast_rejects_incompatible_shapes(int[] sourceShape, int[] destinationShape)
    {
        var source = new ulong[sourceShape.Aggregate(1, (x, y) => x * y)];
        var destination = new ulong[destinationShape.Aggregate(1, (x, y) => x * y)];
        var error = Assert.Throws<ArgumentException>(() => RingOps.Broadcast(source, sourceShape, destinationShape, destination));
        Assert.Contains("broadcast", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Broadcast_rejects_wrong_lengths_and_overlap()
    {
        var buffer = new ulong[12];
        Assert.Throws<ArgumentException>(() => RingOps.Broadcast(new ulong[2], [3], [2, 3], new ulong[6]));
        Assert.Throws<ArgumentException>(() => RingOps.Broadcast(new ulong[3], [3], [2, 3], new ulong[5]));
        Assert.Throws<ArgumentException>(() => RingOps.Broadcast(buffer.AsSpan(0, 3), [3], [2, 3], buffer.AsSpan(2, 6)));
    }
}
