using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Imguard.Platform.Security;

/// <summary>
/// Response headers for every platform answer: HSTS (the platform is HTTPS only), no MIME sniffing, no framing, no
/// referrer, and no caching of API responses (they carry user data and, once, passwords, tokens and grants).
/// </summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UsePlatformSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            IHeaderDictionary headers = http.Response.Headers;
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
