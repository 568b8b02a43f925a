namespace Imguard.Mpc.Ring;

/// <summary>
/// A dense, row-major tensor over the ring Z_2^64. Arithmetic wraps (unchecked <see cref="ulong"/>), which is exactly
/// the ring's arithmetic. A <see cref="RingTensor"/> is a public value or the raw storage behind a share; secrets travel
/// as <see cref="Sharing.SharedTensor"/>.
/// </summary>
public sealed class RingTensor
{
    private readonly int[] _shape;

    public RingTensor(params int[] shape) : this(new ulong[CheckedLength(shape)], shape) { }

    /// <summary>Wraps <paramref name="data"/> without copying; the tensor owns it from now on.</summary>
    public RingTensor(ulong[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        long length = CheckedLength(shape);
        if (data.Length != length)
        {
            MpcError.ThrowLengthMismatch("RingTensor storage", length, data.Length);
        }
        Data = data;
        _shape = (int[])shape.Clone();
    }

    /// <summary>The storage, row-major. Exposed for kernels; callers must not keep it beyond the tensor's use.</summary>
    public ulong[] Data { get; }

    public ReadOnlySpan<int> Shape => _shape;

    public int Rank => _shape.Length;

    public int Length => Data.Length;

    public Span<ulong> Span => Data;

    public int Dimension(int axis) => _shape[axis];

    public RingTensor Clone() => new((ulong[])Data.Clone(), _shape);

    /// <summary>A tensor over the same storage with another shape of the same length.</summary>
    public RingTensor Reshape(params int[] shape)
    {
        long length = CheckedLength(shape);
        if (length != Data.Length)
        {
            throw MpcError.InvalidShape($"Cannot reshape {Length} elements to [{string.Join(", ", shape)}].");
        }
        return new RingTensor(Data, shape);
    }

    public bool HasShape(ReadOnlySpan<int> shape) => _shape.AsSpan().SequenceEqual(shape);

    internal static int CheckedLength(ReadOnlySpan<int> shape)
    {
        long length = 1;
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw MpcError.InvalidShape($"Dimensions must be non-negative, got [{string.Join(", ", shape.ToArray())}].");
            }
            length *= d;
            if (length > Array.MaxLength)
            {
                throw MpcError.InvalidShape($"Shape [{string.Join(", ", shape.ToArray())}] has more elements than an array can hold.");
            }
        }
        return (int)length;
    }

    public override string ToString() => $"RingTensor[{string.Join(", ", _shape)}]";
}
