namespace Imguard.Contracts.Jobs;

/// <summary>
/// <c>POST /api/projects/{id}/jobs/estimate</c>: what a job will cost before it starts, as the dealer measured it
/// (Imguard.Dealer's JobCostEstimator: two secure training steps of the job's model on random shares of one batch,
/// counted): the dealer's words to each party per training step, the peer link's rounds and bytes per step, and
/// totals; with the test accuracy the measured table expects. One record for both ends: the platform serves it, the
/// owner's client and the web form read it (camelCase JSON).
/// </summary>
/// <param name="Epochs">Epochs of the job.</param>
/// <param name="StepsPerEpoch">⌈N / batch⌉.</param>
/// <param name="Steps">Epochs × steps per epoch.</param>
/// <param name="ItemsPerStep">Correlated-randomness items per step (dealer requests without batching).</param>
/// <param name="WordsPerStepToParty0">Dealer words to party 0 per step (DCF comparison keys only: the rest comes from its seed).</param>
/// <param name="WordsPerStepToParty1">Dealer words to party 1 per step, items only.</param>
/// <param name="HidingWordsPerStepToParty1">InstaHide coefficient words to party 1 per step.</param>
/// <param name="PeerRoundsPerStep">Online rounds between the parties per step.</param>
/// <param name="PeerBytesPerStepPerParty">Online bytes one party sends the other per step.</param>
/// <param name="InitialParameterWords">Party 1's initial-parameter words (once).</param>
/// <param name="EpochPublicBytes">Bytes of one epoch's public part (order and partners), to each party, per epoch.</param>
/// <param name="TestEncodingWordsToParty1">
/// The evaluation's test-time encodings ("InstaHide in inference"): party 1's coefficient words, T·N_test·(K + 1)·D
/// (each encoded test image's K rows of σ·λ per scalar and its RowMixing offsets); 0 without test encodings.
/// </param>
/// <param name="TotalBytesToParty0">All dealer bytes to party 0 over the job (items with their 48-byte headers, epochs, test-encoding rows).</param>
/// <param name="TotalBytesToParty1">All dealer bytes to party 1 over the job.</param>
/// <param name="SecondsPerStepMeasured">
/// Wall time of the measured step here: both parties and the dealer on this machine's cores, no network. A guide to
/// the online time per step of the real job (which adds the network's latency per round and the TLS cost per byte).
/// </param>
public sealed record JobEstimate(
    int Epochs, int StepsPerEpoch, long Steps, int ItemsPerStep, long WordsPerStepToParty0, long WordsPerStepToParty1,
    long HidingWordsPerStepToParty1, long PeerRoundsPerStep, long PeerBytesPerStepPerParty, long InitialParameterWords,
    long EpochPublicBytes, long TestEncodingWordsToParty1, long TotalBytesToParty0, long TotalBytesToParty1, double SecondsPerStepMeasured)
{
    /// <summary>
    /// The test accuracy the measured table (docs/accuracy.md) expects of the job's settings, beside training without
    /// hiding, with the sentences the web form and <c>imguard train</c> show; set by the estimate endpoint.
    /// </summary>
    public ExpectedAccuracy? ExpectedAccuracy { get; init; }

    /// <summary>Steps × the measured step time: the job's training time if the network adds nothing.</summary>
    public double EstimatedSeconds => Steps * SecondsPerStepMeasured;
}
