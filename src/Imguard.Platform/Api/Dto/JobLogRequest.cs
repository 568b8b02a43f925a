using Imguard.Contracts.Jobs;
using Imguard.Platform.Jobs;

namespace Imguard.Platform.Api;

/// <summary>POST /internal/jobs/{id}/log: one line, stored as <c>party N: message</c>; <c>time</c> is the party's time of the event.</summary>
public sealed record JobLogRequest(JobLogLevel Level, string? Message, DateTimeOffset? Time = null);
