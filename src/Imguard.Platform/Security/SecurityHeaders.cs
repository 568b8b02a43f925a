using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Imguard.Platform.Security;

/// <summary>
/// Response headers for every platform answer: HSTS (the platform is HTTPS only), no MIME sniffing, no framing, no
/// referrer, no caching of API responses (they carry user data and, once, passwords, tokens and grants), and, when
/// given, a Content-Security-Policy (the web UI's: see <see cref="Server.PlatformWebApp.ContentSecurityPolicy"/>).
/// </summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UsePlatformSecurityHeaders(this IApplicationBuilder app, string? contentSecurityPolicy = null) =>
        app.Use((http, next) =>
        {
            IHeaderDictionary headers = http.Response.Headers;
            if (contentSecurityPolicy is not null)
            {
                headers.ContentSecurityPolicy = contentSecurityPolicy;
            }

            headers.StrictTransportSecurity = "max-age=31536000";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            if (http.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
            {
                headers.CacheControl = "no-store";
            }

            return next(http);
        });
}
