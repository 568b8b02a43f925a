using System.Security.Cryptography;
using Imguard.Contracts.Grants;
using Microsoft.AspNetCore.Http;

namespace Imguard.Party.Api;

/// <summary>
/// Checks the platform-signed grant a client presents (<c>Authorization: Bearer igg1…</c>): signature by the
/// platform's key, this party, the purpose, not expired, and the resource it names.
/// </summary>
public sealed class GrantAuthorization(ECDsa platformPublicKey, int partyId, TimeProvider time)
{
    public int PartyId => partyId;

    /// <summary>The grant, or null with a reason (never echoing the token).</summary>
    public Grant? Check(HttpContext context, GrantPurpose purpose, string resource, out string reason)
    {
        ArgumentNullException.ThrowIfNull(context);
        string? header = context.Request.Headers.Authorization;
        const string scheme = "Bearer ";
        if (header is null || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            reason = "a grant from the platform is required (Authorization: Bearer igg1…)";
            return null;
        }
        Grant? grant = GrantToken.Verify(header[scheme.Length..].Trim(), platformPublicKey, partyId, purpose, time.GetUtcNow(), out reason);
        if (grant is not null && !string.Equals(grant.Resource, resource, StringComparison.Ordinal))
        {
            reason = "the grant is for another dataset";
            return null;
        }
        return grant;
    }
}
