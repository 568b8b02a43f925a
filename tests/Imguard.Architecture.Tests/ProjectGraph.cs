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
        ["Imguard.Dealer"] = "the correlated-randomness role: job seeds, dealt weights, hiding keys, items; its endpoints and cost estimate",
        ["Imguard.Audit"] = "the audit service",
        ["Imguard.Platform"] = "the platform service (hosts the dealer by default)",
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

        [("Imguard.Dealer", "Imguard.Mpc")] = "the engine's dealer makes the correlated-randomness items the parties consume",
        [("Imguard.Dealer", "Imguard.Learning")] = "the dealer plans a job's randomness from its model and training options and deals InstaHide keys",
        [("Imguard.Dealer", "Imguard.Contracts")] = "job descriptions, the dealer's wire records and the job estimate",
        [("Imguard.Dealer", "Imguard.ServiceDefaults")] = "its endpoints' mutual-TLS roles (the parties only) and the audit client",

        [("Imguard.Audit", "Imguard.Contracts")] = "the audit event and checkpoint formats it receives and signs",
        [("Imguard.Audit", "Imguard.ServiceDefaults")] = "hosting, mutual TLS and the deployment's PKI, as every service",

        [("Imguard.Platform", "Imguard.Contracts")] = "grants, job descriptions and party reports on the wire",
        [("Imguard.Platform", "Imguard.ServiceDefaults")] = "hosting, mutual TLS, the PKI and the audit client, as every service",
        [("Imguard.Platform", "Imguard.Dealer")] =
            "the platform hosts the dealer by default, and asks it whether a job can be planned (JobPlanning) and what it will cost (JobCostEstimator)",

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
        [("Imguard.Cli", "Imguard.Dealer")] = "`bench train` runs both parties against an in-process dealer",
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
    };

    /// <summary>The projects whose compiled code is checked against <see cref="TransitiveUses"/>.</summary>
    public static readonly IReadOnlySet<string> TransitiveUseChecked = new HashSet<string>(StringComparer.Ordinal) { "Imguard.Platform" };

    /// <summary>
    /// Types a checked project uses from one of our projects it does not reference (compile access through a project it
    /// does reference), (from, type) → why. Anything else it uses from such a project fails the test: the platform
    /// reaches secure learning only through the dealer's named surface, and through these.
    /// </summary>
    public static readonly IReadOnlyDictionary<(string From, string Type), string> TransitiveUses = new Dictionary<(string, string), string>
    {
        // Not the dealer's question and no secret: the method's published figures and its privacy analysis, both
        // read-only functions of public settings or public data. Through Dealer -> Learning rather than a direct
        // reference, so that the graph does not hand the platform the secure-training engine.
        [("Imguard.Platform", "Imguard.Learning.Training.AccuracyTable")] =
            "the measured accuracy table (docs/accuracy.jsonl): the expected accuracy of a job's public settings, served with the estimate",
        [("Imguard.Platform", "Imguard.Learning.Privacy.PrivacyReport")] =
            "the public privacy report: gradient inversion on the public Fashion-MNIST test set, never on users' data",
        [("Imguard.Platform", "Imguard.Learning.Privacy.PrivacyReportOptions")] = "the public privacy report's settings",
        [("Imguard.Platform", "Imguard.Learning.Privacy.PrivacyReportResult")] = "the public privacy report's figures",
        [("Imguard.Platform", "Imguard.Learning.Privacy.PrivacyReportRow")] = "the public privacy report's figures",
        [("Imguard.Platform", "Imguard.Learning.Data.FashionMnist")] = "the public test set the privacy report runs on (Debian package)",
        [("Imguard.Platform", "Imguard.Learning.Data.LabeledImages")] = "the public test set the privacy report runs on, as loaded",
        [("Imguard.Platform", "Imguard.Learning.Data.Standardization")] = "the privacy report's optional standardization, passed as its default (none)",
        [("Imguard.Platform", "Imguard.Learning.Nn.ModelSpec")] =
            "the per-run privacy report attacks a job's model architecture (its public spec, no weight) on the public test set",
        [("Imguard.Platform", "Imguard.Learning.Nn.LayerSpec")] = "the per-run privacy report reads which layer comes first in a job's public spec",
    };
}
