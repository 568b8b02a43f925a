using System.Buffers;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// A pooled buffer of exactly <see cref="Length"/> ring words for the masked values a protocol sends and the opened
/// values it receives: megabytes per matmul, which as fresh arrays cost zeroing and page faults on every call.
/// Public or masked values go in unwiped; a buffer that held a share (<see cref="RentForShare"/>) is cleared before it
/// goes back to the pool, so no later renter reads a share.
/// </summary>
internal readonly struct RentedWords : IDisposable
{
    private readonly ulong[] _array;
    private readonly bool _clearOnReturn;

    private RentedWords(int length, bool clearOnReturn)
    {
        _array = ArrayPool<ulong>.Shared.Rent(length);
        _clearOnReturn = clearOnReturn;
        Length = length;
    }

    /// <summary>A buffer for public or masked values only.</summary>
    public static RentedWords Rent(int length) => new(length, clearOnReturn: false);

    /// <summary>A buffer that may hold this party's shares: wiped when returned.</summary>
    public static RentedWords RentForShare(int length) => new(length, clearOnReturn: true);

    public int Length { get; }

    public Span<ulong> Span => _array.AsSpan(0, Length);

    public Memory<ulong> Memory => _array.AsMemory(0, Length);

    public void Dispose()
    {
        if (_clearOnReturn)
        {
            Array.Clear(_array, 0, Length);
        }
        ArrayPool<ulong>.Shared.Return(_array);
    }
}
