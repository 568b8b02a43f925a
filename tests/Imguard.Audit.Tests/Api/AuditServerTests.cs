using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CsCheck;
using Imguard.Audit.Api;
using Imguard.Audit.Server;
using Imguard.Audit.Signing;
using Imguard.Contracts.Audit;
using Imguard.ServiceDefaults.Audit;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Imguard.Audit.Tests.Api;

/// <summary>The audit server on 127.0.0.1 with real mutual TLS, its SQLite database in a temp deployment.</summary>
public sealed class AuditServerTests : IAsyncLifetime
{
    private readonly TestDeployment _deployment = TestDeployment.Create();
    private ServiceContext? _service;
    private WebApplication? _app;

    public async Task InitializeAsync()
    {
        AuditServer.CreateSigningKey(_deployment.Directory);
        await StartAsync();
    }

    private async Task StartAsync()
    {
        _service = new ServiceContext(ServiceRole.Audit, _deployment.Directory, _deployment.Settings, _deployment.Identity(ServiceRole.Audit));
        _app = await AuditServer.CreateAsync(_service);
        await _app.StartAsync();
    }

    private async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
        _service?.Dispose();
        _service = null;
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        SqliteConnection.ClearAllPools();
        _deployment.Dispose();
    }

    private HttpClient ClientAs(ServiceRole role)
    {
        ServiceIdentity identity = _deployment.Identity(role);
        return new HttpClient(MutualTls.CreateServiceHandler(identity, ServiceRole.Audit)) { BaseAddress = _deployment.Settings.Audit.Url };
    }

    private static AuditEventBatch Batch(params AuditEventMessage[] events) => new() { Events = events };

    private static AuditEventMessage Event(string type, object? facts = null) => new()
    {
        EventType = type,
        Actor = "user:alice",
        Subjects = ["dataset:ds-1"],
        Properties = facts is null ? null : JsonSerializer.SerializeToElement(facts),
    };

    private async Task<AuditPageView> RecordsAsync()
    {
        using HttpClient platform = ClientAs(ServiceRole.Platform);
        return (await platform.GetFromJsonAsync<AuditPageView>("api/audit/records?limit=100"))!;
    }

    [Fact]
    public async Task A_party_appends_events_and_the_server_stamps_its_role_as_source()
    {
        using HttpClient party = ClientAs(ServiceRole.Party1);
        HttpResponseMessage response = await party.PostAsJsonAsync(AuditClient.EventsPath,
            Batch(Event("dataset.half_received", new { bytes = 4096, digest = "00112233445566778899aabbccddeeff" }), Event("dataset.ready")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AuditPageView page = await RecordsAsync();
        Assert.Equal(2, page.Records.Count);
        Assert.Equal("party-1", page.Records[0].Properties.GetProperty("source").GetString());
        Assert.Equal(4096, page.Records[0].Properties.GetProperty("bytes").GetInt64());
    }

    [Fact]
    public async Task A_batch_with_one_bad_event_appends_nothing()
    {
        using HttpClient platform = ClientAs(ServiceRole.Platform);
        HttpResponseMessage response = await platform.PostAsJsonAsync(AuditClient.EventsPath,
            Batch(Event("user.login"), Event("user.login", new { apiToken = "igt_abc" })));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("Event 1", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("igt_abc", problem, StringComparison.Ordinal);
        Assert.Empty((await RecordsAsync()).Records);
    }

    [Fact]
    public async Task A_sender_cannot_claim_another_source()
    {
        using HttpClient party = ClientAs(ServiceRole.Party0);
        HttpResponseMessage response = await party.PostAsJsonAsync(AuditClient.EventsPath, Batch(Event("dataset.ready", new { source = "platform" })));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Nested_or_fractional_properties_are_refused()
    {
        using HttpClient party = ClientAs(ServiceRole.Party0);
        Assert.Equal(HttpStatusCode.BadRequest, (await party.PostAsJsonAsync(AuditClient.EventsPath, Batch(Event("x.y", new { inner = new { a = 1 } })))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await party.PostAsJsonAsync(AuditClient.EventsPath, Batch(Event("x.y", new { ratio = 0.5 })))).StatusCode);
    }

    [Fact]
    public async Task Only_the_platform_reads_the_log()
    {
        using HttpClient party = ClientAs(ServiceRole.Party0);
        Assert.Equal(HttpStatusCode.Forbidden, (await party.GetAsync("api/audit/records")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await party.GetAsync("api/audit/verify")).StatusCode);
    }

    [Fact]
    public async Task Queries_filter_and_page()
    {
        using HttpClient platform = ClientAs(ServiceRole.Platform);
        for (int i = 0; i < 5; i++)
        {
            (await platform.PostAsJsonAsync(AuditClient.EventsPath, Batch(Event(i % 2 == 0 ? "user.login" : "user.logout")))).EnsureSuccessStatusCode();
        }
        AuditPageView first = (await platform.GetFromJsonAsync<AuditPageView>("api/audit/records?eventType=user.login&limit=2"))!;
        Assert.Equal(2, first.Records.Count);
        Assert.NotNull(first.NextCursor);
        AuditPageView second = (await platform.GetFromJsonAsync<AuditPageView>($"api/audit/records?eventType=user.login&limit=2&cursor={first.NextCursor}"))!;
        Assert.Single(second.Records);
        Assert.All(first.Records.Concat(second.Records), r => Assert.Equal("user.login", r.EventType));
        Assert.Equal(HttpStatusCode.BadRequest, (await platform.GetAsync("api/audit/records?limit=100000")).StatusCode);
    }

    [Fact]
    public async Task The_verify_endpoint_finds_an_edited_row()
    {
        using HttpClient platform = ClientAs(ServiceRole.Platform);
        (await platform.PostAsJsonAsync(AuditClient.EventsPath, Batch(Event("user.login"), Event("user.login"), Event("user.logout")))).EnsureSuccessStatusCode();
        Assert.True((await platform.GetFromJsonAsync<AuditVerificationView>("api/audit/verify"))!.Valid);

        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_deployment.Directory.RoleDirectory(ServiceRole.Audit), "audit.db")}"))
        {
            await connection.OpenAsync();
            using SqliteCommand edit = connection.CreateCommand();
            edit.CommandText = "UPDATE audit_records SET actor = 'user:mallory' WHERE sequence = 2";
            Assert.Equal(1, await edit.ExecuteNonQueryAsync());
        }
        AuditVerificationView report = (await platform.GetFromJsonAsync<AuditVerificationView>("api/audit/verify"))!;
        Assert.False(report.Valid);
        Assert.Equal(2, report.Breaks[0].Sequence);
    }

    [Fact]
    public async Task The_audit_client_holds_events_while_the_server_is_down_and_delivers_them_in_order()
    {
        await StopAsync();
        using ServiceIdentity party = _deployment.Identity(ServiceRole.Party0);
        var http = new HttpClient(MutualTls.CreateServiceHandler(party, ServiceRole.Audit)) { BaseAddress = _deployment.Settings.Audit.Url, Timeout = TimeSpan.FromSeconds(5) };
        using var client = new AuditClient(http, NullLogger<AuditClient>.Instance);
        await client.StartAsync(CancellationToken.None);
        for (int i = 0; i < 3; i++)
        {
            client.Emit("job.state_changed", "party:0", ["job:job-1"], new Dictionary<string, object> { ["step"] = i });
        }
        await Task.Delay(300);
        Assert.Equal(0, client.Sent);

        await StartAsync();
        Assert.True(await client.FlushAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(3, client.Sent);
        await client.StopAsync(CancellationToken.None);
        AuditPageView page = await RecordsAsync();
        Assert.Equal([0L, 1L, 2L], page.Records.Select(r => r.Properties.GetProperty("step").GetInt64()));
    }

    [Fact]
    public async Task Events_emitted_while_the_server_is_down_survive_a_crash_of_the_emitting_service()
    {
        await StopAsync();
        string outbox = Path.Combine(_deployment.Directory.Root, "party-0", "audit-outbox.jsonl");
        using ServiceIdentity party = _deployment.Identity(ServiceRole.Party0);
        HttpClient Http() => new(MutualTls.CreateServiceHandler(party, ServiceRole.Audit)) { BaseAddress = _deployment.Settings.Audit.Url, Timeout = TimeSpan.FromSeconds(5) };

        // The first service instance emits three events and dies without delivering any (never started, never flushed).
        using (var first = new AuditClient(Http(), NullLogger<AuditClient>.Instance, outboxPath: outbox))
        {
            for (int i = 0; i < 3; i++)
            {
                first.Emit("dataset.half_received", "party:0", ["dataset:ds-1"], new Dictionary<string, object> { ["step"] = i });
            }
        }
        Assert.Equal(3, File.ReadAllLines(outbox).Length);

        // Its successor, with the audit server back, delivers them in order and empties the outbox.
        await StartAsync();
        using var second = new AuditClient(Http(), NullLogger<AuditClient>.Instance, outboxPath: outbox);
        await second.StartAsync(CancellationToken.None);
        second.Emit("dataset.ready", "party:0", ["dataset:ds-1"]);
        Assert.True(await second.FlushAsync(TimeSpan.FromSeconds(30)));
        await second.StopAsync(CancellationToken.None);
        AuditPageView page = await RecordsAsync();
        Assert.Equal(["dataset.half_received", "dataset.half_received", "dataset.half_received", "dataset.ready"], page.Records.Select(r => r.EventType));
        Assert.Equal([0L, 1L, 2L], page.Records.Take(3).Select(r => r.Properties.GetProperty("step").GetInt64()));
        Assert.Equal(0, new FileInfo(outbox).Length);
    }

    private static AuditEventMessage WithId(AuditEventMessage message, string id) => message with { EventId = id };

    [Fact]
    public async Task A_batch_sent_twice_yields_one_record_per_event_and_the_chain_stays_intact()
    {
        using HttpClient party = ClientAs(ServiceRole.Party0);
        AuditEventBatch batch = Batch(
            WithId(Event("dataset.half_received", new { bytes = 4096 }), AuditClient.NewEventId()),
            WithId(Event("dataset.ready"), AuditClient.NewEventId()),
            Event("dataset.ready")); // no id (an older sender): appended every time it arrives
        HttpResponseMessage first = await party.PostAsJsonAsync(AuditClient.EventsPath, batch);
        HttpResponseMessage second = await party.PostAsJsonAsync(AuditClient.EventsPath, batch);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode); // success, so the sender's outbox empties
        Assert.Equal(new AuditAcceptedView(3, 3, 0), await first.Content.ReadFromJsonAsync<AuditAcceptedView>());
        Assert.Equal(new AuditAcceptedView(1, 4, 2), await second.Content.ReadFromJsonAsync<AuditAcceptedView>());
        AuditPageView page = await RecordsAsync();
        Assert.Equal(["dataset.half_received", "dataset.ready", "dataset.ready", "dataset.ready"], page.Records.Select(r => r.EventType));
        using HttpClient platform = ClientAs(ServiceRole.Platform);
        Assert.True((await platform.GetFromJsonAsync<AuditVerificationView>("api/audit/verify"))!.Valid);
    }

    [Fact]
    public async Task An_event_id_is_unique_per_sender_not_across_senders()
    {
        string id = AuditClient.NewEventId();
        using HttpClient party0 = ClientAs(ServiceRole.Party0);
        using HttpClient party1 = ClientAs(ServiceRole.Party1);
        (await party0.PostAsJsonAsync(AuditClient.EventsPath, Batch(WithId(Event("dataset.ready"), id)))).EnsureSuccessStatusCode();
        (await party1.PostAsJsonAsync(AuditClient.EventsPath, Batch(WithId(Event("dataset.ready"), id)))).EnsureSuccessStatusCode();
        AuditPageView page = await RecordsAsync();
        Assert.Equal(["party-0", "party-1"], page.Records.Select(r => r.Properties.GetProperty("source").GetString()));
    }

    [Fact]
    public async Task A_malformed_event_id_rejects_the_batch()
    {
        using HttpClient party = ClientAs(ServiceRole.Party0);
        HttpResponseMessage response = await party.PostAsJsonAsync(AuditClient.EventsPath, Batch(Event("dataset.ready"), WithId(Event("dataset.ready"), "not an id")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty((await RecordsAsync()).Records);
    }

    [Fact]
    public async Task An_outbox_resent_after_a_crash_between_acceptance_and_emptying_adds_no_record()
    {
        await StopAsync();
        string outbox = Path.Combine(_deployment.Directory.Root, "party-0", "audit-outbox.jsonl");
        using ServiceIdentity party = _deployment.Identity(ServiceRole.Party0);
        HttpClient Http() => new(MutualTls.CreateServiceHandler(party, ServiceRole.Audit)) { BaseAddress = _deployment.Settings.Audit.Url, Timeout = TimeSpan.FromSeconds(5) };
        using (var emitter = new AuditClient(Http(), NullLogger<AuditClient>.Instance, outboxPath: outbox))
        {
            for (int i = 0; i < 3; i++)
            {
                emitter.Emit("dataset.half_received", "party:0", ["dataset:ds-1"], new Dictionary<string, object> { ["step"] = i });
            }
        }
        byte[] unsent = File.ReadAllBytes(outbox);

        // The next instance delivers them and empties the outbox...
        await StartAsync();
        using (var deliverer = new AuditClient(Http(), NullLogger<AuditClient>.Instance, outboxPath: outbox))
        {
            await deliverer.StartAsync(CancellationToken.None);
            Assert.True(await deliverer.FlushAsync(TimeSpan.FromSeconds(30)));
            await deliverer.StopAsync(CancellationToken.None);
        }
        Assert.Equal(0, new FileInfo(outbox).Length);

        // ...but suppose it died after the server accepted the batch and before the outbox was emptied: the outbox
        // still holds all three, and the instance after it sends them again.
        File.WriteAllBytes(outbox, unsent);
        using (var resender = new AuditClient(Http(), NullLogger<AuditClient>.Instance, outboxPath: outbox))
        {
            await resender.StartAsync(CancellationToken.None);
            Assert.True(await resender.FlushAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(3, resender.Sent); // acknowledged, so the outbox empties
            await resender.StopAsync(CancellationToken.None);
        }
        Assert.Equal(0, new FileInfo(outbox).Length);

        AuditPageView page = await RecordsAsync();
        Assert.Equal([0L, 1L, 2L], page.Records.Select(r => r.Properties.GetProperty("step").GetInt64()));
        using HttpClient platform = ClientAs(ServiceRole.Platform);
        Assert.True((await platform.GetFromJsonAsync<AuditVerificationView>("api/audit/verify"))!.Valid);
    }

    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    private string AuditDatabasePath => Path.Combine(_deployment.Directory.RoleDirectory(ServiceRole.Audit), "audit.db");

    private async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={AuditDatabasePath};Pooling=false");
        await connection.OpenAsync();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Checkpoints_are_served_by_page_and_verify_takes_trusted_anchors()
    {
        using HttpClient platform = ClientAs(ServiceRole.Platform);
        (await platform.PostAsJsonAsync(AuditClient.EventsPath, Batch(Event("user.login"), Event("user.login"), Event("user.logout")))).EnsureSuccessStatusCode();
        AuditCheckpointMessage first = (await (await platform.PostAsync("api/audit/checkpoints", null)).Content.ReadFromJsonAsync<AuditCheckpointMessage>())!;
        (await platform.PostAsJsonAsync(AuditClient.EventsPath, Batch(Event("user.login")))).EnsureSuccessStatusCode();
        AuditCheckpointMessage second = (await (await platform.PostAsync("api/audit/checkpoints", null)).Content.ReadFromJsonAsync<AuditCheckpointMessage>())!;
        Assert.Equal((3L, 4L), (first.Sequence, second.Sequence));
        Assert.Equal(3, second.PreviousSequence);
        Assert.Equal(_deployment.Settings.AuditCheckpointInterval, second.Interval);
        Assert.Equal(60_000_000, second.PeriodMicroseconds);

        Assert.Equal([3L, 4L], (await platform.GetFromJsonAsync<List<AuditCheckpointMessage>>("api/audit/checkpoints"))!.Select(c => c.Sequence));
        Assert.Equal([4L], (await platform.GetFromJsonAsync<List<AuditCheckpointMessage>>("api/audit/checkpoints?after=3"))!.Select(c => c.Sequence));
        Assert.Equal([3L], (await platform.GetFromJsonAsync<List<AuditCheckpointMessage>>("api/audit/checkpoints?limit=1"))!.Select(c => c.Sequence));
        Assert.Equal(HttpStatusCode.BadRequest, (await platform.GetAsync("api/audit/checkpoints?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await platform.GetAsync("api/audit/checkpoints?after=-1")).StatusCode);
        using (HttpClient party = ClientAs(ServiceRole.Party0))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await party.GetAsync("api/audit/checkpoints")).StatusCode);
        }

        AuditVerificationView anchored = (await platform.GetFromJsonAsync<AuditVerificationView>($"api/audit/verify?expect=3:{first.ChainHash}&expect=4:{second.ChainHash}"))!;
        Assert.True(anchored.Valid);
        Assert.Equal(2, anchored.Anchors);
        AuditVerificationView wrong = (await platform.GetFromJsonAsync<AuditVerificationView>($"api/audit/verify?expect=3:{second.ChainHash}"))!;
        Assert.False(wrong.Valid);
        Assert.Equal(new AuditBreakView(3, "AnchorMismatch", wrong.Breaks[0].Description), wrong.Breaks[0]);
        Assert.Equal(HttpStatusCode.BadRequest, (await platform.GetAsync("api/audit/verify?expect=3:xyz")).StatusCode);
    }

    [Fact]
    public async Task The_server_remembers_its_last_checkpoint_outside_the_database_across_a_restart()
    {
        using (HttpClient platform = ClientAs(ServiceRole.Platform))
        {
            (await platform.PostAsJsonAsync(AuditClient.EventsPath, Batch(Event("user.login"), Event("user.logout")))).EnsureSuccessStatusCode();
        }

        await StopAsync(); // signs the shutdown checkpoint at record 2
        using (AuditVerificationKey key = AuditServer.LoadVerificationKey(_deployment.Directory.AuditVerificationKeyPath))
        {
            // `audit verify` takes it as an anchor, once its signature verifies.
            Assert.Equal(2, AuditServer.LastCheckpointAnchor(_deployment.Directory, key)!.Sequence);
            string path = AuditServer.LastCheckpointPath(_deployment.Directory);
            string kept = await File.ReadAllTextAsync(path);
            await File.WriteAllTextAsync(path, kept.Replace("\"sequence\":2", "\"sequence\":3", StringComparison.Ordinal));
            Assert.Null(AuditServer.LastCheckpointAnchor(_deployment.Directory, key));
            await File.WriteAllTextAsync(path, kept);
        }

        // Someone with the database (not the key) deletes it while the server is down; the next run names it anyway.
        await ExecuteSqlAsync("DELETE FROM audit_checkpoints");
        await StartAsync();
        using HttpClient again = ClientAs(ServiceRole.Platform);
        (await again.PostAsJsonAsync(AuditClient.EventsPath, Batch(Event("user.login")))).EnsureSuccessStatusCode();
        AuditCheckpointMessage next = (await (await again.PostAsync("api/audit/checkpoints", null)).Content.ReadFromJsonAsync<AuditCheckpointMessage>())!;
        Assert.Equal(2, next.PreviousSequence);
        AuditVerificationView report = (await again.GetFromJsonAsync<AuditVerificationView>("api/audit/verify"))!;
        Assert.False(report.Valid);
        Assert.Equal(new AuditBreakView(2, "MissingCheckpoint", report.Breaks[0].Description), Assert.Single(report.Breaks));
    }

    [Fact]
    public async Task Random_and_mutated_batches_get_a_200_or_a_clean_400_never_a_server_error()
    {
        using HttpClient party = ClientAs(ServiceRole.Party0);
        byte[] valid = JsonSerializer.SerializeToUtf8Bytes(Batch(Event("dataset.ready", new { bytes = 1 })), WebJson);
        byte[][] random = Gen.Byte.Array[0, 300].Array[40].Single();
        byte[][] mutated = Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Byte).Array[1, 4]
            .Select(edits =>
            {
                byte[] copy = [.. valid];
                foreach ((int at, byte b) in edits)
                {
                    copy[at] = b;
                }

                return copy;
            }).Array[60].Single();
        // Found by the property test: a JSON string that is not UTF-8 inside the properties object (read lazily).
        byte[] notUtf8 = [.. "{\"events\":[{\"eventType\":\"dataset.ready\",\"actor\":\"party:0\",\"properties\":{\"k\":\""u8, 0xC3, .. "\"}}]}"u8];
        foreach (byte[] body in random.Concat(mutated).Append(notUtf8))
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using HttpResponseMessage response = await party.PostAsync(AuditClient.EventsPath, content);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest,
                $"{(int)response.StatusCode} for a body of {body.Length} bytes: {Convert.ToHexString(body)}");
        }

        using HttpClient platform = ClientAs(ServiceRole.Platform);
        Assert.True((await platform.GetFromJsonAsync<AuditVerificationView>("api/audit/verify"))!.Valid);
    }
}
