namespace Imguard.Contracts.Consent;

/// <summary>
/// A party's answer to <c>POST /api/models/{jobId}/{share|evaluation}/challenge</c>: the challenge to sign into a
/// <see cref="ModelRequestDigest"/> (base64, 32 bytes), the party that issued it and when it stops being accepted.
/// Single use: the download it answers consumes it, allowed or not.
/// </summary>
public sealed record ModelChallengeView(string Challenge, int PartyId, DateTimeOffset ExpiresAt);
