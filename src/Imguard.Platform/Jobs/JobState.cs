namespace Imguard.Platform.Jobs;

/// <summary>A training job's state; <see cref="JobStateMachine"/> holds the allowed transitions.</summary>
public enum JobState
{
    /// <summary>Created, waiting for the runner.</summary>
    Queued,

    /// <summary>The offline phase: the dealer makes the job's correlated randomness.</summary>
    Preprocessing,

    /// <summary>The online phase: the parties train on shares.</summary>
    Running,

    /// <summary>Finished; the model shares are with the parties.</summary>
    Succeeded,

    /// <summary>Stopped by an error; the message says why.</summary>
    Failed,

    /// <summary>Stopped at a user's request.</summary>
    Cancelled,
}
