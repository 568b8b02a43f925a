namespace Imguard.Contracts.Jobs;

/// <summary>Apply a trained job's model to a shared (test-purpose) dataset of the same project.</summary>
public sealed record CreateInferenceRequest(string? DatasetId);
