namespace Imguard.Platform.Dealer;

/// <summary>
/// What a session has issued so far: counts and sizes only, never a value (the <c>randomness.issued</c> audit event).
/// Items are correlated-randomness items; dealt words are initial-parameter and InstaHide-coefficient messages (party 1 only).
/// </summary>
public sealed record DealerUsage(string JobId, int Attempt, long Party0Items, long Party0Words, long Party1Items, long Party1Words, long Party1DealtWords, bool Final);
