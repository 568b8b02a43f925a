using Imguard.Contracts.Shares;

namespace Imguard.Party.Shares;

/// <summary>A committed, verified dataset half: its header and the digest this party reports to the platform.</summary>
/// <param name="Header">The validated header (dataset id, party, shape, count, payload kind).</param>
/// <param name="Digest">SHA-256 over the canonical header and the chunk hashes, every chunk verified.</param>
public sealed record StoredShare(ShareFileHeader Header, HalfDigest Digest);
