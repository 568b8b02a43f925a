using System.Text.Json.Serialization;

namespace Imguard.Contracts.Jobs;

/// <summary>
/// The severity of a job log entry. On the wire by name whatever the serializer's options (a party's report and the
/// platform's views alike); names are read in any case, numbers are refused.
/// </summary>
[JsonConverter(typeof(JobLogLevelJsonConverter))]
public enum JobLogLevel
{
    /// <summary>Progress and milestones.</summary>
    Information,

    /// <summary>Something worth a look that did not stop the job.</summary>
    Warning,

    /// <summary>What made the job fail.</summary>
    Error,
}
