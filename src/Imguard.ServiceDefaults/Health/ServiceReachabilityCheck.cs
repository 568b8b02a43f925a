using System.Diagnostics;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Tls;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Imguard.ServiceDefaults.Health;

/// <summary>
/// A check named after another role (<c>audit</c>, <c>platform</c>): that service answers its <c>/health</c> with
/// success over mutual TLS (this service's certificate, only the target role's certificate accepted), within
/// <see cref="ProbeTimeout"/>. What a failure means is the registration's: the platform is Degraded without the audit
/// server (events wait in its outbox), a party is Degraded without the platform (uploads still land, reports retry).
/// </summary>
/// <remarks>
/// <c>/health</c> is anonymous, so one request must not become a burst of requests to the other services: a result is
/// kept for <see cref="CacheFor"/> and concurrent checks share one probe. The chain is short and has no cycle: a party
/// asks the platform, the platform asks the audit server, the audit server asks nobody.
/// </remarks>
public sealed class ServiceReachabilityCheck : IHealthCheck, IDisposable
{
    /// <summary>How long one probe waits: under the platform's own probe timeout, so a party's answer is not late.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long a probe's result is reused.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    private readonly HttpClient _client;
    private readonly string _target;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (long At, bool Reachable, string Description)? _last;

    public ServiceReachabilityCheck(ServiceContext service, ServiceRole target)
    {
        ArgumentNullException.ThrowIfNull(service);
        _client = new HttpClient(MutualTls.CreateServiceHandler(service.Identity, target), disposeHandler: true)
        {
            BaseAddress = service.Settings.Endpoint(target).Url,
            Timeout = ProbeTimeout,
        };
        _target = DisplayName(target);
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        (bool reachable, string description) = await ProbeCachedAsync(cancellationToken);
        return reachable ? HealthCheckResult.Healthy(description) : new HealthCheckResult(context.Registration.FailureStatus, description);
    }

    private async Task<(bool Reachable, string Description)> ProbeCachedAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_last is { } last && Stopwatch.GetElapsedTime(last.At) < CacheFor)
            {
                return (last.Reachable, last.Description);
            }

            (bool reachable, string description) = await ProbeAsync(cancellationToken);
            _last = (Stopwatch.GetTimestamp(), reachable, description);
            return (reachable, description);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(bool Reachable, string Description)> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            using HttpResponseMessage response = await _client.GetAsync("health", cancellationToken);
            return response.IsSuccessStatusCode
                ? (true, $"The {_target} answers.")
                : (false, $"The {_target} answers {(int)response.StatusCode}: it reports a failure of its own.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Never the exception's message: it names the address.
            return (false, $"The {_target} cannot be reached.");
        }
    }

    private static string DisplayName(ServiceRole role) => role switch
    {
        ServiceRole.Audit => "audit server",
        ServiceRole.Platform => "platform",
        _ => ServiceRoles.Name(role),
    };

    public void Dispose()
    {
        _client.Dispose();
        _gate.Dispose();
    }
}
