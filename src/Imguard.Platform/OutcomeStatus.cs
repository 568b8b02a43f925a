namespace Imguard.Platform;

/// <summary>
/// How a platform operation ended. Expected failures (bad input, missing rights, a conflict with the stored state)
/// are outcomes, not exceptions, so the HTTP layer maps each to one status code (400, 404, 403, 409) without
/// catching anything; exceptions are left for programming errors and infrastructure failures.
/// </summary>
public enum OutcomeStatus
{
    /// <summary>The operation did what was asked.</summary>
    Ok,

    /// <summary>The input breaks a rule (a name too long, a weak password, malformed JSON); the message says which.</summary>
    Invalid,

    /// <summary>The thing does not exist, or the caller may not know that it exists.</summary>
    NotFound,

    /// <summary>The caller may see the thing but lacks the right to do this with it.</summary>
    Forbidden,

    /// <summary>The stored state does not allow it (a taken name, the last owner, a finished job, a rejected dataset).</summary>
    Conflict,
}
