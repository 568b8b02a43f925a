namespace Imguard.Contracts.Jobs;

/// <summary>
/// <c>GET /internal/jobs/{id}/dealer/attempts/{a}</c>: the attempt is still the job's live one, and whether the other
/// party has joined it. An attempt that was replaced or is over is refused (410 replaced or unknown, 409 stopped).
/// </summary>
public sealed record DealerAttemptStatus(int Attempt, bool PeerJoined);
