namespace Imguard.Mpc.Transport;

/// <summary>
/// The wire format of one frame on a stream: a 4-byte little-endian payload length in bytes (a multiple of 8), then the
/// payload, the frame's 64-bit ring words in little-endian order. No other framing, padding or checksum: integrity and
/// confidentiality come from TLS.
/// </summary>
public static class PeerFrame
{
    /// <summary>Bytes of the length prefix.</summary>
    public const int HeaderBytes = 4;

    /// <summary>Bytes per ring word.</summary>
    public const int WordBytes = sizeof(ulong);

    /// <summary>The default limit on one frame's payload: 512 MiB, i.e. 64 Mi ring words.</summary>
    public const int DefaultMaxFrameBytes = 512 * 1024 * 1024;

    internal static void ValidateMaxFrameBytes(int maxFrameBytes)
    {
        if (maxFrameBytes < 0)
        {
            throw MpcError.InvalidOption(nameof(maxFrameBytes), "the frame limit must not be negative.");
        }
    }

    internal static void ValidateOutgoing(int wordCount, int maxFrameBytes)
    {
        long bytes = (long)wordCount * WordBytes;
        if (bytes > maxFrameBytes)
        {
            throw MpcError.FrameTooLargeToSend(bytes, maxFrameBytes);
        }
    }

    /// <summary>Checks an announced or delivered frame length before any of its payload is read.</summary>
    internal static void ValidateIncoming(long bytes, int expectedWords, int maxFrameBytes)
    {
        if (bytes > maxFrameBytes)
        {
            throw MpcError.FrameTooLarge(bytes, maxFrameBytes);
        }
        if (bytes % WordBytes != 0)
        {
            throw MpcError.MisalignedFrame(bytes);
        }
        long expected = (long)expectedWords * WordBytes;
        if (bytes != expected)
        {
            throw MpcError.UnexpectedFrame(expected, bytes);
        }
    }
}
