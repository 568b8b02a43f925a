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
    }
}
