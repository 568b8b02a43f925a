namespace Imguard.Dealer.Sessions;

/// <summary>Why the dealer refused a request; each maps to one HTTP status in <see cref="Api.DealerApi"/>.</summary>
public enum DealerErrorKind
{
    /// <summary>Malformed request (400).</summary>
    Invalid,

    /// <summary>Unknown or finished job (404).</summary>
    NotFound,

    /// <summary>This party may not ask for this (403): e.g. party 0 asking for party 1's messages.</summary>
    Forbidden,

    /// <summary>The attempt was replaced by a newer one or the job ended (410).</summary>
    Gone,

    /// <summary>The parties and the dealer are out of step, or something was asked for twice (409); the attempt is over.</summary>
    OutOfStep,

    /// <summary>Too many live sessions or items held (503); retry later.</summary>
    Busy,
}
