using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Imguard.Mpc.Ring;

public static partial class RingOps
{
    /// <summary>
    /// Sums <paramref name="source"/> (row-major, of shape <paramref name="shape"/>) over <paramref name="axis"/> mod 2^64.
    /// <paramref name="destination"/> has the shape with that axis removed (an axis of length 0 gives zeros) and must
    /// not overlap the source.
    /// </summary>
    public static void SumAxis(ReadOnlySpan<ulong> source, ReadOnlySpan<int> shape, int axis, Span<ulong> destination)
    {
        int length = RingTensor.CheckedLength(shape);
        CheckLength("SumAxis source", length, source.Length);
        if ((uint)axis >= (uint)shape.Length)
        {
            throw MpcError.OutOfRange(nameof(axis), $"Axis {axis} does not exist in a tensor of rank {shape.Length}.");
        }
        int outer = RingTensor.CheckedLength(shape[..axis]);
        int count = shape[axis];
        int inner = RingTensor.CheckedLength(shape[(axis + 1)..]);
        CheckLength("SumAxis destination", outer * inner, destination.Length);
        CheckDisjoint(source, destination, nameof(destination));

        if (count == 0)
        {
            destination.Clear();
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            ReadOnlySpan<ulong> block = source.Slice(o * count * inner, count * inner);
            if (inner == 1)
            {
                destination[o] = Sum(block);
                continue;
            }
            Span<ulong> target = destination.Slice(o * inner, inner);
            block[..inner].CopyTo(target);
            for (int l = 1; l < count; l++)
            {
                Add(target, block.Slice(l * inner, inner), target);
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="source"/> (of shape <paramref name="sourceShape"/>) broadcast to
    /// <paramref name="destinationShape"/> with NumPy's rules: shapes are aligned on the right, the source has no more
    /// axes than the destination, and each source dimension equals the destination's or is 1. The spans must not overlap.
    /// </summary>
    public static void Broadcast(ReadOnlySpan<ulong> source, ReadOnlySpan<int> sourceShape, ReadOnlySpan<int> destinationShape, Span<ulong> destination)
    {
        int sourceLength = RingTensor.CheckedLength(sourceShape);
        int destinationLength = RingTensor.CheckedLength(destinationShape);
        CheckLength("Broadcast source", sourceLength, source.Length);
        CheckLength("Broadcast destination", destinationLength, destination.Length);
        int rank = destinationShape.Length;
        int offset = rank - sourceShape.Length;
        bool compatible = offset >= 0;
        for (int i = 0; compatible && i < sourceShape.Length; i++)
        {
            compatible = sourceShape[i] == destinationShape[offset + i] || sourceShape[i] == 1;
        }
        if (!compatible)
        {
            throw MpcError.InvalidShape(
                $"Cannot broadcast shape [{string.Join(", ", sourceShape.ToArray())}] to [{string.Join(", ", destinationShape.ToArray())}].");
        }
        CheckDisjoint(source, destination, nameof(destination));
        if (destinationLength == 0)
        {
            return;
        }
        if (rank == 0)
        {
            destination[0] = source[0];
            return;
        }

        // Source stride along each destination axis; 0 where the source is broadcast.
        Span<int> strides = rank <= 16 ? stackalloc int[rank] : new int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            int s = i >= offset ? sourceShape[i - offset] : 1;
            strides[i] = s == 1 ? 0 : stride;
            stride *= s;
        }
        BroadcastAxis(source, strides, destinationShape, destination, 0, 0, 0);
    }

    private static int BroadcastAxis(
        ReadOnlySpan<ulong> source, ReadOnlySpan<int> strides, ReadOnlySpan<int> shape, Span<ulong> destination, int axis, int sourceOffset, int destinationOffset)
    {
        int count = shape[axis];
        if (axis == shape.Length - 1)
        {
            Span<ulong> row = destination.Slice(destinationOffset, count);
            if (strides[axis] == 0)
            {
                row.Fill(source[sourceOffset]);
            }
            else
            {
                source.Slice(sourceOffset, count).CopyTo(row);
            }
            return destinationOffset + count;
        }
        for (int i = 0; i < count; i++)
        {
            destinationOffset = BroadcastAxis(source, strides, shape, destination, axis + 1, sourceOffset + i * strides[axis], destinationOffset);
        }
        return destinationOffset;
    }

    private static ulong Sum(ReadOnlySpan<ulong> values)
    {
        ref ulong p = ref MemoryMarshal.GetReference(values);
        nuint length = (nuint)values.Length;
        nuint i = 0;
        ulong sum = 0;
        if (Vector512.IsHardwareAccelerated && length >= (nuint)Vector512<ulong>.Count)
        {
            var acc = Vector512<ulong>.Zero;
            for (; i + (nuint)Vector512<ulong>.Count <= length; i += (nuint)Vector512<ulong>.Count)
            {
                acc += Vector512.LoadUnsafe(ref p, i);
            }
            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<ulong>.Count)
        {
            var acc = Vector256<ulong>.Zero;
            for (; i + (nuint)Vector256<ulong>.Count <= length; i += (nuint)Vector256<ulong>.Count)
            {
                acc += Vector256.LoadUnsafe(ref p, i);
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < length; i++)
        {
            sum += values[(int)i];
        }
        return sum;
    }
}
