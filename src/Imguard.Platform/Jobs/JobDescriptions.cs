using System.Text.Json;
using Imguard.Contracts.Jobs;

namespace Imguard.Platform.Jobs;

/// <summary>
/// The job description the parties and the dealer receive, made from the platform's job row and the training
/// dataset's number format. Everything in it is public to both parties and the dealer (ids, architecture,
/// hyper-parameters, formats).
/// </summary>
public static class JobDescriptions
{
    public static JobDescription From(JobInfo job, int fractionalBits, int attempt = 0)
    {
        ArgumentNullException.ThrowIfNull(job);
        JobTrainingOptions training = JsonSerializer.Deserialize<JobTrainingOptions>(job.TrainingOptionsJson, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException($"Job {job.Id} has no training options.");
        return new JobDescription
        {
            JobId = job.Id,
            ProjectId = job.ProjectId.ToString(),
            TrainDatasetId = job.TrainDatasetId,
            TestDatasetId = job.TestDatasetId,
            ModelFromJobId = job.ModelFromJobId,
            ModelSpecJson = job.ModelSpecJson,
            Training = training,
            FractionalBits = fractionalBits,
            ComparisonBits = training.ComparisonBits,
            Attempt = attempt,
        };
    }
}
