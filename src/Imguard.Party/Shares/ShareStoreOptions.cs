using Imguard.Contracts.Shares;

namespace Imguard.Party.Shares;

/// <summary>
/// Size bounds of a party's share store, validated when the store is created (a misconfigured party fails at
/// start-up, not at the first upload).
/// </summary>
public sealed record ShareStoreOptions
{
    /// <summary>Largest share file accepted by upload or import (default 16 GiB plus room for header and trailer).</summary>
    public long MaxUploadBytes { get; init; } = (16L << 30) + (64L << 20);

    /// <summary>Largest single upload chunk (default 8 MiB): a chunk is held in memory while it is hashed.</summary>
    public int MaxChunkBytes { get; init; } = 8 << 20;

    /// <summary>Bounds applied when a file is verified or loaded.</summary>
    public ShareFileLimits FileLimits { get; init; } = ShareFileLimits.Default;

    /// <summary>
    /// Most bytes one user may have here, committed halves and the declared sizes of uploads in progress together
    /// (default 8 GiB). Applies to uploads that name an owner (all uploads through the API).
    /// </summary>
    public long UserQuotaBytes { get; init; } = 8L << 30;

    /// <summary>Most bytes one project may have here, counted like <see cref="UserQuotaBytes"/> (default 16 GiB).</summary>
    public long ProjectQuotaBytes { get; init; } = 16L << 30;

    /// <summary>An upload that receives no chunk for this long is removed with its bytes (default 24 hours).</summary>
    public TimeSpan IncompleteUploadExpiry { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Throws for a bound that cannot work.</summary>
    public void Validate()
    {
        if (MaxUploadBytes < ShareFileFormat.MinFileLength)
        {
            throw PartyError.InvalidOption(nameof(MaxUploadBytes), $"at least {ShareFileFormat.MinFileLength} bytes (the smallest share file)");
        }
        if (MaxChunkBytes is < 1 or > 256 << 20)
        {
            throw PartyError.InvalidOption(nameof(MaxChunkBytes), "between 1 byte and 256 MiB");
        }
        if (FileLimits is null)
        {
            throw PartyError.InvalidOption(nameof(FileLimits), "required");
        }
        if (UserQuotaBytes < ShareFileFormat.MinFileLength || ProjectQuotaBytes < ShareFileFormat.MinFileLength)
        {
            throw PartyError.InvalidOption(nameof(UserQuotaBytes), $"quotas of at least {ShareFileFormat.MinFileLength} bytes (the smallest share file)");
        }
        if (IncompleteUploadExpiry < TimeSpan.FromSeconds(1) || IncompleteUploadExpiry > TimeSpan.FromDays(365))
        {
            throw PartyError.InvalidOption(nameof(IncompleteUploadExpiry), "between 1 second and 365 days");
        }
    }
}
