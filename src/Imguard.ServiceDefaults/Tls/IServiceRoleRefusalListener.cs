using Microsoft.AspNetCore.Http;

namespace Imguard.ServiceDefaults.Tls;

/// <summary>
/// Told of every request that <see cref="ServiceRoleFilter.RequireServiceRole"/> refuses (before the 403 is
/// written), e.g. to audit it. Register as a service; any number may be.
/// </summary>
public interface IServiceRoleRefusalListener
{
    void Refused(HttpContext context);
}
