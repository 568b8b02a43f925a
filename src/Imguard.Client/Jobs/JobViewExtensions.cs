using System.Text.Json;
using Imguard.Contracts.Jobs;

namespace Imguard.Client.Jobs;

/// <summary>What the owner's client reads out of a job's training options (a JSON object on the wire).</summary>
public static class JobViewExtensions
{
    /// <summary>T of "InstaHide in inference" (the job's <c>testEncodings</c>), 0 when its test set was evaluated clean.</summary>
    public static int TestEncodings(this JobView job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Training is { ValueKind: JsonValueKind.Object } training && training.TryGetProperty("testEncodings", out JsonElement t) && t.TryGetInt32(out int value) ? value : 0;
    }
}
