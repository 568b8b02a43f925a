using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Tls;

namespace Imguard.Platform.Server;

/// <summary>
/// The platform's HTTP clients to the other services, each over mutual TLS with the platform's certificate and
/// accepting only the named role's certificate from the deployment CA: one per party (dataset deletion) and one to
/// the audit server (the admins' audit viewer).
/// </summary>
public sealed class ServiceLinks : IDisposable
{
    private readonly HttpClient[] _parties;

    public ServiceLinks(ServiceContext service)
    {
        ArgumentNullException.ThrowIfNull(service);
        _parties = [.. Enumerable.Range(0, 2).Select(party => new HttpClient(
            MutualTls.CreateServiceHandler(service.Identity, ServiceRoles.Party(party)), disposeHandler: true)
        {
            BaseAddress = service.Settings.Parties[party].Api.Url,
            Timeout = TimeSpan.FromSeconds(30),
        })];
        Audit = new HttpClient(MutualTls.CreateServiceHandler(service.Identity, ServiceRole.Audit), disposeHandler: true)
        {
            BaseAddress = service.Settings.Audit.Url,
            Timeout = TimeSpan.FromSeconds(30),
        };
        Dealer = service.Settings.Dealer is { } dealer
            ? new HttpClient(MutualTls.CreateServiceHandler(service.Identity, ServiceRole.Dealer), disposeHandler: true)
            {
                BaseAddress = dealer.Url,
                Timeout = TimeSpan.FromSeconds(30),
            }
            : null;
    }

    /// <summary>The audit server.</summary>
    public HttpClient Audit { get; }

    /// <summary>The dealer running as its own service (its health only), or null when the platform hosts it.</summary>
    public HttpClient? Dealer { get; }

    /// <summary>Party <paramref name="partyId"/>'s API.</summary>
    public HttpClient Party(int partyId) => _parties[partyId];

    public void Dispose()
    {
        foreach (HttpClient party in _parties)
        {
            party.Dispose();
        }
        Audit.Dispose();
        Dealer?.Dispose();
    }
}
