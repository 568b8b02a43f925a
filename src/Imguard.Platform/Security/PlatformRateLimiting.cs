using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Imguard.Platform.Api;
using Imguard.Platform.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Imguard.Platform.Security;

/// <summary>
/// ASP.NET Core rate limiting for the endpoints that guess credentials or mint capabilities. Two named policies
/// (fixed windows, no queue): <see cref="Anonymous"/> per client address on register, login and token creation,
/// and <see cref="Grants"/> per user on everything that issues party grants. Password checks (login and token
/// creation) also back off per user name and client address (<see cref="LoginBackoff"/>), in the endpoint because
/// the user name is in the JSON body. Every refusal is 429 with <c>Retry-After</c> (whole seconds).
/// The client address is the connection's (no forwarded header is trusted: the platform is reached directly, not
/// through a proxy), an IPv6 address by its /64 prefix: one host commonly holds a whole /64.
/// </summary>
public static class PlatformRateLimiting
{
    public const string Anonymous = "anonymous";
    public const string Grants = "grants";

    public static IServiceCollection AddPlatformRateLimiting(this IServiceCollection services, PlatformRateLimitOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        services.AddSingleton(provider => new LoginBackoff(limits, provider.GetRequiredService<TimeProvider>()));
        services.AddRateLimiter(rate =>
        {
            rate.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            rate.OnRejected = async (context, cancellationToken) =>
            {
                TimeSpan? retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan after) ? after : null;
                await TooManyRequests.Create(retry).ExecuteAsync(context.HttpContext);
            };
            rate.AddPolicy(Anonymous, http => RateLimitPartition.GetFixedWindowLimiter(ClientAddress(http),
                _ => Window(limits.AnonymousPermits, limits.AnonymousWindow)));
            rate.AddPolicy(Grants, http => RateLimitPartition.GetFixedWindowLimiter(
                PlatformClaims.TryGetUser(http.User, out Guid user, out _) ? "user:" + user.ToString("N") : "ip:" + ClientAddress(http),
                _ => Window(limits.GrantPermits, limits.GrantWindow)));
        });
        return services;
    }

    /// <summary>The connection's remote address as text: an IPv4 address whole (also when mapped into IPv6), an IPv6 address by its /64 prefix.</summary>
    public static string ClientAddress(HttpContext http)
    {
        IPAddress? address = http?.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        byte[] bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes).ToString() + "/64";
    }

    internal static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) => new()
    {
        PermitLimit = permits,
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>Whole seconds for a <c>Retry-After</c> header (at least 1).</summary>
    internal static string RetryAfterSeconds(TimeSpan wait) =>
        Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
