using System.Net;
using System.Text.Json;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Privacy;
using Imguard.Contracts.Projects;
using Imguard.Learning.Data;

namespace Imguard.Platform.Tests.Api;

/// <summary>
/// GET /api/jobs/{id}/privacy-report (issue 17, item 9): whoever may read the job gets the attack for the job's own
/// model and hiding settings on public images (or the 503 naming the package where they are not installed); a model
/// or image shape the attack cannot measure gets a 422 saying what to run instead; others get nothing.
/// </summary>
public sealed class JobPrivacyReportApiTests(SqlitePlatformApiFixture fixture) : IClassFixture<SqlitePlatformApiFixture>
{
    [Fact]
    public async Task A_job_reader_gets_the_report_for_the_jobs_settings_and_a_stranger_does_not()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        ProjectView project = await owner.PostAsync<ProjectView>("/api/projects", ApiTestData.FashionProject, HttpStatusCode.Created);
        DatasetView train = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id, count: 256, shape: (1, 28, 28, 10));
        JobView job = await ApiTestData.QueuedJobAsync(owner, $"/api/projects/{project.Id}/jobs", new { model = "mlp", trainDatasetId = train.Id, hiding = "mixup", k = 3 });

        using HttpResponseMessage response = await owner.GetAsync($"/api/jobs/{job.Id}/privacy-report");
        string body = await response.Content.ReadAsStringAsync();
        if (File.Exists(Path.Combine(FashionMnist.DefaultDirectory, "t10k-images-idx3-ubyte.gz")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var report = JsonSerializer.Deserialize<JobPrivacyReportView>(body, JsonSerializerOptions.Web)!;
            Assert.Equal(("mixup", 3, "mixup"), (report.Hiding, report.K, report.Row));
            Assert.Equal(3, report.Report.K);
            Assert.Contains("this job's model and hiding settings (k = 3", report.Report.Data, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("apt-get install dataset-fashion-mnist", body, StringComparison.Ordinal);
        }

        using ApiClient stranger = await fixture.CliAsync(PlatformApiFixture.Unique("stranger"));
        using HttpResponseMessage refused = await stranger.GetAsync($"/api/jobs/{job.Id}/privacy-report");
        Assert.True(refused.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"a stranger got {refused.StatusCode}");
        Assert.DoesNotContain("psnr", await refused.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_model_the_attack_cannot_measure_gets_a_422_saying_what_to_run_instead()
    {
        using ApiClient owner = await fixture.CliAsync(PlatformApiFixture.Unique("owner"));
        ProjectView project = await ApiTestData.ProjectAsync(owner); // 1×8×8, 3 classes: not the public images' shape
        DatasetView train = await ApiTestData.ReadyDatasetAsync(fixture, owner, project.Id);
        JobView job = await ApiTestData.QueuedJobAsync(owner, $"/api/projects/{project.Id}/jobs", ApiTestData.Job(train.Id));

        using HttpResponseMessage response = await owner.GetAsync($"/api/jobs/{job.Id}/privacy-report");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("imguard privacy-report --job ID --images DIR", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
