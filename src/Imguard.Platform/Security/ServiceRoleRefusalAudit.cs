using Imguard.Platform.Server;
using Imguard.ServiceDefaults.Tls;
using Microsoft.AspNetCore.Http;

namespace Imguard.Platform.Security;

/// <summary>
/// Audits a request refused by <see cref="ServiceRoleFilter"/> (a caller without a party certificate on
/// <c>/internal</c>) as <c>access.denied</c>, like every other 403. The filter refuses before the endpoint runs (and
/// before its body is read), so an endpoint filter would never see the refusal.
/// </summary>
internal sealed class ServiceRoleRefusalAudit(PlatformAudit audit) : IServiceRoleRefusalListener
{
    public void Refused(HttpContext context) => audit.Denied(context, null, "service certificate");
}
