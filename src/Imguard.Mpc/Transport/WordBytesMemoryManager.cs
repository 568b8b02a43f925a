using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Imguard.Mpc.Transport;

/// <summary>
/// Views a segment of a <see cref="ulong"/> array as <see cref="Memory{T}"/> of bytes without copying, so that frames go
/// to and from the stream straight from the caller's words (their in-memory layout is the little-endian wire layout).
/// </summary>
internal sealed class WordBytesMemoryManager : MemoryManager<byte>
{
    private readonly ulong[] _array;
    private readonly int _start;
    private readonly int _length;

    private WordBytesMemoryManager(ArraySegment<ulong> segment)
    {
        _array = segment.Array!;
        _start = segment.Offset;
        _length = segment.Count;
    }

    /// <summary>The bytes of <paramref name="words"/> if they live in an array on a little-endian machine; otherwise false.</summary>
    public static bool TryCreate(ReadOnlyMemory<ulong> words, out Memory<byte> bytes)
    {
        if (BitConverter.IsLittleEndian && MemoryMarshal.TryGetArray(words, out ArraySegment<ulong> segment) && segment.Array is not null)
        {
            bytes = new WordBytesMemoryManager(segment).Memory;
            return true;
        }
        bytes = default;
        return false;
    }

    public override Span<byte> GetSpan() => MemoryMarshal.AsBytes(_array.AsSpan(_start, _length));

    public override unsafe MemoryHandle Pin(int elementIndex = 0)
    {
        if ((uint)elementIndex > (uint)(_length * sizeof(ulong)))
        {
            throw new ArgumentOutOfRangeException(nameof(elementIndex));
        }
        var handle = GCHandle.Alloc(_array, GCHandleType.Pinned);
        ref byte first = ref Unsafe.As<ulong, byte>(ref MemoryMarshal.GetArrayDataReference(_array));
        void* pointer = Unsafe.AsPointer(ref Unsafe.Add(ref first, (nint)_start * sizeof(ulong) + elementIndex));
        return new MemoryHandle(pointer, handle, this);
    }

    public override void Unpin()
    {
        // The GCHandle held by the MemoryHandle is what pins the array; nothing else to release.
    }

    protected override void Dispose(bool disposing)
    {
        // Nothing owned: the array belongs to the caller.
    }
}
