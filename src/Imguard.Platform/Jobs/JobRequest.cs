namespace Imguard.Platform.Jobs;

/// <summary>
/// What a user gives to start training: the datasets (of the project) and two JSON documents the platform stores
/// and passes on without interpreting (the model spec and the training options, read by the parties); further
/// training datasets trained on as one union, and the user names that receive the model (null: the creator).
/// </summary>
public sealed record JobRequest(Guid ProjectId, string TrainDatasetId, string? TestDatasetId, string ModelSpecJson, string TrainingOptionsJson,
    IReadOnlyList<string>? AdditionalTrainDatasetIds = null, IReadOnlyList<string>? Recipients = null);
