namespace Imguard.ServiceDefaults.Health;

/// <summary>
/// What <c>GET /health</c> answers: which role this is, its overall status (<c>ok</c>, <c>degraded</c> or
/// <c>unhealthy</c>; see <see cref="ServiceHealth.StatusName"/>) and each check that decided it.
/// </summary>
public sealed record HealthReply(string Role, string Status, IReadOnlyList<HealthCheckEntry> Checks);
