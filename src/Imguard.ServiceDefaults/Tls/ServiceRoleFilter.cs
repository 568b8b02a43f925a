using System.Security.Cryptography.X509Certificates;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace Imguard.ServiceDefaults.Tls;

/// <summary>
/// Restricts endpoints to callers that presented a certificate of one of the given roles (already checked against
/// the deployment CA in the handshake); anyone else gets 403. The caller's role is put in
/// <see cref="HttpContext.Items"/> for the handler (<see cref="CallerRole"/>).
/// </summary>
/// <remarks>
/// The check wraps the endpoint's whole request delegate, so it runs before minimal APIs bind the request body: a
/// caller without the role gets 403 whatever it sends, never a 400 that tells it what the body should look like (an
/// endpoint filter would run only after binding), and routing's content-type check (415) is left to the endpoint so it
/// too comes after the role. A refusal is handed to every registered
/// <see cref="IServiceRoleRefusalListener"/> (the platform audits it).
/// </remarks>
public static class ServiceRoleFilter
{
    private const string ItemKey = "imguard.caller-role";

    public static TBuilder RequireServiceRole<TBuilder>(this TBuilder builder, params ServiceRole[] roles)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ServiceRole[] allowed = [.. roles];
        // Finally conventions run after the request delegate factory has built the delegate that binds parameters.
        builder.Finally(endpoint =>
        {
            // Fail closed: an endpoint whose delegate is not built yet would otherwise go unchecked.
            RequestDelegate inner = endpoint.RequestDelegate
                ?? throw new InvalidOperationException($"RequireServiceRole cannot wrap endpoint '{endpoint.DisplayName}': it has no request delegate.");
            endpoint.RequestDelegate = context => Admit(context, allowed) ? inner(context) : RefuseAsync(context);
            // Routing answers a body of the wrong content type with 415 before any endpoint code runs; without the
            // accepts metadata the endpoint's own binding checks it, after the role (and still answers 415).
            for (int i = endpoint.Metadata.Count - 1; i >= 0; i--)
            {
                if (endpoint.Metadata[i] is IAcceptsMetadata)
                {
                    endpoint.Metadata.RemoveAt(i);
                }
            }
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

    private static bool Admit(HttpContext context, ServiceRole[] allowed)
    {
        X509Certificate2? certificate = context.Connection.ClientCertificate;
        ServiceRole? role = certificate is null ? null : CertificateValidation.RoleOf(certificate);
        if (role is not ServiceRole caller || !allowed.Contains(caller))
        {
            return false;
        }
        context.Items[ItemKey] = caller;
        return true;
    }

    private static async Task RefuseAsync(HttpContext context)
    {
        foreach (IServiceRoleRefusalListener listener in context.RequestServices.GetServices<IServiceRoleRefusalListener>())
        {
            listener.Refused(context);
        }
        await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Service certificate required",
            detail: "This endpoint is for IMGuard services; present a certificate of an allowed role.").ExecuteAsync(context);
    }
}
