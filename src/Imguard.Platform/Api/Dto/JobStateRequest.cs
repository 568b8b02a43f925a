using Imguard.Platform.Jobs;

namespace Imguard.Platform.Api;

/// <summary>POST /internal/jobs/{id}/state: a transition; <c>message</c> is required for <c>failed</c>; <c>resume</c> allows running → preprocessing.</summary>
public sealed record JobStateRequest(JobState State, string? Message = null, bool Resume = false);
