using System.Data.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Imguard.ServiceDefaults.Health;

/// <summary>
/// <c>database</c>: the service's database answers a connection now and records every migration this build defines
/// as applied (a restored backup or a half-finished upgrade leaves the schema behind the code). Fails with the
/// registration's failure status (Unhealthy for the platform and the audit server: neither can serve without it).
/// </summary>
/// <remarks>
/// Not <c>AddDbContextCheck</c> from Microsoft.Extensions.Diagnostics.HealthChecks.EntityFrameworkCore: that check
/// resolves a context from dependency injection, while our databases make one short-lived context per operation from
/// their own options; and it answers only "can connect", not "migrated". The descriptions are ours: a provider's
/// exception message can name the host, the user or the file, so it is never passed on.
/// </remarks>
public sealed class DatabaseHealthCheck(IMigratedDatabase database) : IHealthCheck
{
    public const string Name = "database";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        HealthStatus failure = context.Registration.FailureStatus;
        try
        {
            if (!await database.CanConnectAsync(cancellationToken))
            {
                return new HealthCheckResult(failure, "The database cannot be reached.");
            }

            IReadOnlyList<string> pending = await database.GetPendingMigrationsAsync(cancellationToken);
            return pending.Count == 0
                ? HealthCheckResult.Healthy("Reachable; every migration is applied.")
                : new HealthCheckResult(failure, $"Reachable, but {pending.Count} migration(s) of this build are not applied: run the service's start-up migration.");
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException or IOException)
        {
            // The type only: its message may carry the connection's host, user or file.
            return new HealthCheckResult(failure, $"The database cannot be reached ({e.GetType().Name}).");
        }
    }
}
