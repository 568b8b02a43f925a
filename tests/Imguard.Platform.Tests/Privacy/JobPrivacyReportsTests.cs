using Imguard.Contracts.Jobs;
using Imguard.Learning.Data;
using Imguard.Learning.Nn;
using Imguard.Platform.Privacy;

namespace Imguard.Platform.Tests.Privacy;

/// <summary>
/// The per-run privacy report (issue 17, item 9): the attack for a job's exact model and hiding settings on public
/// images (synthetic shapes written under the test set's names here), shared by jobs with the same settings, and a
/// reason instead of a report where the attack does not apply.
/// </summary>
public sealed class JobPrivacyReportsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "imguard-job-privacy-" + Guid.NewGuid().ToString("N"));

    public JobPrivacyReportsTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Json(ModelSpec spec) => spec.ToJson();

    [Fact]
    public async Task A_jobs_report_uses_its_model_and_hiding_settings_and_is_shared_by_jobs_with_the_same()
    {
        PublicTestSet.Write(_directory, SyntheticShapes.Generate(60));
        var reports = new JobPrivacyReports(new PublicPrivacyReport(_directory));
        string plain = Json(ModelSpec.Mlp);
        string absFirst = Json(ModelSpec.PresetFor("mlp", Learning.Hiding.HidingMode.InstaHide));

        var (k2, unavailable, notApplicable) = await reports.GetAsync(plain, new JobTrainingOptions { K = 2, Hiding = HidingModes.Mixup });
        Assert.Null(unavailable);
        Assert.Null(notApplicable);
        Assert.NotNull(k2);
        Assert.Equal(2, k2.K);
        Assert.Equal(["raw", "mixup", "instahide", "instahide_abs"], k2.Rows.Select(r => r.Name));
        Assert.Contains("this job's model and hiding settings (k = 2", k2.Data, StringComparison.Ordinal);
        Assert.Same(k2, (await reports.GetAsync(plain, new JobTrainingOptions { K = 2, Hiding = HidingModes.InstaHide })).Report);

        var (k4, _, _) = await reports.GetAsync(plain, new JobTrainingOptions { K = 4 });
        Assert.Equal(4, k4!.K);

        // The InstaHide preset takes |x| first: every row is scored against |original|, and there is no separate |x| row.
        var (abs, _, _) = await reports.GetAsync(absFirst, new JobTrainingOptions { K = 4 });
        Assert.Equal(["raw", "mixup", "instahide"], abs!.Rows.Select(r => r.Name));
        Assert.All(abs.Rows, r => Assert.True(r.AbsoluteValue));
        Assert.Contains("|original|", abs.PngLayout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Where_the_attack_does_not_apply_or_the_public_images_are_missing_it_says_why()
    {
        var reports = new JobPrivacyReports(new PublicPrivacyReport(_directory));
        var (none, unavailable, _) = await reports.GetAsync(Json(ModelSpec.Mlp), new JobTrainingOptions());
        Assert.Null(none);
        Assert.Contains("apt-get install dataset-fashion-mnist", unavailable, StringComparison.Ordinal);

        var (_, _, cnn) = await reports.GetAsync(Json(ModelSpec.Cnn), new JobTrainingOptions());
        Assert.Contains("starts with 'conv2d'", cnn, StringComparison.Ordinal);
        var (_, _, shape) = await reports.GetAsync(Json(ModelSpec.Mlp with { Input = [3, 32, 32] }), new JobTrainingOptions());
        Assert.Contains("imguard privacy-report --job ID --images DIR", shape, StringComparison.Ordinal);
    }
}
