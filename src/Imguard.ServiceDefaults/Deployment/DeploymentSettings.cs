using System.Text.Json;
using System.Text.Json.Serialization;
using Imguard.Contracts.Files;

namespace Imguard.ServiceDefaults.Deployment;

/// <summary>
/// A deployment's settings (<c>imguard.json</c> in the data directory, written by <c>imguard init</c>): where each
/// role is reached and listens, and which database the platform and the audit server use. Validated when loaded, so a
/// service with a bad setting stops at start-up with a message naming the setting.
/// </summary>
public sealed record DeploymentSettings
{
    /// <summary>The loopback ports <c>imguard init</c> uses unless told otherwise: platform, party 0, party 1, audit, peer link (and a separate dealer).</summary>
    public const int DefaultBasePort = 7400;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required ServiceEndpoint Platform { get; init; }

    public DatabaseSettings PlatformDatabase { get; init; } = new();

    public required IReadOnlyList<PartySettings> Parties { get; init; }

    public required ServiceEndpoint Audit { get; init; }

    public DatabaseSettings AuditDatabase { get; init; } = new();

    /// <summary>
    /// Where the dealer (correlated randomness) runs as its own service (<c>imguard dealer</c>, its own certificate
    /// and host); null: the platform hosts it, at the platform's URL. The parties call the dealer at
    /// <see cref="DealerUrl"/>, pinned to the role that serves it.
    /// </summary>
    public ServiceEndpoint? Dealer { get; init; }

    /// <summary>Whether the dealer runs as its own service rather than inside the platform.</summary>
    [JsonIgnore]
    public bool DealerIsSeparate => Dealer is not null;

    /// <summary>The role whose certificate the parties expect on the dealer's endpoints: the dealer's own, or the platform's when it hosts the dealer.</summary>
    [JsonIgnore]
    public ServiceRole DealerHost => Dealer is null ? ServiceRole.Platform : ServiceRole.Dealer;

    /// <summary>Where the parties reach the dealer: its own URL, or the platform's.</summary>
    [JsonIgnore]
    public Uri DealerUrl => (Dealer ?? Platform).Url;

    /// <summary>
    /// Web origins besides the platform's own URL whose pages may call the parties' browser-facing APIs (uploads,
    /// model downloads, health) cross-origin, e.g. <c>https://imguard.example.org</c> when the UI is reached under
    /// another name than <see cref="Platform"/>'s URL. Scheme, host and port only.
    /// </summary>
    public IReadOnlyList<Uri>? BrowserOrigins { get; init; }

    /// <summary>Signed audit checkpoint every this many records.</summary>
    public int AuditCheckpointInterval { get; init; } = 1000;

    /// <summary>
    /// Everything on 127.0.0.1: platform at <paramref name="basePort"/>, parties +1 and +2, audit +3, peer link +4; the
    /// dealer inside the platform (<see cref="WithSeparateDealer"/> moves it to +5 or elsewhere).
    /// </summary>
    public static DeploymentSettings Loopback(int basePort = DefaultBasePort)
    {
        if (basePort is < 1024 or > 65530)
        {
            throw ServiceError.BadSetting("basePort", $"{basePort} is outside 1024..65530.");
        }
        static Uri Local(int port) => new($"https://127.0.0.1:{port}");
        return new DeploymentSettings
        {
            Platform = new ServiceEndpoint { Url = Local(basePort) },
            Parties =
            [
                new PartySettings { Api = new ServiceEndpoint { Url = Local(basePort + 1) }, Peer = $"127.0.0.1:{basePort + 4}" },
                new PartySettings { Api = new ServiceEndpoint { Url = Local(basePort + 2) }, Peer = $"127.0.0.1:{basePort + 4}" },
            ],
            Audit = new ServiceEndpoint { Url = Local(basePort + 3) },
        };
    }

    /// <summary>Where <paramref name="role"/> is reached; the dealer inside the platform is reached at the platform's endpoint.</summary>
    public ServiceEndpoint Endpoint(ServiceRole role) => role switch
    {
        ServiceRole.Platform => Platform,
        ServiceRole.Audit => Audit,
        ServiceRole.Dealer => Dealer ?? Platform,
        _ => Parties[ServiceRoles.PartyId(role)!.Value].Api,
    };

