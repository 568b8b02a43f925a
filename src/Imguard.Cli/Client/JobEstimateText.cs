using Imguard.Client.Platform;
using Imguard.Contracts.Jobs;

namespace Imguard.Cli.Client;

/// <summary>
/// What <c>imguard train</c> prints before it starts a job: the measured cost, then the platform's expected test
/// accuracy of the settings beside training without hiding (the web form shows the same sentences), and a warning in
/// plain words when the expected accuracy is poor.
/// </summary>
internal static class JobEstimateText
{
    /// <param name="estimate">The platform's estimate of the job as asked.</param>
    /// <param name="instaHide">The expectation of the same job with InstaHide (k = <paramref name="instaHideK"/>), when it was asked otherwise: one option away, its accuracy in sight.</param>
    /// <param name="instaHideK">The k of that alternative.</param>
    public static IEnumerable<string> Lines(JobEstimate estimate, ExpectedAccuracy? instaHide = null, int instaHideK = 0)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        yield return
            $"estimate: {estimate.Steps} steps ({estimate.Epochs} × {estimate.StepsPerEpoch}); per step {estimate.PeerRoundsPerStep} rounds and " +
            $"{estimate.PeerBytesPerStepPerParty / 1e6:0.0} MB each way between the parties; dealer sends {estimate.TotalBytesToParty0 / 1e6:0.0} MB to party 0 and " +
            $"{estimate.TotalBytesToParty1 / 1e6:0.0} MB to party 1; about {TimeSpan.FromSeconds(estimate.EstimatedSeconds):hh\\:mm\\:ss} of computation " +
            $"({estimate.SecondsPerStepMeasured * 1000:0} ms per step measured on the platform, network not included)" +
            (estimate.TestEncodingWordsToParty1 > 0 ? $"; the test-time encodings add {estimate.TestEncodingWordsToParty1 * 8 / 1e6:0.0} MB to party 1 (in its total)" : "");
        if (estimate.ExpectedAccuracy is not { } expected)
        {
            yield break;   // a platform without the accuracy table
        }
        yield return $"accuracy: {expected.Summary} {expected.Basis}";
        if (expected.Warning is { } warning)
        {
            yield return $"warning: {warning}";
        }
        if (instaHide is { Measured: true, Percent: { } percent })
        {
            yield return $"with --hiding instahide --k {instaHideK}: about {Math.Round(percent, MidpointRounding.AwayFromZero):0} %" + (instaHide.Poor ? " (poor)." : ".");
        }
    }
}
