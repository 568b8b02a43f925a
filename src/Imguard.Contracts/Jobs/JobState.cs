using System.Text.Json.Serialization;

namespace Imguard.Contracts.Jobs;

/// <summary>
/// A job's state: the one vocabulary on every wire (the platform's API, a party's state reports and status replies)
/// and in a party's <c>state.json</c>, always written by name ("Running"); reading takes any case, so a party's
/// earlier lowercase files and reports still read. The platform's JobStateMachine holds the allowed transitions; a
/// party uses the states it can be in (not <see cref="Preprocessing"/>, which it only reports). A number is refused:
/// the default enum converter would read 99 as a state no code path knows.
/// </summary>
[JsonConverter(typeof(JobStateJsonConverter))]
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

    // The two approval states come last so that the names and positions of the states above never change; the
    // life order is AwaitingApproval → Queued → … (JobStateMachine).

    /// <summary>
    /// Created, waiting for a signature by every dataset owner's key and every recipient's key over the job's consent
    /// terms (<c>Imguard.Contracts.Consent.JobConsentTerms</c>); the job is queued when the last one arrives.
    /// </summary>
    AwaitingApproval,

    /// <summary>An owner or recipient declined: final; the job never ran.</summary>
    Declined,
}
