using Imguard.Contracts.Shares;
using Imguard.Learning.Training;

namespace Imguard.Learning.Storage;

/// <summary>
/// A dataset half read from a share file: the party's <see cref="SharedDataset"/>, the header it came with (dataset id,
/// payload kind) and the digest of the verified file, which the party reports to the platform.
/// </summary>
/// <param name="Header">The validated header.</param>
/// <param name="Dataset">This party's half (a seed payload already expanded).</param>
/// <param name="Digest">SHA-256 over the canonical header and the chunk hashes, every chunk verified.</param>
public sealed record DatasetHalf(ShareFileHeader Header, SharedDataset Dataset, HalfDigest Digest);
