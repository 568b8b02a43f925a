namespace Imguard.Platform.Data;

/// <summary>
/// "Now" for the services: UTC, truncated to whole microseconds, because both providers store microseconds; a value
/// kept in memory then equals the value read back, and lockout or expiry decisions do not depend on the provider.
/// </summary>
internal static class PlatformTime
{
    public static DateTimeOffset Now(TimeProvider time)
    {
        DateTimeOffset now = time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);
    }
}
