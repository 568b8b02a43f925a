using System.Runtime.CompilerServices;

namespace Imguard.Mpc.Ring;

public static partial class RingOps
{
    /// <summary>Throws unless <paramref name="input"/> has <paramref name="length"/> elements.</summary>
    private static void CheckLength(string what, int length, int actual)
    {
        if (actual != length)
        {
            MpcError.ThrowLengthMismatch(what, length, actual);
        }
    }

    /// <summary>
    /// Allows the destination to be exactly the input (in-place) or disjoint from it; rejects partial overlap, which
    /// would make a vectorised kernel read values it has already written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckInPlaceOrDisjoint(ReadOnlySpan<ulong> input, ReadOnlySpan<ulong> destination, string parameter)
    {
        if (input.Overlaps(destination, out int offset) && (offset != 0 || input.Length != destination.Length))
        {
            throw MpcError.Overlap(parameter);
        }
    }

    /// <summary>Rejects any overlap: kernels that read an input many times cannot work in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckDisjoint<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> destination, string parameter)
    {
        if (input.Overlaps(destination))
        {
            throw MpcError.Overlap(parameter);
        }
    }
}
