namespace Imguard.Contracts.Jobs;

/// <summary>
/// <c>POST /internal/jobs/{id}/dealer/attempts</c>: a party joins a run of the job, accepting any attempt number from
/// <see cref="MinAttempt"/> up. The dealer answers with the attempt both parties will run (<see cref="DealerAttemptReply"/>).
/// </summary>
public sealed record DealerAttemptRequest(int MinAttempt);

/// <summary>
/// The attempt the party joined and this party's two 16-byte seeds for it (base64 in JSON), each handed out once:
/// <see cref="JobSeed"/> expands its halves of the dealt secrets (initial weights, InstaHide coefficients) and its row
/// masks; <see cref="RandomnessSeed"/> expands its halves of the correlated randomness. <see cref="TrainingCount"/> is
/// the number of training images the dealer plans for (the party checks its half has as many). <see cref="PeerJoined"/>
/// says whether the other party has joined this attempt already: if not, the party waits for it at the dealer
/// (<see cref="DealerEndpoints.Attempt"/> with <see cref="DealerWait.Peer"/>) before it opens the peer link.
/// </summary>
public sealed record DealerAttemptReply(int Attempt, byte[] JobSeed, byte[] RandomnessSeed, int TrainingCount, bool PeerJoined = false);
