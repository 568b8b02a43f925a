namespace Imguard.Platform.Accounts;

/// <summary>
/// A user and a password the platform generated for them (the first administrator, or an administrator's reset).
/// The password exists only in this object: show it once, then drop it; only its hash is stored.
/// </summary>
public sealed record GeneratedCredentials(UserInfo User, string Password)
{
    /// <summary>How many of the user's API tokens a reset revoked (0 when it kept them).</summary>
    public int RevokedTokens { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"GeneratedCredentials {{ User = {User.UserName}, Password = (hidden) }}";
}
