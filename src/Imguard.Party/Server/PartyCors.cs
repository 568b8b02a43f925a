using Imguard.Contracts.Consent;
using Imguard.Contracts.Uploads;
using Imguard.ServiceDefaults.Deployment;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Imguard.Party.Server;

/// <summary>
/// Cross-origin access for the web UI: the owner's browser, on the platform's page, sends its dataset halves straight
/// to the parties and fetches model shares from them. Only the platform's origin (its URL in the deployment settings)
/// and the settings' <see cref="DeploymentSettings.BrowserOrigins"/> are allowed, only on <c>/api/uploads</c>,
/// <c>/api/models</c> and <c>/health</c>, with methods GET, POST, PUT, DELETE and headers Authorization, Content-Type,
/// X-Chunk-SHA256 and a signed model request's X-Imguard-Key, X-Imguard-Challenge and X-Imguard-Signature; no
/// credentials (requests carry a platform-signed grant, never a cookie). Any other origin gets no
/// Access-Control-Allow-Origin, so the browser refuses to hand it the answer.
/// </summary>
public static class PartyCors
{
    /// <summary>The origins allowed: the platform's, then the configured extra ones.</summary>
    public static IReadOnlyList<string> Origins(DeploymentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return [.. new[] { settings.Platform.Url }.Concat(settings.BrowserOrigins ?? [])
            .Select(u => u.GetLeftPart(UriPartial.Authority).ToLowerInvariant()).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The policy for <paramref name="settings"/>.</summary>
    public static CorsPolicy Policy(DeploymentSettings settings) => new CorsPolicyBuilder()
        .WithOrigins([.. Origins(settings)])
        .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete)
        .WithHeaders(HeaderNames.Authorization, HeaderNames.ContentType, UploadHeaders.ChunkSha256,
            ModelRequestHeaders.Key, ModelRequestHeaders.Challenge, ModelRequestHeaders.Signature)
        .DisallowCredentials()
        .SetPreflightMaxAge(TimeSpan.FromMinutes(10))
        .Build();

    /// <summary>Whether <paramref name="path"/> is one of the browser-facing endpoints.</summary>
    public static bool AppliesTo(PathString path) =>
        path.StartsWithSegments("/api/uploads") || path.StartsWithSegments("/api/models") || path.StartsWithSegments("/health");

    /// <summary>Answers preflights and adds the CORS headers on the browser-facing endpoints.</summary>
    public static WebApplication UsePartyCors(this WebApplication app, DeploymentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(app);
        CorsPolicy policy = Policy(settings);
        var cors = new CorsService(Options.Create(new CorsOptions()), app.Services.GetRequiredService<ILoggerFactory>());
        app.UseWhen(context => AppliesTo(context.Request.Path), branch => branch.Use(async (context, next) =>
        {
            CorsResult result = cors.EvaluatePolicy(context, policy);
            if (result.IsPreflightRequest)
            {
                // A preflight ends here: allowed, it carries the Access-Control-Allow-* headers; refused, it carries none.
                cors.ApplyResult(result, context.Response);
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }
            context.Response.OnStarting(() =>
            {
                cors.ApplyResult(result, context.Response);
                return Task.CompletedTask;
            });
            await next(context);
        }));
        return app;
    }
}
