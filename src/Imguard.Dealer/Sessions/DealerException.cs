namespace Imguard.Dealer.Sessions;

/// <summary>A refused dealer request. Messages name jobs, attempts, parties, indices and request shapes, never a value.</summary>
public sealed class DealerException : Exception
{
    public DealerException()
    {
    }

    public DealerException(string message) : base(message)
    {
    }

    public DealerException(string message, Exception inner) : base(message, inner)
    {
    }

    public DealerException(DealerErrorKind kind, string message) : base(message) => Kind = kind;

    public DealerErrorKind Kind { get; } = DealerErrorKind.Invalid;

    /// <summary>With <see cref="DealerErrorKind.Gone"/>: the job's live attempt at the dealer, when it has one (problem detail extension <c>liveAttempt</c>).</summary>
    public int? LiveAttempt { get; init; }
}
