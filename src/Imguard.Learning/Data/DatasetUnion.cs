using Imguard.Learning.Hiding;

namespace Imguard.Learning.Data;

/// <summary>
/// Several owners' training sets as one index space (issue 17, items 1 and 2; docs/multi-owner.md): part p's rows are
/// the global indices [Offset(p), Offset(p) + Count). Training visits the union in one public shuffled order and
/// InstaHide draws partners from the whole union, so an encoding mixes images of different owners. Everything here is
/// public to the parties (ids, owners, counts; the plan's partners are the epoch's public part).
/// </summary>
public sealed class DatasetUnion
{
    private readonly int[] _offsets;

    public DatasetUnion(IReadOnlyList<UnionPart> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw LearningError.InvalidArgument("A union needs at least one dataset.");
        }
        _offsets = new int[parts.Count + 1];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int p = 0; p < parts.Count; p++)
        {
            UnionPart part = parts[p] ?? throw LearningError.InvalidArgument("A union part is missing.");
            if (part.Count < 1)
            {
                throw LearningError.InvalidArgument($"Dataset '{part.DatasetId}' has {part.Count} images; a union part has at least one.");
            }
            if (!ids.Add(part.DatasetId))
            {
                throw LearningError.InvalidArgument($"Dataset '{part.DatasetId}' is in the union twice.");
            }
            long next = (long)_offsets[p] + part.Count;
            if (next > int.MaxValue)
            {
                throw LearningError.InvalidArgument($"The union's {next} images exceed {int.MaxValue}.");
            }
            _offsets[p + 1] = (int)next;
        }
        Parts = [.. parts];
    }

    public IReadOnlyList<UnionPart> Parts { get; }

    /// <summary>ΣNᵢ: the images of every part.</summary>
    public int Count => _offsets[^1];

    /// <summary>The first global index of part <paramref name="part"/>.</summary>
    public int Offset(int part) => (uint)part < (uint)Parts.Count ? _offsets[part] : throw LearningError.IndexOutOfRange(nameof(part), Parts.Count);

    /// <summary>Which part holds global index <paramref name="index"/>, and its row there.</summary>
    public (int Part, int Row) Locate(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw LearningError.IndexOutOfRange(nameof(index), Count);
        }
        int found = Array.BinarySearch(_offsets, index);
        // An exact hit is the first row of that part; otherwise the part is the one whose offset precedes the index.
        // (Parts are never empty, so equal offsets cannot occur.)
        int part = found >= 0 ? found : ~found - 1;
        return (part, index - _offsets[part]);
    }

    /// <summary>
    /// How the epoch's encodings mix the parts: entry [a, b] counts the partner slots (columns 1..K−1) of part a's images
    /// that hold an image of part b. The diagonal share of a row is what stays within one owner; the rest is mixing across
    /// owners. Public: partners are the epoch's public part.
    /// </summary>
    public long[,] MixingCounts(EpochHidingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Count != Count)
        {
            throw LearningError.InvalidArgument($"The plan covers {plan.Count} images; the union has {Count}.");
        }
        var counts = new long[Parts.Count, Parts.Count];
        for (int i = 0; i < Count; i++)
        {
            int own = Locate(i).Part;
            ReadOnlySpan<int> partners = plan.PartnersOf(i);
            for (int j = 1; j < partners.Length; j++)
            {
                counts[own, Locate(partners[j]).Part]++;
            }
        }
        return counts;
    }
}
