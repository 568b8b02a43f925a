namespace Imguard.Platform.Accounts;

/// <summary>
/// A new API token: <see cref="Token"/> is the only copy of the secret (the platform keeps its SHA-256); show it once.
/// </summary>
public sealed record CreatedApiToken(ApiTokenInfo Info, string Token)
{
    /// <inheritdoc />
    public override string ToString() => $"CreatedApiToken {{ Info = {Info}, Token = (hidden) }}";
}
