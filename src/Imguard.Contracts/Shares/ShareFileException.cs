namespace Imguard.Contracts.Shares;

/// <summary>
/// A share file was refused. <see cref="Kind"/> says why; the message names the file, offsets, sizes and chunk
/// indices, never share content. (It derives from <see cref="IOException"/> because <see cref="InvalidDataException"/>
/// is sealed.)
/// </summary>
public sealed class ShareFileException : IOException
{
    /// <summary>Creates an exception with no reason (standard constructor).</summary>
    public ShareFileException()
    {
    }

    /// <summary>Creates an exception with a message (standard constructor).</summary>
    public ShareFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause (standard constructor).</summary>
    public ShareFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception of a known kind.</summary>
    public ShareFileException(ShareFileErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>Why the file was refused (0 only for the standard constructors).</summary>
    public ShareFileErrorKind Kind { get; }
}
