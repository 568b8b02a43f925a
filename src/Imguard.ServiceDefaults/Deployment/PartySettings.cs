namespace Imguard.ServiceDefaults.Deployment;

/// <summary>One compute party: its HTTPS API (uploads, control, model shares) and its peer link (the 2PC channel).</summary>
public sealed record PartySettings
{
    public required ServiceEndpoint Api { get; init; }

    /// <summary><c>host:port</c> of the peer link. Party 0 listens on its own; party 1 dials party 0's.</summary>
    public required string Peer { get; init; }

    /// <summary>The largest dataset half a client may upload, in bytes.</summary>
    public long MaxUploadBytes { get; init; } = 4L << 30;

    /// <summary>
    /// Most bytes one user may hold at this party: committed halves plus the declared sizes of uploads in progress,
    /// counted by the user the upload grant names (default 8 GiB, the platform's default user quota: two halves of
    /// the largest size). At least <see cref="MaxUploadBytes"/>.
    /// </summary>
    public long UserQuotaBytes { get; init; } = 8L << 30;

    /// <summary>Most bytes one project may hold at this party, counted the same way (default 16 GiB). At least <see cref="MaxUploadBytes"/>.</summary>
    public long ProjectQuotaBytes { get; init; } = 16L << 30;

    /// <summary>
    /// An upload that receives no chunk for this long is removed with its bytes (default 24 hours: an owner's
    /// machine may sleep overnight or lose its network and still resume the next day with a fresh grant, while an
    /// abandoned upload holds disk and quota for a day at most). 1 second to 365 days.
    /// </summary>
    public TimeSpan IncompleteUploadExpiry { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// While chunks of an upload arrive, the party asks the platform at most this often whether the dataset is still
    /// wanted (an upload of a dataset the platform rejected or is deleting stops within about this long). Default 15
    /// seconds; 0 asks before every chunk; at most 1 hour.
    /// </summary>
    public TimeSpan DatasetCheckInterval { get; init; } = TimeSpan.FromSeconds(15);

    internal void Validate(string where)
    {
        Api.Validate($"{where}.api");
        _ = new ServiceEndpoint { Url = Api.Url, Listen = Peer }.ListenAddress();
        if (MaxUploadBytes <= 0)
        {
            throw ServiceError.BadSetting($"{where}.maxUploadBytes", "must be positive.");
        }
        if (UserQuotaBytes < MaxUploadBytes)
        {
            throw ServiceError.BadSetting($"{where}.userQuotaBytes", $"must be at least maxUploadBytes ({MaxUploadBytes}), or no upload of the largest size could be stored.");
        }
        if (ProjectQuotaBytes < MaxUploadBytes)
        {
            throw ServiceError.BadSetting($"{where}.projectQuotaBytes", $"must be at least maxUploadBytes ({MaxUploadBytes}), or no upload of the largest size could be stored.");
        }
        if (IncompleteUploadExpiry < TimeSpan.FromSeconds(1) || IncompleteUploadExpiry > TimeSpan.FromDays(365))
        {
            throw ServiceError.BadSetting($"{where}.incompleteUploadExpiry", "must be between 1 second and 365 days (e.g. \"1.00:00:00\" for a day).");
        }
        if (DatasetCheckInterval < TimeSpan.Zero || DatasetCheckInterval > TimeSpan.FromHours(1))
        {
            throw ServiceError.BadSetting($"{where}.datasetCheckInterval", "must be between 0 and 1 hour (e.g. \"00:00:15\").");
        }
    }
}
