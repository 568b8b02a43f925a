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
        new($"Fixed-point formats differ: this context uses {expectedBits} fractional bits, the value has {actualBits} fractional bits.");

    public static InvalidOperationException MaterialAlreadyUsed(string kind) =>
        new($"This {kind} has already been consumed; correlated randomness must never be used twice.");

    public static InvalidOperationException RandomnessExhausted(string kind) =>
        new($"No correlated randomness left for the request ({kind}); the offline phase provided fewer items than the computation consumes.");

    public static InvalidOperationException RandomnessOutOfOrder(long index, string expected, string actual) =>
        new($"Correlated randomness item {index} is a {actual}, but the computation asked for a {expected}; the parties or the dealer are out of step.");

    public static InvalidDataException DealerStreamCorrupt(string detail) =>
        new($"The dealer stream is corrupt: {detail}.");

    public static InvalidDataException DealerStreamEnded(string what, Exception inner) =>
        new($"The dealer stream ended inside {what}: the offline phase provided fewer items than the computation consumes.", inner);

    public static PeerProtocolException FrameTooLarge(long length, long limit) =>
        new($"Peer sent a frame of {length} bytes; the limit is {limit} bytes.");

    public static PeerProtocolException UnexpectedFrame(long expected, long actual) =>
        new($"Peer sent a frame of {actual} bytes where {expected} bytes were expected; the parties are out of step.");

    public static PeerDisconnectedException PeerDisconnected(string detail, Exception? inner = null) =>
        new($"The peer closed the connection {detail}.", inner);

    public static PeerProtocolException MisalignedFrame(long length) =>
        new($"Peer sent a frame of {length} bytes, which is not a whole number of 8-byte ring words.");

    public static ArgumentException FrameTooLargeToSend(long length, long limit) =>
        new($"Cannot send a frame of {length} bytes; this channel's limit is {limit} bytes.");

    public static InvalidOperationException ChannelFaulted(Exception? cause) =>
        new("The channel failed or was cancelled earlier and is closed; dispose it and connect again.", cause);

    public static InvalidOperationException ConcurrentUse(string operation) =>
        new($"Another {operation} is already in progress on this channel; a channel allows one send and one receive at a time.");

    public static TimeoutException HandshakeTimedOut(TimeSpan timeout) =>
        new($"The peer did not complete the TLS handshake and hello within {timeout.TotalSeconds:0.###} s.");

    public static System.Security.Authentication.AuthenticationException PeerRejected(string reason, Exception? inner = null) =>
        new($"The peer was not authenticated: {reason}.", inner);

    public static PeerProtocolException HelloRejected(string reason, Exception? inner = null) =>
        new($"The peer's hello was rejected: {reason}.", inner);

    public static ArgumentException InvalidOption(string option, string message) =>
        new($"Invalid {option}: {message}", option);

    [DoesNotReturn]
    public static void ThrowShapeMismatch(string what, ReadOnlySpan<int> expected, ReadOnlySpan<int> actual) =>
        throw ShapeMismatch(what, expected, actual);

    [DoesNotReturn]
    public static void ThrowLengthMismatch(string what, long expected, long actual) =>
        throw LengthMismatch(what, expected, actual);
}
