using Imguard.Contracts.Files;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Imguard.ServiceDefaults.Health;

/// <summary>
/// <c>data-directory</c>: the role's data folder takes a write now. It writes, flushes to disk and deletes a small
/// owner-only probe file rather than reading the folder's mode bits, because what matters is whether a write lands:
/// a read-only mount, a full disk, a folder replaced or made read-only (root ignores the bits, a write does not lie)
/// all show. Every role stores what it cannot lose there (shares, keys, the audit outbox, a SQLite database), so a
/// failure is Unhealthy.
/// </summary>
public sealed class DataDirectoryHealthCheck(string directory) : IHealthCheck
{
    public const string Name = "data-directory";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        // A name of its own per probe: two /health requests at once never meet on one file. DeleteOnClose removes it
        // even when the write fails half way.
        string probe = Path.Combine(directory, $".health-{Guid.NewGuid():N}.tmp");
        try
        {
            await using FileStream stream = OwnerOnly.Create(probe, FileMode.CreateNew, options: FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await stream.WriteAsync(new byte[] { 1 }, cancellationToken);
            stream.Flush(flushToDisk: true);
            return HealthCheckResult.Healthy("The data directory takes writes.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Never the path (it names the server's folders) nor the message (which holds it).
            string reason = e is UnauthorizedAccessException ? "permission denied" : "I/O error";
            return new HealthCheckResult(context.Registration.FailureStatus, $"The data directory cannot be written ({reason}).");
        }
    }
}
