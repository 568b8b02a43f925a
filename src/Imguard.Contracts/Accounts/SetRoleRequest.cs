
namespace Imguard.Contracts.Accounts;

/// <summary>PUT /api/users/{id}/role.</summary>
public sealed record SetRoleRequest(GlobalRole Role);
