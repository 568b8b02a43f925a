using System.Text.Json;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;

namespace Imguard.Platform.Jobs;

/// <summary>
/// The job description the parties and the dealer receive, made from the platform's job row and the training
/// dataset's number format. Everything in it is public to both parties and the dealer (ids, architecture,
/// hyper-parameters, formats, owners' names, recipients' keys and the approvals' signatures). A training job's
/// further datasets come in union order and its consent carries every stored approval: each party checks them itself.
/// The standardisation is the one fixed at the job's creation, so the terms the approvers signed never change.
/// </summary>
public static class JobDescriptions
{
    public static JobDescription From(JobInfo job, int fractionalBits, int attempt = 0)
    {
        ArgumentNullException.ThrowIfNull(job);
        JobTrainingOptions training = JsonSerializer.Deserialize<JobTrainingOptions>(job.TrainingOptionsJson, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException($"Job {job.Id} has no training options.");
        IReadOnlyList<JobDatasetInfo> datasets = job.Datasets ?? [];
        return new JobDescription
        {
            JobId = job.Id,
            ProjectId = job.ProjectId.ToString(),
            TrainDatasetId = job.TrainDatasetId,
            AdditionalTrainDatasetIds = job.HasConsent
                ? [.. datasets.Where(d => d.Purpose == DatasetPurpose.Train).OrderBy(d => d.Position).Select(d => d.DatasetId).Where(id => id != job.TrainDatasetId)]
                : [],
            TestDatasetId = job.TestDatasetId,
            ModelFromJobId = job.ModelFromJobId,
            ModelSpecJson = job.ModelSpecJson,
            Training = training,
            FractionalBits = fractionalBits,
            ComparisonBits = training.ComparisonBits,
            Attempt = attempt,
            Standardization = job.Standardization,
            Consent = job.HasConsent
                ? new JobConsent
                {
                    Owners = [.. datasets.OrderBy(d => d.Position).Select(d => new JobDatasetOwner(d.DatasetId, d.OwnerName))],
                    Recipients = [.. (job.Recipients ?? []).Select(r => new ConsentRecipient(r.UserName, r.Key))],
                    Approvals = [.. (job.Approvals ?? []).OrderBy(a => a.SignedAt).Select(a => new ConsentApproval(a.Key, a.Signature))],
                }
                : null,
        };
    }
}
