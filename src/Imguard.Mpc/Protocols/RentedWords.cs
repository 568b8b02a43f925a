using System.Buffers;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// A pooled buffer of exactly <see cref="Length"/> ring words for the masked values a protocol sends and the opened
/// values it receives: megabytes per matmul, which as fresh arrays cost zeroing and page faults on every call.
/// Only public or masked values go in here (never a share), so returning the buffer unwiped leaks nothing.
/// </summary>
internal readonly struct RentedWords : IDisposable
{
    private readonly ulong[] _array;

    private RentedWords(int length)
    {
        _array = ArrayPool<ulong>.Shared.Rent(length);
        Length = length;
    }

    public static RentedWords Rent(int length) => new(length);

    public int Length { get; }

    public Span<ulong> Span => _array.AsSpan(0, Length);

    public Memory<ulong> Memory => _array.AsMemory(0, Length);

    public void Dispose() => ArrayPool<ulong>.Shared.Return(_array);
}
