namespace Imguard.ServiceDefaults.Health;

/// <summary>
/// A service database brought up to date by EF Core migrations (the platform's and the audit server's), as
/// <see cref="DatabaseHealthCheck"/> asks it: can a connection be opened now, and which of the migrations this build
/// defines the database does not record as applied.
/// </summary>
public interface IMigratedDatabase
{
    /// <summary>Whether a connection to the database can be opened now; false (not an exception) when it cannot.</summary>
    Task<bool> CanConnectAsync(CancellationToken cancellationToken);

    /// <summary>The migrations this build defines that the database does not record as applied, oldest first.</summary>
    Task<IReadOnlyList<string>> GetPendingMigrationsAsync(CancellationToken cancellationToken);
}
