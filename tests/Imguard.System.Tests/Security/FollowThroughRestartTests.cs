using System.Text.Json;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Imguard.SystemTests.Security;

/// <summary>
/// Issue 14, item 4: the platform went away during <c>imguard train --follow</c> and the CLI died with a stack trace.
/// The real <c>imguard job status --follow</c> follows a job on a stand-in platform (the deployment's TLS, the job API's
/// JSON) that is stopped and started again on the same port: the CLI says once that the platform is unreachable, once
/// that it is back, shows the progress made meanwhile and exits 0 when the job succeeds.
/// </summary>
public sealed class FollowThroughRestartTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Following_a_job_survives_a_platform_restart_with_one_line_down_and_one_back()
    {
        using TestDeployment deployment = TestDeployment.Create();
        string profile = WriteProfile(deployment, Path.Combine(deployment.Directory.Root, "profile.json"));
        var job = new StandInJob();

        StandInPlatform? platform = await StandInPlatform.StartAsync(deployment, job);
        await using ImguardProcess follow = ImguardProcess.Start("job", "status", "job-7", "--follow", "--profile", profile);
        try
        {
            await follow.WaitForLineAsync("job-7 Running epoch 0, step 1/10 (10%)", Bound);

            await platform.DisposeAsync();
            platform = null;
            await follow.WaitForLineAsync("platform unreachable (", Bound);
            job.Step = 6;
            await Task.Delay(1500); // a few retries while it is down
            platform = await StandInPlatform.StartAsync(deployment, job);
            await follow.WaitForLineAsync("platform reachable again; following job-7", Bound);
            await follow.WaitForLineAsync("job-7 Running epoch 0, step 6/10 (60%)", Bound);
            job.State = "Succeeded";
            job.Step = 10;
            Assert.Equal(0, await follow.WaitForExitAsync(Bound));
        }
        finally
        {
            if (platform is not null)
            {
                await platform.DisposeAsync();
            }
        }

        string output = follow.Output;
        Assert.Single(output.Split('\n'), l => l.Contains("platform unreachable", StringComparison.Ordinal));
        Assert.Single(output.Split('\n'), l => l.Contains("platform reachable again", StringComparison.Ordinal));
        Assert.Contains("job-7 Succeeded epoch 0, step 10/10 (100%)", output, StringComparison.Ordinal);
        HostileFileAttackTests.NoCrash(output);
    }

    /// <summary>A login profile for the deployment's platform URL and CA, with a token the stand-in does not check.</summary>
    internal static string WriteProfile(TestDeployment deployment, string path)
    {
        var profile = new
        {
            platform = deployment.Settings.Platform.Url,
            caCertificatePem = File.ReadAllText(deployment.Directory.CaCertificatePath),
            userName = "owner",
            token = "igt_standin",
            expiresAt = DateTimeOffset.UtcNow.AddDays(1),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(profile));
        return path;
    }

    private sealed class StandInJob
    {
        public volatile string State = "Running";
        public volatile int Step = 1;
    }

    // GET /api/jobs/{id} as the platform answers it, on the platform's endpoint with its certificate (a test fake).
    private sealed class StandInPlatform : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ServiceContext _service;

        private StandInPlatform(WebApplication app, ServiceContext service)
        {
            _app = app;
            _service = service;
        }

        public static async Task<StandInPlatform> StartAsync(TestDeployment deployment, StandInJob job)
        {
            var service = new ServiceContext(ServiceRole.Platform, deployment.Directory, deployment.Settings, deployment.Identity(ServiceRole.Platform));
            WebApplication app = ServiceHost.CreateBuilder(service, ClientCertificateMode.AllowCertificate).Build();
            app.MapGet("/api/jobs/{id}", (string id) => Results.Json(new
            {
                id,
                projectId = Guid.Empty,
                trainDatasetId = "ds-0123456789abcdef",
                state = job.State,
                createdAt = DateTimeOffset.UtcNow,
                epoch = 0,
                step = job.Step,
                totalSteps = 10,
                cancelRequested = false,
            }));
            await app.StartAsync();
            return new StandInPlatform(app, service);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.DisposeAsync();
            _service.Dispose();
        }
    }
}
