namespace Imguard.Contracts.Grants;

/// <summary>
/// A grant for one party: send <c>grant</c> as <c>Authorization: Bearer …</c> to the party's API at <c>url</c>
/// before <c>expiresAt</c>.
/// </summary>
public sealed record GrantView(int Party, string Url, string Grant, DateTimeOffset ExpiresAt);
