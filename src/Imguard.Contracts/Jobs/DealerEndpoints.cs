namespace Imguard.Contracts.Jobs;

/// <summary>
/// Paths of the dealer's endpoints (relative, for an HttpClient whose base address is the dealer: the platform, or
/// the dealer's own service), all under <c>/internal/jobs/{id}/dealer</c> and for party certificates only. Binary
/// bodies are <c>application/octet-stream</c>, little-endian. And the one path a separate dealer calls on the
/// platform (<see cref="Job"/>, for the dealer's certificate only).
/// </summary>
public static class DealerEndpoints
{
    public const string OctetStream = "application/octet-stream";

    /// <summary>The most items one <see cref="Items"/> request may ask for.</summary>
    public const int MaxItemsPerRequest = 256;

    public static string Attempts(string jobId) => $"internal/jobs/{Uri.EscapeDataString(jobId)}/dealer/attempts";

    /// <summary>The attempt's status (<see cref="DealerAttemptStatus"/>), waiting at the dealer for <paramref name="wait"/> (<see cref="DealerWait"/>).</summary>
    public static string Attempt(string jobId, int attempt, string wait = DealerWait.None) => $"{Base(jobId, attempt)}?wait={Uri.EscapeDataString(wait)}";

    public static string InitialParameters(string jobId, int attempt) => $"{Base(jobId, attempt)}/initial-parameters";

    public static string Epoch(string jobId, int attempt, int epoch) => $"{Base(jobId, attempt)}/epochs/{epoch}";

    public static string HidingBatch(string jobId, int attempt, int epoch, int batch) => $"{Base(jobId, attempt)}/epochs/{epoch}/batches/{batch}";

    public static string TestEncodingBatch(string jobId, int attempt, int encoding, int batch) => $"{Base(jobId, attempt)}/test-encodings/{encoding}/batches/{batch}";

    public static string Items(string jobId, int attempt) => $"{Base(jobId, attempt)}/items";

    /// <summary>On the platform: what a dealer running as its own service learns of a job (<see cref="DealerJobView"/>); 404 when unknown or over.</summary>
    public static string Job(string jobId) => $"internal/dealer/jobs/{Uri.EscapeDataString(jobId)}";

    private static string Base(string jobId, int attempt) => $"internal/jobs/{Uri.EscapeDataString(jobId)}/dealer/attempts/{attempt}";
}
