using Imguard.Contracts.Jobs;

namespace Imguard.Client.Platform;

// The job estimate as the owner's client reads it (camelCase on the wire). The platform's other request and view
// records are Imguard.Contracts' (Accounts, Projects, Datasets, Grants, Jobs), shared with the platform.

public sealed record JobEstimate(
    int Epochs, int StepsPerEpoch, long Steps, long PeerRoundsPerStep, long PeerBytesPerStepPerParty, long TotalBytesToParty0,
    long TotalBytesToParty1, double SecondsPerStepMeasured, double EstimatedSeconds, long TestEncodingWordsToParty1 = 0,
    ExpectedAccuracy? ExpectedAccuracy = null);
