namespace Imguard.Contracts.Accounts;

/// <summary>PUT /api/users/{id}/disabled.</summary>
public sealed record SetDisabledRequest(bool Disabled);
