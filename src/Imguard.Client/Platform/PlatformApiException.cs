using System.Net;

namespace Imguard.Client.Platform;

/// <summary>The platform answered with an error; <see cref="Exception.Message"/> is its problem title and detail.</summary>
public sealed class PlatformApiException : Exception
{
    public PlatformApiException()
    {
    }

    public PlatformApiException(string message)
        : base(message)
    {
    }

    public PlatformApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PlatformApiException(HttpStatusCode status, string message)
        : base(message)
    {
        Status = status;
    }

    public HttpStatusCode Status { get; }
}
