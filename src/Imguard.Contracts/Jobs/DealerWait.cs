namespace Imguard.Contracts.Jobs;

/// <summary>What a status request may wait for at the dealer (a long poll, bounded by the dealer) before it answers.</summary>
public static class DealerWait
{
    /// <summary>Answer at once.</summary>
    public const string None = "none";

    /// <summary>Answer when the other party has joined the attempt, when the attempt ends, or at the dealer's bound.</summary>
    public const string Peer = "peer";

    /// <summary>Answer when the attempt ends (replaced, stopped, the job over) or at the dealer's bound.</summary>
    public const string End = "end";
}
