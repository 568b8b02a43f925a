namespace Imguard.ServiceDefaults.Health;

/// <summary>
/// One check in a <see cref="HealthReply"/>: its name (<c>database</c>, <c>data-directory</c>, <c>audit</c>,
/// <c>platform</c>), its status (<c>ok</c>, <c>degraded</c>, <c>unhealthy</c>) and a short description for an operator
/// that never holds a secret, an address or an absolute path.
/// </summary>
public sealed record HealthCheckEntry(string Name, string Status, string Description);
