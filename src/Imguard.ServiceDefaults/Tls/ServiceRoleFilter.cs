using System.Security.Cryptography.X509Certificates;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Imguard.ServiceDefaults.Tls;

/// <summary>
/// Restricts endpoints to callers that presented a certificate of one of the given roles (already checked against
/// the deployment CA in the handshake); anyone else gets 403. The caller's role is put in
/// <see cref="HttpContext.Items"/> for the handler (<see cref="CallerRole"/>).
/// </summary>
public static class ServiceRoleFilter
{
    private const string ItemKey = "imguard.caller-role";

    public static TBuilder RequireServiceRole<TBuilder>(this TBuilder builder, params ServiceRole[] roles)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ServiceRole[] allowed = [.. roles];
        builder.AddEndpointFilter(async (context, next) =>
        {
            X509Certificate2? certificate = context.HttpContext.Connection.ClientCertificate;
            ServiceRole? role = certificate is null ? null : CertificateValidation.RoleOf(certificate);
            if (role is not ServiceRole caller || !allowed.Contains(caller))
            {
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Service certificate required",
                    detail: "This endpoint is for IMGuard services; present a certificate of an allowed role.");
            }
            context.HttpContext.Items[ItemKey] = caller;
            return await next(context);
        });
        return builder;
    }

    /// <summary>The role of the service calling, set by <see cref="RequireServiceRole"/>.</summary>
    public static ServiceRole CallerRole(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[ItemKey] is ServiceRole role
            ? role
            : throw new InvalidOperationException("The endpoint has no RequireServiceRole filter.");
    }
}
