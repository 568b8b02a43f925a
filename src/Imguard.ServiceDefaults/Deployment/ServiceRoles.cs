namespace Imguard.ServiceDefaults.Deployment;

/// <summary>
/// Role names as they appear in certificates (subject CN and SAN) and file names: the name in a peer's certificate,
/// checked against our CA, is how a service knows which role is calling.
/// </summary>
public static class ServiceRoles
{
    public static IReadOnlyList<ServiceRole> All { get; } = [ServiceRole.Platform, ServiceRole.Party0, ServiceRole.Party1, ServiceRole.Audit, ServiceRole.Dealer];

    public static string Name(ServiceRole role) => role switch
    {
        ServiceRole.Platform => "platform",
        ServiceRole.Party0 => "party-0",
        ServiceRole.Party1 => "party-1",
        ServiceRole.Audit => "audit",
        ServiceRole.Dealer => "dealer",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown service role."),
    };

    public static bool TryParse(string? name, out ServiceRole role)
    {
        foreach (ServiceRole candidate in All)
        {
            if (string.Equals(Name(candidate), name, StringComparison.Ordinal))
            {
                role = candidate;
                return true;
            }
        }
        role = default;
        return false;
    }

    /// <summary>The party role for party id 0 or 1.</summary>
    public static ServiceRole Party(int partyId) => partyId switch
    {
        0 => ServiceRole.Party0,
        1 => ServiceRole.Party1,
        _ => throw new ArgumentOutOfRangeException(nameof(partyId), partyId, "A party id is 0 or 1."),
    };

    /// <summary>The party id of a party role, or null for the other roles.</summary>
    public static int? PartyId(ServiceRole role) => role switch
    {
        ServiceRole.Party0 => 0,
        ServiceRole.Party1 => 1,
        _ => null,
    };
}
