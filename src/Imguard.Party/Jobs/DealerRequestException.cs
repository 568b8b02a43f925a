using System.Net;

namespace Imguard.Party.Jobs;

/// <summary>The dealer refused a request; <see cref="Status"/> says how (404 job over, 409 out of step, 410 attempt replaced, 503 busy).</summary>
public sealed class DealerRequestException : IOException
{
    public DealerRequestException()
    {
    }

    public DealerRequestException(string message) : base(message)
    {
    }

    public DealerRequestException(string message, Exception inner) : base(message, inner)
    {
    }

    public DealerRequestException(HttpStatusCode status, string message) : base(message) => Status = status;

    public HttpStatusCode Status { get; }

    /// <summary>The job is over at the platform (or unknown): nothing to retry.</summary>
    public bool JobIsOver => Status == HttpStatusCode.NotFound;

    /// <summary>A new attempt may succeed: the attempt was replaced, or the dealer is busy.</summary>
    public bool IsTransient => Status is HttpStatusCode.Gone or HttpStatusCode.ServiceUnavailable;
}
