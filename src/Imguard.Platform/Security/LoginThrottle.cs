using System.Threading.RateLimiting;
using Imguard.Platform.Server;
using Microsoft.AspNetCore.Http;

namespace Imguard.Platform.Security;

/// <summary>
/// Login and token-creation attempts per client address and user name (lower-cased), a fixed window each: guessing
/// one account's password from one address is slowed whether or not the account exists (the lockout only protects
/// existing accounts, and only after it is reached). Built on <see cref="PartitionedRateLimiter"/>.
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public LoginThrottle(PlatformRateLimitOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _limiter = PartitionedRateLimiter.Create<string, string>(key =>
            RateLimitPartition.GetFixedWindowLimiter(key, _ => PlatformRateLimiting.Window(limits.LoginPermits, limits.LoginWindow)));
    }

    /// <summary>Takes one attempt for this address and user name; false (with the wait) when the window is used up.</summary>
    public bool TryAcquire(HttpContext http, string? userName, out TimeSpan? retryAfter)
    {
        string key = PlatformRateLimiting.ClientAddress(http) + "\n" + (userName ?? "").Trim().ToLowerInvariant();
        using RateLimitLease lease = _limiter.AttemptAcquire(key);
        retryAfter = !lease.IsAcquired && lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan after) ? after : null;
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
