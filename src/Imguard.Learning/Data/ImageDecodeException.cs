namespace Imguard.Learning.Data;

/// <summary>
/// An image file or buffer could not be decoded or broke a limit. The message names the file (path only) and the reason,
/// never its content. (It derives from <see cref="IOException"/> because <see cref="InvalidDataException"/> is sealed.)
/// </summary>
public sealed class ImageDecodeException : IOException
{
    /// <summary>Creates an exception with no file or reason.</summary>
    public ImageDecodeException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public ImageDecodeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the decoder's exception.</summary>
    public ImageDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for <paramref name="filePath"/> (null for an in-memory image) and a reason.</summary>
    public ImageDecodeException(string? filePath, string reason, Exception? innerException)
        : base(filePath is null ? $"Image could not be loaded: {reason}" : $"Image '{filePath}' could not be loaded: {reason}", innerException)
    {
        FilePath = filePath;
        Reason = reason;
    }

    /// <summary>The file that failed, or null for an in-memory image.</summary>
    public string? FilePath { get; }

    /// <summary>Why it failed, without the file name.</summary>
    public string? Reason { get; }
}
