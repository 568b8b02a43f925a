namespace Imguard.Party.Shares;

/// <summary>
/// The share store refused a request. <see cref="Kind"/> says why; the message names ids, offsets, lengths and limits,
/// never share bytes.
/// </summary>
public sealed class ShareStoreException : IOException
{
    /// <summary>Creates an exception with no reason (standard constructor).</summary>
    public ShareStoreException()
    {
    }

    /// <summary>Creates an exception with a message (standard constructor).</summary>
    public ShareStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause (standard constructor).</summary>
    public ShareStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception of a known kind.</summary>
    public ShareStoreException(ShareStoreErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>Why the request was refused (0 only for the standard constructors).</summary>
    public ShareStoreErrorKind Kind { get; }
}
