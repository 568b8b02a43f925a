namespace Imguard.ServiceDefaults.Resilience;

/// <summary>
/// One named retry: the first wait, which doubles (with jitter) on every failure up to <see cref="MaxDelay"/>; how many
/// tries in all (<see cref="MaxAttempts"/>, the first included); and, for a retry that outlasts a restart, how long it
/// may go on before it gives up (<see cref="GiveUpAfter"/>, the tries and waits together). <see cref="Retries"/> names
/// every one IMGuard uses and builds the pipeline that applies it.
/// </summary>
/// <param name="Name">What is retried, for the pipeline's name in telemetry and for messages.</param>
/// <param name="FirstDelay">The median wait before the first retry.</param>
/// <param name="MaxDelay">The longest wait between two tries.</param>
/// <param name="MaxAttempts">Tries in all, the first one included; <see cref="int.MaxValue"/> for no count.</param>
/// <param name="GiveUpAfter">How long the tries may go on in all; null for no bound but the caller's cancellation.</param>
public sealed record RetryPolicy(string Name, TimeSpan FirstDelay, TimeSpan MaxDelay, int MaxAttempts = int.MaxValue, TimeSpan? GiveUpAfter = null)
{
    /// <summary>Retries after the first try; Polly counts these.</summary>
    public int MaxRetries => MaxAttempts == int.MaxValue ? int.MaxValue : MaxAttempts - 1;
}
