namespace Imguard.Platform.Data;

/// <summary>
/// "Now" for the services: UTC, truncated to whole microseconds, because both providers store microseconds; a value
/// kept in memory then equals the value read back, and lockout or expiry decisions do not depend on the provider.
/// </summary>
internal static class PlatformTime
{
    public static DateTimeOffset Now(TimeProvider time) => Truncate(time.GetUtcNow());

    /// <summary>A time from elsewhere (a party's clock) as the database keeps it: UTC, whole microseconds.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);
}
