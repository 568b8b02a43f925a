namespace Imguard.Platform.Jobs;

/// <summary>
/// What a user gives to start training: the datasets (of the project) and two JSON documents the platform stores
/// and passes on without interpreting (the model spec and the training options, read by the parties).
/// </summary>
public sealed record JobRequest(Guid ProjectId, string TrainDatasetId, string? TestDatasetId, string ModelSpecJson, string TrainingOptionsJson);
