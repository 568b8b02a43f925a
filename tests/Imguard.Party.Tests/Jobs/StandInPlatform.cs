using System.Collections.Concurrent;
using System.Net.Http.Json;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Jobs;
using Imguard.Dealer.Api;
using Imguard.Dealer.Sessions;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Telemetry;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;

namespace Imguard.Party.Tests.Jobs;

/// <summary>
/// A stand-in platform on loopback with the platform's certificate: the real dealer endpoints (<see cref="DealerApi"/>
/// over <see cref="DealerSessions"/> with an in-memory job catalog), the three job report endpoints recording what the
/// parties post, and clients to post start/cancel to both parties. Also a stand-in audit server recording events.
/// </summary>
internal sealed class StandInPlatform : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WebApplication _audit;
    private readonly ServiceContext _service;
    private readonly ServiceContext _auditService;
    private readonly HttpClient[] _parties;

    private StandInPlatform(WebApplication app, WebApplication audit, ServiceContext service, ServiceContext auditService, Catalog catalog, DealerSessions dealer)
    {
        _app = app;
        _audit = audit;
        _service = service;
        _auditService = auditService;
        Jobs = catalog;
        Dealer = dealer;
        _parties = [.. Enumerable.Range(0, 2).Select(p => new HttpClient(MutualTls.CreateServiceHandler(service.Identity, ServiceRoles.Party(p)))
        {
            BaseAddress = service.Settings.Parties[p].Api.Url,
        })];
    }

    public Catalog Jobs { get; }

    public DealerSessions Dealer { get; }

    public ConcurrentQueue<(string Job, string Party, JobStateReport Report)> States { get; } = new();

    public ConcurrentQueue<(string Job, string Party, JobProgressReport Report)> Progress { get; } = new();

    public ConcurrentQueue<(string Job, string Party, JobLogReport Report)> Logs { get; } = new();

    public ConcurrentQueue<DealerUsage> Usage { get; } = new();

    public ConcurrentQueue<AuditEventMessage> AuditEvents { get; } = new();

    public static async Task<StandInPlatform> StartAsync(TestDeployment deployment, DealerSessionsOptions? options = null, TelemetryOptions? telemetry = null)
    {
        var service = new ServiceContext(ServiceRole.Platform, deployment.Directory, deployment.Settings, deployment.Identity(ServiceRole.Platform))
        {
            Telemetry = telemetry ?? TelemetryOptions.None,
        };
        var auditService = new ServiceContext(ServiceRole.Audit, deployment.Directory, deployment.Settings, deployment.Identity(ServiceRole.Audit));
        var catalog = new Catalog();
        StandInPlatform? self = null;
        var dealer = new DealerSessions(catalog, audit: null, logger: null, (options ?? new DealerSessionsOptions()) with
        {
            UsageReported = usage => self!.Usage.Enqueue(usage),
        });

        WebApplicationBuilder builder = ServiceHost.CreateBuilder(service, ClientCertificateMode.AllowCertificate);
        builder.Services.AddSingleton(dealer);
        WebApplication app = builder.Build();
        app.UseServiceDefaults();
        app.MapDealerApi();
        MapReport(app, "state", (job, party, body) =>
        {
            var report = Deserialize<JobStateReport>(body);
            self!.States.Enqueue((job, party, report));
            if (report.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled)
            {
                self.Dealer.EndJob(job); // as the platform does when a job reaches a final state
            }
        });
        MapReport(app, "progress", (job, party, body) => self!.Progress.Enqueue((job, party, Deserialize<JobProgressReport>(body))));
        MapReport(app, "log", (job, party, body) => self!.Logs.Enqueue((job, party, Deserialize<JobLogReport>(body))));

        WebApplication audit = ServiceHost.CreateBuilder(auditService, ClientCertificateMode.RequireCertificate).Build();
        audit.UseServiceDefaults();
        audit.MapPost("/api/audit/events", (AuditEventBatch batch) =>
        {
            foreach (AuditEventMessage e in batch.Events)
            {
                self!.AuditEvents.Enqueue(e);
            }
            return Results.Ok();
        }).RequireServiceRole(ServiceRole.Platform, ServiceRole.Party0, ServiceRole.Party1);

        self = new StandInPlatform(app, audit, service, auditService, catalog, dealer);
        await app.StartAsync();
        await audit.StartAsync();
        return self;
    }

    private static readonly System.Text.Json.JsonSerializerOptions Web = new(System.Text.Json.JsonSerializerDefaults.Web);

    private static T Deserialize<T>(System.Text.Json.JsonElement body) => System.Text.Json.JsonSerializer.Deserialize<T>(body, Web)!;

    private static void MapReport(WebApplication app, string kind, Action<string, string, System.Text.Json.JsonElement> record) =>
        app.MapPost($"/internal/jobs/{{jobId}}/{kind}", (string jobId, System.Text.Json.JsonElement body, HttpContext context) =>
        {
            record(jobId, ServiceRoles.Name(context.CallerRole()), body);
            return Results.Ok();
        }).RequireServiceRole(ServiceRole.Party0, ServiceRole.Party1);

    /// <summary>Registers the job with the dealer and posts its start to both parties.</summary>
    public async Task StartJobAsync(JobDescription description, int trainingCount, int testCount = 0)
    {
        Jobs.Add(new DealerJob(description, trainingCount, testCount));
        foreach (HttpClient party in _parties)
        {
            using HttpResponseMessage response = await party.PostAsJsonAsync($"internal/jobs/{description.JobId}/start", description);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        }
    }

    /// <summary>What the platform does when a user cancels: both parties are told, then the job is over for the dealer.</summary>
    public async Task CancelJobAsync(string jobId)
    {
        foreach (HttpClient party in _parties)
        {
            using HttpResponseMessage response = await party.PostAsync($"internal/jobs/{jobId}/cancel", null);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }
        Jobs.Remove(jobId);
        Dealer.EndJob(jobId);
    }

    public HttpClient Party(int partyId) => _parties[partyId];

    /// <summary>Waits until both parties have reported <paramref name="state"/> (or one reported failed: then fails with its message).</summary>
    public async Task WaitForBothAsync(string jobId, JobState state, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var reports = States.Where(s => s.Job == jobId).ToArray();
            if (state != JobState.Failed && reports.FirstOrDefault(s => s.Report.State == JobState.Failed) is { Job: not null } failed)
            {
                Assert.Fail($"{failed.Party} reported failed: {failed.Report.Message}");
            }
            if (reports.Where(s => s.Report.State == state).Select(s => s.Party).Distinct().Count() == 2)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Job {jobId} did not reach {state} at both parties in {timeout.TotalSeconds} s; reports: "
                    + string.Join(", ", reports.Select(r => $"{r.Party} {r.Report.State}")) + "; logs: "
                    + string.Join(" | ", Logs.Where(l => l.Job == jobId).Select(l => l.Report.Message)));
            }
            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (HttpClient party in _parties)
        {
            party.Dispose();
        }
        await _app.DisposeAsync();
        await _audit.DisposeAsync();
        Dealer.Dispose();
        _service.Dispose();
        _auditService.Dispose();
    }

    /// <summary>The jobs the dealer may serve; a removed job is over.</summary>
    internal sealed class Catalog : IDealerJobCatalog
    {
        private readonly ConcurrentDictionary<string, DealerJob> _jobs = new(StringComparer.Ordinal);

        public void Add(DealerJob job) => _jobs[job.Description.JobId] = job;

        public void Remove(string jobId) => _jobs.TryRemove(jobId, out _);

        public Task<DealerJob?> GetAsync(string jobId, CancellationToken cancellationToken) =>
            Task.FromResult(_jobs.TryGetValue(jobId, out DealerJob? job) ? job : null);
    }
}