    /// <summary>These settings with the dealer as its own service at <paramref name="url"/> (the platform no longer hosts it).</summary>
    public DeploymentSettings WithSeparateDealer(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return this with { Dealer = new ServiceEndpoint { Url = url } };
    }

    /// <summary>The loopback URL <see cref="Loopback"/>'s port scheme gives a separate dealer: base port + 5.</summary>
    public static Uri LoopbackDealerUrl(int basePort = DefaultBasePort) => new($"https://127.0.0.1:{basePort + 5}");

    /// <summary>These settings with party <paramref name="partyId"/>'s settings changed by <paramref name="change"/>.</summary>
    public DeploymentSettings WithParty(int partyId, Func<PartySettings, PartySettings> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _ = ServiceRoles.Party(partyId); // 0 or 1
        PartySettings[] parties = [.. Parties];
        parties[partyId] = change(parties[partyId]);
        return this with { Parties = parties };
    }

    /// <summary>
    /// These settings with <paramref name="role"/> reached at <paramref name="url"/> (when given) and listening on
    /// <paramref name="listen"/> (<c>host:port</c>, when given). Certificates made from the result carry the URL's host.
    /// </summary>
    public DeploymentSettings WithEndpoint(ServiceRole role, Uri? url, string? listen)
    {
        if (role == ServiceRole.Dealer && Dealer is null)
        {
            // A dealer inside the platform has no address of its own; WithSeparateDealer gives it one first.
            return url is null && listen is null ? this
                : throw ServiceError.BadSetting("dealer", "the dealer runs inside the platform in these settings; give it its own address first.");
        }
        ServiceEndpoint current = Endpoint(role);
        ServiceEndpoint endpoint = current with { Url = url ?? current.Url, Listen = listen ?? current.Listen };
        return role switch
        {
            ServiceRole.Platform => this with { Platform = endpoint },
            ServiceRole.Audit => this with { Audit = endpoint },
            ServiceRole.Dealer => this with { Dealer = endpoint },
            _ => WithParty(ServiceRoles.PartyId(role)!.Value, p => p with { Api = endpoint }),
        };
    }

    /// <summary>These settings with the parties' peer link at <paramref name="peer"/> (<c>host:port</c>: party 0 listens, party 1 dials).</summary>
    public DeploymentSettings WithPeer(string peer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(peer);
        return WithParty(0, p => p with { Peer = peer }).WithParty(1, p => p with { Peer = peer });
    }

    public void Validate()
    {
        Platform.Validate("platform");
        PlatformDatabase.Validate("platform");
        if (Parties is not { Count: 2 })
        {
            throw ServiceError.BadSetting("parties", "a deployment has exactly two parties (0 and 1).");
        }
        Parties[0].Validate("parties[0]");
        Parties[1].Validate("parties[1]");
        Audit.Validate("audit");
        AuditDatabase.Validate("audit");
        Dealer?.Validate("dealer");
        foreach (Uri origin in BrowserOrigins ?? [])
        {
            if (!origin.IsAbsoluteUri || origin.Scheme is not ("https" or "http") || origin.AbsolutePath != "/" || origin.Query.Length > 0 || origin.Fragment.Length > 0)
            {
                throw ServiceError.BadSetting("browserOrigins", $"'{origin}' is not an origin (scheme://host[:port], nothing after it).");
            }
        }
        if (AuditCheckpointInterval < 1)
        {
            throw ServiceError.BadSetting("auditCheckpointInterval", "must be at least 1.");
        }
    }

    public static DeploymentSettings Load(string path)
    {
        if (!File.Exists(path))
        {
            throw ServiceError.NotInitialized(path);
        }
        DeploymentSettings? settings;
        try
        {
            settings = JsonSerializer.Deserialize<DeploymentSettings>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw ServiceError.BadSettingsFile(path, e.Message);
        }
        if (settings is null)
        {
            throw ServiceError.BadSettingsFile(path, "the file is empty.");
        }
        settings.Validate();
        return settings;
    }

    public void Save(string path)
    {
        Validate();
        OwnerOnly.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json));
    }
}
