namespace Imguard.Party.Jobs.Attempts;

/// <summary>What a <see cref="PartySession"/> is opened for; it decides what the dealer feed is told.</summary>
internal enum PartySessionPurpose
{
    /// <summary>Training (then evaluation on the test half): the feed knows the batches, the hiding and the test set, and may prefetch.</summary>
    Training,

    /// <summary>Secure inference with a trained model share: clean images, no prefetch.</summary>
    Inference,
}
