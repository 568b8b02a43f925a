using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;
using Imguard.Learning.Nn;
using Imguard.Party.Jobs.Attempts;

namespace Imguard.Party.Tests.Jobs.Attempts;

/// <summary>
/// What the party checks of a job's standardisation before it loads anything: a disclosed scaling carries one mean
/// and one deviation per input channel of the job's model (the map on shares is per channel), and only a union job
/// standardises on shares.
/// </summary>
public sealed class UnionStandardizationStepTests
{
    private static readonly ModelSpec Gray = new([1, 8, 8], 10, [new("flatten"), new("linear", Out: 10)]);

    private static JobDescription Job(PixelScaling second, string mode = JobStandardizationModes.Union) => new()
    {
        JobId = "job-std",
        ProjectId = "prj-1",
        TrainDatasetId = "ds-a",
        AdditionalTrainDatasetIds = ["ds-b"],
        ModelSpecJson = Gray.ToJson(),
        Standardization = new JobStandardization { Mode = mode, Datasets = [new("ds-a", PixelScaling.Raw), new("ds-b", second)] },
    };

    [Fact]
    public void A_disclosed_scaling_with_a_number_per_channel_of_the_models_input_passes()
    {
        JobDescription job = Job(PixelScaling.Disclose([0.3], [0.2]));
        Assert.Null(UnionStandardizationStep.Problem(job, Gray));
        Assert.True(UnionStandardizationStep.Applies(job));
    }

    [Fact]
    public void A_disclosed_scaling_for_another_channel_count_than_the_models_input_is_refused()
    {
        JobDescription job = Job(PixelScaling.Disclose([0.3, 0.4, 0.5], [0.2, 0.2, 0.2]));
        Assert.Null(job.Check()); // the description alone cannot know the model's channels
        string? problem = UnionStandardizationStep.Problem(job, Gray);
        Assert.NotNull(problem);
        Assert.Contains("one mean and one standard deviation per channel (1)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_a_union_job_is_standardised_on_shares()
    {
        Assert.False(UnionStandardizationStep.Applies(Job(PixelScaling.Own, JobStandardizationModes.AsShared) with
        {
            Standardization = new JobStandardization { Mode = JobStandardizationModes.AsShared, Datasets = [new("ds-a", PixelScaling.Own), new("ds-b", PixelScaling.Own)] },
        }));
        Assert.False(UnionStandardizationStep.Applies(Job(PixelScaling.Raw) with { Standardization = null }));
    }
}
