using Imguard.Mpc.Randomness;

namespace Imguard.Party.Jobs.Attempts;

/// <summary>An attempt this party joined at the dealer, with the fresh seeds the dealer gave it for that attempt alone.</summary>
internal sealed record JoinedAttempt(int Attempt, Seed JobSeed, Seed RandomnessSeed);
