namespace Imguard.Contracts.Jobs;

/// <summary>The severity of a job log entry.</summary>
public enum JobLogLevel
{
    /// <summary>Progress and milestones.</summary>
    Information,

    /// <summary>Something worth a look that did not stop the job.</summary>
    Warning,

    /// <summary>What made the job fail.</summary>
    Error,
}
