using Imguard.ServiceDefaults.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Imguard.Dealer.Sessions;

/// <summary>Registers the dealer: <see cref="DealerSessions"/> over the <see cref="IDealerJobCatalog"/> the host registers.</summary>
public static class DealerServiceCollectionExtensions
{
    public static IServiceCollection AddImguardDealer(this IServiceCollection services, DealerSessionsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(provider => new DealerSessions(
            provider.GetRequiredService<IDealerJobCatalog>(),
            provider.GetService<AuditClient>(),
            provider.GetService<ILogger<DealerSessions>>(),
            options));
        return services;
    }
}
