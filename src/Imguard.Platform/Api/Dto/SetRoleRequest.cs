using Imguard.Platform.Accounts;

namespace Imguard.Platform.Api;

/// <summary>PUT /api/users/{id}/role.</summary>
public sealed record SetRoleRequest(GlobalRole Role);
