namespace Imguard.Learning.Hiding;

/// <summary>
/// The part of an epoch's <see cref="EpochHidingPlan"/> the compute parties see: which encoded rows form each batch
/// (<see cref="Order"/>) and which training images each encoded row mixes (<see cref="Partners"/>, N×K). Both are
/// permutations of indices and say nothing about image contents (the images stay shared); the coefficients λ and the
/// masks σ stay with the dealer and reach the parties only as shares.
/// </summary>
public sealed class HidingEpoch
{
    public HidingEpoch(int epoch, HidingMode mode, int k, int[] order, int[] partners)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(partners);
        if (k < 1 || partners.Length != (long)order.Length * k)
        {
            throw LearningError.ShapeMismatch("hiding partners", [order.Length, k], [partners.Length]);
        }
        Epoch = epoch;
        Mode = mode;
        K = k;
        Order = order;
        Partners = partners;
    }

    public int Epoch { get; }

    public HidingMode Mode { get; }

    public int K { get; }

    public int Count => Order.Length;

    public int[] Order { get; }

    public int[] Partners { get; }

    public int BatchCount(int batchSize) => (int)(((long)Count + batchSize - 1) / batchSize);

    /// <summary>The encoded-row indices of batch <paramref name="batch"/> (a chunk of <see cref="Order"/>).</summary>
    public ReadOnlySpan<int> BatchRows(int batch, int batchSize)
    {
        int start = checked(batch * batchSize);
        if (batch < 0 || start >= Count)
        {
            throw LearningError.IndexOutOfRange(nameof(batch), BatchCount(batchSize));
        }
        return Order.AsSpan(start, Math.Min(batchSize, Count - start));
    }

    /// <summary>The partners of the rows of batch <paramref name="batch"/>, M×K.</summary>
    public int[] BatchPartners(int batch, int batchSize)
    {
        var rows = BatchRows(batch, batchSize);
        var result = new int[rows.Length * K];
        for (int i = 0; i < rows.Length; i++)
        {
            Partners.AsSpan(rows[i] * K, K).CopyTo(result.AsSpan(i * K, K));
        }
        return result;
    }

    /// <summary>The public part of <paramref name="plan"/> (order and partners) that the dealer tells both parties.</summary>
    public static HidingEpoch PublicPartOf(int epoch, EpochHidingPlan plan) =>
        new(epoch, plan.Mode, plan.K, plan.Order.ToArray(), plan.Partners.ToArray());
}
