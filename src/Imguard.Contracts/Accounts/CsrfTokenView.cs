namespace Imguard.Contracts.Accounts;

/// <summary>GET /api/auth/csrf: the request token (also in the <c>XSRF-TOKEN</c> cookie) and the header to send it in.</summary>
public sealed record CsrfTokenView(string Token, string HeaderName);
