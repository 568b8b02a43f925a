using System.Text.Json;
using Imguard.Cli.Client;
using Imguard.Cli.Tests.Client.Consent;
using Imguard.Client.Consent;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;

namespace Imguard.Cli.Tests.Client.Scaling;

/// <summary>
/// The standardisation in words where an owner decides (<c>job terms</c>, before <c>job approve</c> asks) and follows
/// (<c>job status</c>, <c>train --follow</c>): what a union job opens and to whom, each dataset's part, and the opened
/// statistics once the job records them. The words come from the signed parameters this device rebuilt.
/// </summary>
public sealed class StandardizationTextTests : IDisposable
{
    private readonly ConsentFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private ConsentTerms TermsWith(JobStandardization? standardization) => _fixture.Terms() with
    {
        Parameters = JobConsentTerms.Parameters(new JobDescription
        {
            JobId = ConsentFixture.JobId,
            ProjectId = "p",
            TrainDatasetId = "ds-alice",
            AdditionalTrainDatasetIds = ["ds-bob"],
            TestDatasetId = "ds-bob-test",
            ModelSpecJson = "{}",
            Training = new JobTrainingOptions { Epochs = 3, LearningRate = 0.05 },
            Standardization = standardization,
        }),
    };

    private List<string> TermsLines(ConsentTerms terms) =>
        [.. ConsentTermsText.Lines(ConsentApprover.Review(ConsentFixture.JobId, ConsentFixture.View(terms), _fixture.Device.PublicKey))];

    [Fact]
    public void A_union_job_says_what_is_opened_to_whom_and_what_each_dataset_discloses()
    {
        ConsentTerms terms = TermsWith(new JobStandardization
        {
            Mode = JobStandardizationModes.Union,
            Datasets =
            [
                new DatasetScaling("ds-alice", PixelScaling.Raw),
                new DatasetScaling("ds-bob", PixelScaling.Disclose([0.2860406], [0.3530241])),
                new DatasetScaling("ds-bob-test", PixelScaling.Raw),
            ],
        });

        List<string> lines = TermsLines(terms);

        Assert.Contains("standardisation: standardised on shares over the union of every training set: the parties open 2 numbers per channel " +
            "(the mean and the deviation of all owners' training images together, 2 in all for 1 channel) to both parties, the platform and every participant; " +
            "no per-owner statistic is opened", lines);
        Assert.Contains("  ds-alice was shared raw (x/255): no statistic of it is opened", lines);
        Assert.Contains("  ds-bob discloses its owner's statistics mean=0.2860406 std=0.3530241 (public to every participant)", lines);
        Assert.Contains("  ds-bob-test was shared raw (x/255): no statistic of it is opened", lines);
        Assert.Contains("  standardisation (standardization): union", lines);
        // What is shown is what is signed: the digest is over the same parameters.
        Assert.Contains($"digest (computed on this device): {Convert.ToHexStringLower(ConsentDigest.Compute(terms))}", lines);
    }

    [Fact]
    public void An_as_shared_job_and_a_job_from_before_say_each_dataset_is_used_as_its_owner_standardised_it()
    {
        ConsentTerms asShared = TermsWith(new JobStandardization
        {
            Mode = JobStandardizationModes.AsShared,
            Datasets = [new DatasetScaling("ds-alice", PixelScaling.Own), new DatasetScaling("ds-bob", PixelScaling.Own), new DatasetScaling("ds-bob-test", PixelScaling.Own)],
        });
        const string words = "standardisation: each dataset as its owner standardised it (with the owner's own statistics, which stay on the owner's device; nothing is opened)";

        Assert.Contains(words, TermsLines(asShared));
        Assert.Contains("  ds-bob was standardised with its owner's own statistics, which stay on the owner's device", TermsLines(asShared));
        Assert.Contains(words, TermsLines(TermsWith(null)));
        Assert.DoesNotContain(TermsLines(TermsWith(null)), l => l.Contains("union", StringComparison.Ordinal));
    }

    [Fact]
    public void Job_status_says_the_standardisation_and_the_opened_statistics()
    {
        JobView job = Job(null);

        Assert.Null(JobCommands.StandardizationLine(job));
        Assert.Equal("standardisation: as shared (each dataset with its owner's own statistics, which stay on the owner's device; nothing opened)",
            JobCommands.StandardizationLine(job with { Standardization = new JobStandardizationView(JobStandardizationModes.AsShared, null) }));
        Assert.Equal("standardisation: over the union of the training sets, on shares (the parties open its mean and deviation per channel when training starts)",
            JobCommands.StandardizationLine(job with { Standardization = new JobStandardizationView(JobStandardizationModes.Union, null) }));
        Assert.Equal("standardisation: over the union of the training sets, on shares; opened mean=0.045918 std=0.209325 over 94,080 values per channel",
            JobCommands.StandardizationLine(job with
            {
                Standardization = new JobStandardizationView(JobStandardizationModes.Union, new ChannelStatistics([0.0459183673], [0.2093247], 94_080)),
            }));
    }

    internal static JobView Job(JobStandardizationView? standardization) => new(
        "job-1", Guid.Empty, "ds-alice", null, JsonSerializer.SerializeToElement("mlp"), JsonSerializer.SerializeToElement(new { }), JobState.Running,
        Guid.Empty, DateTimeOffset.UnixEpoch, null, null, 1, 2, 10, null, null, null, false, null,
        Datasets: [new JobDatasetView("ds-alice", "a", ConsentPurposes.Train, "alice", "fp", 60, 60), new JobDatasetView("ds-bob", "b", ConsentPurposes.Train, "bob", "fp", 40, 40)],
        Standardization: standardization);
}
