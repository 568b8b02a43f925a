namespace Imguard.Contracts.Grants;

/// <summary>
/// What a grant token allows: one party, one purpose, one dataset or job, for one user, until it expires. The
/// platform issues grants after its own authorisation check; a party honours only grants whose signature is the
/// platform's, whose <see cref="Party"/> is itself and which have not expired. Grants carry ids and limits only.
/// </summary>
public sealed record Grant
{
    /// <summary>Format version of the claims.</summary>
    public int Version { get; init; } = 1;

    public required GrantPurpose Purpose { get; init; }

    /// <summary>The party (0 or 1) the grant is for; the other party refuses it.</summary>
    public required int Party { get; init; }

    /// <summary>The project the dataset or job belongs to.</summary>
    public required string Project { get; init; }

    /// <summary>The dataset (uploads, deletes) or job (model downloads) the grant is about.</summary>
    public required string Resource { get; init; }

    /// <summary>The user the platform issued it to (for the party's audit events).</summary>
    public required string User { get; init; }

    /// <summary>For uploads: the largest half the party accepts under this grant, in bytes.</summary>
    public long MaxBytes { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>128 random bits, so two grants never have the same signature input.</summary>
    public required string Nonce { get; init; }
}
