using Imguard.Client.Datasets;
using Imguard.Client.Models;
using Imguard.Client.Storage;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;

namespace Imguard.Cli.Tests.Client.Scaling;

/// <summary>
/// What <c>model download</c> builds into the ONNX and the parameters, and <c>infer</c> relies on: a model trained over
/// the union takes the statistics its job recorded — never the recipient's own training set's — with class names from
/// the owner folder when it has them; any other model takes the training set's statistics as before.
/// </summary>
public sealed class ModelInputStatisticsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "imguard-model-stats-" + Guid.NewGuid().ToString("N"));
    private readonly OwnerFolder _owner;

    public ModelInputStatisticsTests()
    {
        _owner = new OwnerFolder(_root);
        // Alice's own statistics of her training set: what a union model must not use.
        OwnerFolder.Create(_owner.DatasetFolder("ds-alice"));
        OwnerSharing.SaveStandardization(_owner.StatisticsPath("ds-alice"), new Learning.Data.Standardization([0.9], [0.1]), ["zero", "one"]);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static readonly ChannelStatistics Union = new([0.0459183673], [0.2093247], 94_080);

    [Fact]
    public void A_union_model_takes_the_jobs_statistics_and_the_owner_folders_class_names()
    {
        JobView job = StandardizationTextTests.Job(new JobStandardizationView(JobStandardizationModes.Union, Union));

        ModelInputStatistics input = ModelInputStatistics.For(job, _owner, statisticsPath: null);

        Assert.Equal([0.0459183673], input.Statistics!.Standardization.Mean);
        Assert.Equal([0.2093247], input.Statistics.Standardization.Std);
        Assert.Equal(["zero", "one"], input.Statistics.ClassNames);
        Assert.Equal("the union's statistics that the parties opened in job job-1 (mean=0.045918 std=0.209325, over 94,080 values per channel)", input.Source);
    }

    [Fact]
    public void A_union_model_names_the_classes_from_a_raw_datasets_record_or_by_index()
    {
        var owner = new OwnerFolder(Path.Combine(_root, "bob"));
        JobView job = StandardizationTextTests.Job(new JobStandardizationView(JobStandardizationModes.Union, Union));
        Assert.Null(ModelInputStatistics.For(job, owner, null).Statistics!.ClassNames);

        OwnerFolder.Create(owner.DatasetFolder("ds-bob"));
        new DatasetScalingRecord(PixelScalings.Raw, ["a", "b"]).Save(DatasetScalingRecord.PathOf(owner.DatasetFolder("ds-bob"), "ds-bob"));

        Assert.Equal(["a", "b"], ModelInputStatistics.For(job, owner, null).Statistics!.ClassNames);
    }

    [Fact]
    public void A_union_model_refuses_a_training_sets_file_and_a_job_without_statistics()
    {
        JobView job = StandardizationTextTests.Job(new JobStandardizationView(JobStandardizationModes.Union, Union));
        Assert.Throws<ArgumentException>(() => ModelInputStatistics.For(job, _owner, _owner.StatisticsPath("ds-alice")));

        JobView unopened = StandardizationTextTests.Job(new JobStandardizationView(JobStandardizationModes.Union, null));
        Assert.Throws<InvalidOperationException>(() => ModelInputStatistics.For(unopened, _owner, null));
    }

    [Fact]
    public void Any_other_model_takes_the_training_sets_own_statistics()
    {
        foreach (JobStandardizationView? view in new[] { null, new JobStandardizationView(JobStandardizationModes.AsShared, null) })
        {
            ModelInputStatistics input = ModelInputStatistics.For(StandardizationTextTests.Job(view), _owner, null);

            Assert.Equal([0.9], input.Statistics!.Standardization.Mean);
            Assert.Contains(_owner.StatisticsPath("ds-alice"), input.Source, StringComparison.Ordinal);
        }
    }
}
