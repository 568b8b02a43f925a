using System.Security.Cryptography;
using Imguard.Contracts.Grants;
using Microsoft.AspNetCore.Http;

namespace Imguard.Party.Api;

/// <summary>
/// Checks the platform-signed grant a client presents (<c>Authorization: Bearer igg1…</c>): signature by the
/// platform's key, this party, the purpose, not expired, and the resource it names. A refusal says how to answer
/// it per RFC 6750 (<see cref="GrantDenial"/>).
/// </summary>
public sealed class GrantAuthorization(ECDsa platformPublicKey, int partyId, TimeProvider time)
{
    private const string Scheme = "Bearer ";

    public int PartyId => partyId;

    /// <summary>
    /// The grant, or null with the refusal (never echoing the token). When <paramref name="resource"/> is null the
    /// resource is not checked yet (the caller learns it from the body, read only after this check, and then calls
    /// <see cref="CheckResource"/>).
    /// </summary>
    public Grant? Check(HttpContext context, GrantPurpose purpose, string? resource, out GrantDenial denial)
    {
        ArgumentNullException.ThrowIfNull(context);
        string? header = context.Request.Headers.Authorization;
        if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            denial = GrantDenial.Missing("a grant from the platform is required (Authorization: Bearer igg1…)");
            return null;
        }
        Grant? grant = GrantToken.Verify(header[Scheme.Length..].Trim(), platformPublicKey, partyId, purpose, time.GetUtcNow(), out GrantFailure failure, out string reason);
        if (grant is null)
        {
            denial = failure is GrantFailure.WrongParty or GrantFailure.WrongPurpose ? GrantDenial.OutOfScope(reason) : GrantDenial.Invalid(reason);
            return null;
        }
        if (resource is not null && !CheckResource(grant, resource, out denial))
        {
            return null;
        }
        denial = GrantDenial.None;
        return grant;
    }

    /// <summary>Whether <paramref name="grant"/> names <paramref name="resource"/> (a dataset or a job, by its purpose).</summary>
    public static bool CheckResource(Grant grant, string resource, out GrantDenial denial)
    {
        ArgumentNullException.ThrowIfNull(grant);
        if (string.Equals(grant.Resource, resource, StringComparison.Ordinal))
        {
            denial = GrantDenial.None;
            return true;
        }
        denial = GrantDenial.OutOfScope(grant.Purpose == GrantPurpose.DownloadModel ? "the grant is for another job" : "the grant is for another dataset");
        return false;
    }
}
