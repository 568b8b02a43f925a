namespace Imguard.Architecture.Tests;

/// <summary>
/// The project graph IMGuard's trust roles allow (docs/ARCHITECTURE.md, "Project graph"): which <c>src/</c> project
/// may reference which, each edge with the reason it exists. Read from the bottom: the BCL-only libraries, the
/// shared service parts, secure learning, the services, the client, the one executable.
/// </summary>
internal static class ProjectGraph
{
    /// <summary>Every project under <c>src/</c> and its role; a new project is placed here before it is referenced.</summary>
    public static readonly IReadOnlyDictionary<string, string> Projects = new Dictionary<string, string>
    {
        ["Imguard.Contracts"] = "wire and file formats every side shares; BCL only",
        ["Imguard.Mpc"] = "the 2PC engine; BCL only: it takes certificates and channels, never a service or a PKI",
        ["Imguard.ServiceDefaults"] = "what every service shares: deployment layout, PKI, TLS, hosting, the audit client",
        ["Imguard.Learning"] = "secure learning on the engine: layers, training, InstaHide, data, export",
        ["Imguard.Audit"] = "the audit service",
        ["Imguard.Platform"] = "the platform service (hosts the dealer)",
        ["Imguard.Party"] = "a compute party service",
        ["Imguard.Client"] = "the data owner's and user's side: sharing, uploads, reconstruction",
        ["Imguard.Cli"] = "the one executable: every role and the client commands",
    };

    /// <summary>The allowed references, (from, to) → why.</summary>
    public static readonly IReadOnlyDictionary<(string From, string To), string> Allowed = new Dictionary<(string, string), string>
    {
        // Contracts and Mpc reference nothing of ours: the formats and the engine are what everything else is checked against.
        [("Imguard.ServiceDefaults", "Imguard.Contracts")] = "owner-only files (Contracts/Files) and the audit event batches its AuditClient sends",

        [("Imguard.Learning", "Imguard.Mpc")] = "secure layers compute on shares with the engine's protocols and dealer",
        [("Imguard.Learning", "Imguard.Contracts")] = "the share file format, owner-only files and job descriptions it trains from",

        [("Imguard.Audit", "Imguard.Contracts")] = "the audit event and checkpoint formats it receives and signs",
        [("Imguard.Audit", "Imguard.ServiceDefaults")] = "hosting, mutual TLS and the deployment's PKI, as every service",

        [("Imguard.Platform", "Imguard.Contracts")] = "grants, job descriptions and party reports on the wire",
        [("Imguard.Platform", "Imguard.ServiceDefaults")] = "hosting, mutual TLS, the PKI and the audit client, as every service",

        [("Imguard.Party", "Imguard.Contracts")] = "share files, grants, job descriptions and reports on the wire",
        [("Imguard.Party", "Imguard.ServiceDefaults")] = "hosting, mutual TLS, the PKI and the audit client, as every service",
        [("Imguard.Party", "Imguard.Learning")] = "a party trains and evaluates on its half of the data",
        [("Imguard.Party", "Imguard.Mpc")] = "a party runs the 2PC engine: the TLS peer link, the dealer's randomness",

        [("Imguard.Client", "Imguard.Contracts")] = "the share file it writes and the grants it presents",
        [("Imguard.Client", "Imguard.ServiceDefaults")] = "HTTP handlers that pin the deployment's CA and a service's role",
        [("Imguard.Client", "Imguard.Learning")] = "splitting data into shares, reconstructing models, ONNX export: on the owner's machine",

        [("Imguard.Cli", "Imguard.Mpc")] = "the one executable runs every role and the client (and `bench mpc`)",
        [("Imguard.Cli", "Imguard.ServiceDefaults")] = "the one executable runs every role and the client (and `init`, `bundle`)",
        [("Imguard.Cli", "Imguard.Learning")] = "the one executable runs every role and the client (and `bench train`)",
        [("Imguard.Cli", "Imguard.Audit")] = "`imguard audit` and `up` host the audit service",
        [("Imguard.Cli", "Imguard.Platform")] = "`imguard platform` and `up` host the platform",
        [("Imguard.Cli", "Imguard.Party")] = "`imguard party` and `up` host the parties",
        [("Imguard.Cli", "Imguard.Client")] = "the client commands (login, dataset, train, model, infer)",
    };

    /// <summary>
    /// References that exist today but are on their way out, each with the change that removes it. The test fails if
    /// one of them is gone (remove it here) or if any reference outside <see cref="Allowed"/> and this list appears.
    /// </summary>
    public static readonly IReadOnlyDictionary<(string From, string To), string> TemporaryExceptions = new Dictionary<(string, string), string>
    {
        [("Imguard.Platform", "Imguard.Learning")] =
            "issue 16 item 1: the dealer (TrainingDealer, HidingDealer, TestEncodingPlan, DealerCostEstimate) moves to " +
            "its own Imguard.Dealer project; the job checks (ModelSpec, TrainingOptions), the accuracy table and the " +
            "privacy report still reach into Learning until then",
    };
}
