namespace Imguard.Dealer.Sessions;

/// <summary>
/// What a session (one attempt of a job) has issued so far: counts and sizes only, never a value (the
/// <c>randomness.issued</c> audit event). Items are correlated-randomness items; dealt words are initial-parameter and
/// InstaHide-coefficient messages (party 1 only). Reported once per epoch, when the next epoch begins, and once when
/// the attempt ends (<see cref="Final"/>).
/// </summary>
public sealed record DealerUsage(string JobId, int Attempt, long Party0Items, long Party0Words, long Party1Items, long Party1Words, long Party1DealtWords, bool Final)
{
    /// <summary>The epoch (counted from 1, as people count them) that had just ended; null for the final report.</summary>
    public int? Epoch { get; init; }
}
