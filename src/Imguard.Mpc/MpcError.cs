using System.Diagnostics.CodeAnalysis;

namespace Imguard.Mpc;

/// <summary>
/// The one place exceptions of the MPC library are made (as NSec's <c>Error</c>), so that messages stay uniform and
/// never carry secret values: they name shapes, lengths, counts and party ids only.
/// </summary>
internal static class MpcError
{
    public static ArgumentException ShapeMismatch(string what, ReadOnlySpan<int> expected, ReadOnlySpan<int> actual) =>
        new($"Shape mismatch in {what}: expected [{string.Join(", ", expected.ToArray())}], got [{string.Join(", ", actual.ToArray())}].");

    public static ArgumentException LengthMismatch(string what, long expected, long actual) =>
        new($"Length mismatch in {what}: expected {expected}, got {actual}.");

    public static ArgumentException Overlap(string parameter) =>
        new($"The destination overlaps an input in a way this kernel does not allow.", parameter);

    public static ArgumentException InvalidShape(string message) => new(message);

    public static ArgumentOutOfRangeException OutOfRange(string parameter, string message) => new(parameter, message);

    public static NotSupportedException UnsupportedFormat(string what, int fractionalBits, int maxFractionalBits) =>
        new($"{what} is defined for fixed-point formats of at most {maxFractionalBits} fractional bits; this context uses {fractionalBits}.");

    public static ArgumentException WrongParty(int partyId) =>
        new($"Party id must be 0 or 1, got {partyId}.");

    public static InvalidOperationException PartyMismatch(string what, int expected, int actual) =>
        new($"{what} belongs to party {actual} but is used by party {expected}.");

    public static ArgumentException FormatMismatch(int expectedBits, int actualBits) =>
        new($"Fixed-point formats differ: this context uses {expectedBits} fractional bits, the value has {actualBits}.");

    public static InvalidOperationException MaterialAlreadyUsed(string kind) =>
        new($"This {kind} has already been consumed; correlated randomness must never be used twice.");

    public static InvalidOperationException RandomnessExhausted(string kind) =>
        new($"No correlated randomness left for the request ({kind}); the offline phase provided fewer items than the computation consumes.");

    public static InvalidOperationException RandomnessOutOfOrder(long index, string expected, string actual) =>
        new($"Correlated randomness item {index} is a {actual}, but the computation asked for a {expected}; the parties or the dealer are out of step.");

    public static PeerProtocolException FrameTooLarge(long length, long limit) =>
        new($"Peer sent a frame of {length} bytes; the limit is {limit} bytes.");

    public static PeerProtocolException UnexpectedFrame(long expected, long actual) =>
        new($"Peer sent a frame of {actual} bytes where {expected} bytes were expected; the parties are out of step.");

    public static PeerDisconnectedException PeerDisconnected(string detail, Exception? inner = null) =>
        new($"The peer closed the connection {detail}.", inner);

    [DoesNotReturn]
    public static void ThrowShapeMismatch(string what, ReadOnlySpan<int> expected, ReadOnlySpan<int> actual) =>
        throw ShapeMismatch(what, expected, actual);

    [DoesNotReturn]
    public static void ThrowLengthMismatch(string what, long expected, long actual) =>
        throw LengthMismatch(what, expected, actual);
}
