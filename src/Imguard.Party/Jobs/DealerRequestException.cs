using System.Net;

namespace Imguard.Party.Jobs;

/// <summary>The dealer refused a request; <see cref="Status"/> says how (404 job over, 409 out of step, 410 attempt replaced or not live, 503 busy).</summary>
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

    /// <summary>With 410: the job's live attempt at the dealer, when it has one (a newer one means the other party moved on).</summary>
    public int? LiveAttempt { get; init; }

    /// <summary>The job is over at the platform (or unknown): nothing to retry. Only a join says so; any other request's 410 sends the party to join again.</summary>
    public bool JobIsOver => Status == HttpStatusCode.NotFound;

    /// <summary>The attempt is not the job's live one at the dealer (replaced, ended, lost with a platform restart): join again.</summary>
    public bool AttemptGone => Status == HttpStatusCode.Gone;

    /// <summary>The request never got an answer from the dealer itself (busy, stopping, a proxy's error): ask again later. A 500 is a fault, not this.</summary>
    public bool Unavailable => Status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>A new attempt may succeed: the attempt was replaced, or the dealer is busy.</summary>
    public bool IsTransient => Status is HttpStatusCode.Gone or HttpStatusCode.ServiceUnavailable;
}
