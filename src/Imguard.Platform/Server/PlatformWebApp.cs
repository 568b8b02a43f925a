using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace Imguard.Platform.Server;

/// <summary>
/// Serves the web UI (the React app built into <c>web/dist</c>) from the platform's own origin: its files as static
/// files (hashed <c>/assets/*</c> cached for a year, everything else revalidated) and <c>index.html</c> for any other
/// GET that is not an API, internal, health or OpenAPI path (the app routes in the browser). Without a built UI the
/// API runs as before and <c>/</c> says how to build it.
/// </summary>
public static class PlatformWebApp
{
    /// <summary>The build-time location of <c>web/dist</c> in the source tree, stamped into this assembly.</summary>
    public const string SourceTreeMetadataKey = "ImguardWebDist";

    private static readonly string[] ReservedPrefixes = ["/api", "/internal", "/health", "/openapi"];

    /// <summary>
    /// Where the built UI is: <see cref="PlatformOptions.WebRoot"/> when set; else <c>wwwroot/</c> next to the
    /// executable (a deployment copies <c>web/dist</c> there); else the source tree's <c>web/dist</c> (a developer's
    /// build, e.g. <c>./run.sh</c>); null when none holds an <c>index.html</c>.
    /// </summary>
    public static string? ResolveRoot(PlatformOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.WebRoot is { } configured)
        {
            return Path.GetFullPath(configured);
        }

        string beside = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (File.Exists(Path.Combine(beside, "index.html")))
        {
            return beside;
        }

        string? source = typeof(PlatformWebApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == SourceTreeMetadataKey)?.Value;
        return !string.IsNullOrEmpty(source) && File.Exists(Path.Combine(source, "index.html")) ? Path.GetFullPath(source) : null;
    }

    /// <summary>Static files of the UI (before authentication: they are public and carry no data).</summary>
    public static WebApplication UsePlatformWebApp(this WebApplication app, string? root)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (root is null)
        {
            return app;
        }

        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(root),
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = context =>
            {
                context.Context.Response.Headers.CacheControl = context.Context.Request.Path.StartsWithSegments("/assets", StringComparison.Ordinal)
                    ? "public, max-age=31536000, immutable"
                    : "no-cache";
            },
        });
        return app;
    }

    /// <summary>The SPA fallback: <c>index.html</c> for the app's own routes; a problem 404 for unknown API paths.</summary>
    public static WebApplication MapPlatformWebApp(this WebApplication app, string? root)
    {
        ArgumentNullException.ThrowIfNull(app);
        string? index = root is null ? null : Path.Combine(root, "index.html");
        app.MapFallback(async http =>
        {
            PathString path = http.Request.Path;
            bool reserved = ReservedPrefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));
            bool read = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
            if (reserved || !read)
            {
                await TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                    detail: $"No endpoint answers {http.Request.Method} {path}.").ExecuteAsync(http);
                return;
            }

            if (index is null || !File.Exists(index))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                http.Response.ContentType = "text/plain; charset=utf-8";
                http.Response.Headers.CacheControl = "no-store";
                await http.Response.WriteAsync(
                    "IMGuard platform: the web UI is not built. Run ./run.sh (it builds web/ with npm), or `npm ci && npm run build` in web/, " +
                    "or set Platform:WebRoot to a built UI. The REST API is at /api (OpenAPI: /openapi/v1.json).\n");
                return;
            }

            http.Response.ContentType = "text/html; charset=utf-8";
            http.Response.Headers.CacheControl = "no-cache";
            await http.Response.SendFileAsync(index);
        });
        return app;
    }

    /// <summary>
    /// The Content-Security-Policy for the UI: scripts, styles and fonts from the platform only, no inline code, no
    /// framing; the browser may connect to the platform and to the parties' APIs (the owner's halves go straight there).
    /// </summary>
    public static string ContentSecurityPolicy(IEnumerable<Uri> partyApis)
    {
        ArgumentNullException.ThrowIfNull(partyApis);
        string parties = string.Join(' ', partyApis.Select(u => u.GetLeftPart(UriPartial.Authority)).Distinct(StringComparer.Ordinal));
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; "
               + $"connect-src 'self'{(parties.Length > 0 ? " " + parties : "")}; worker-src 'self' blob:; object-src 'none'; "
               + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }
}
