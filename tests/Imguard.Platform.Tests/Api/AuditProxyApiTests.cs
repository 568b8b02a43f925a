using System.Net;
using System.Text.Json;
using Imguard.Contracts.Audit;
using Imguard.Platform.Api;

namespace Imguard.Platform.Tests.Api;

/// <summary>The admins' audit viewer back end, and the OpenAPI document.</summary>
public abstract class AuditProxyApiTests(PlatformApiFixture fixture)
{
    [ProviderFact]
    public async Task Administrators_read_and_verify_the_audit_log_through_the_platform_and_others_may_not()
    {
        string name = PlatformApiFixture.Unique("ivan");
        using ApiClient user = await fixture.CliAsync(name);
        using ApiClient admin = await fixture.AdminAsync();
        await fixture.AuditRecordsAsync(); // delivered

        JsonElement page = await admin.GetAsync<JsonElement>($"/api/audit/records?eventType={AuditEventTypes.UserRegistered}&actor=user:{name}&limit=5&ignored=1");
        JsonElement record = Assert.Single(page.GetProperty("records").EnumerateArray());
        Assert.Equal("platform", record.GetProperty("properties").GetProperty("source").GetString());
        Assert.True((await admin.GetAsync<JsonElement>("/api/audit/verify")).GetProperty("valid").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/audit/records?limit=100000")).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/api/audit/records")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/api/audit/verify")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous().GetAsync("/api/audit/records")).StatusCode);
    }

    [ProviderFact]
    public async Task Administrators_get_the_platforms_copies_of_signed_checkpoints_and_verify_checks_the_log_against_them()
    {
        using ApiClient user = await fixture.CliAsync(PlatformApiFixture.Unique("judy"));
        using ApiClient admin = await fixture.AdminAsync();
        await fixture.AuditRecordsAsync(); // delivered
        JsonElement signed = await fixture.SignAuditCheckpointAsync();
        long sequence = signed.GetProperty("sequence").GetInt64();

        // Asking for the copies copies what is new first; each copy is the checkpoint exactly as the audit server signed it.
        JsonElement page = await admin.GetAsync<JsonElement>("/api/audit/checkpoints?limit=1000");
        JsonElement copy = Assert.Single(page.GetProperty("checkpoints").EnumerateArray(), c => c.GetProperty("sequence").GetInt64() == sequence);
        foreach (string field in new[] { "chainHash", "signature", "keyId", "previousDigest" })
        {
            Assert.Equal(signed.GetProperty(field).GetString(), copy.GetProperty(field).GetString());
        }

        JsonElement verify = await admin.GetAsync<JsonElement>("/api/audit/verify");
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());
        Assert.InRange(verify.GetProperty("anchors").GetInt32(), 1, AuditProxyApi.VerifyAnchors);

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/audit/checkpoints?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/api/audit/checkpoints")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous().GetAsync("/api/audit/checkpoints")).StatusCode);
    }

    [ProviderFact]
    public async Task The_OpenAPI_document_lists_the_public_endpoint_groups_and_not_the_service_only_ones()
    {
        using ApiClient anonymous = fixture.Anonymous();
        string document = await (await anonymous.GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync();
        foreach (string path in new[] { "/api/auth/login", "/api/projects/{projectId}/datasets", "/api/jobs/{id}/events", "/api/jobs/{id}/progress", "/api/audit/records", "/api/projects/{projectId}/jobs/estimate" })
        {
            Assert.Contains($"\"{path}\"", document, StringComparison.Ordinal);
        }
        Assert.Contains("stored progress: its points and per-epoch rows", document, StringComparison.Ordinal);
        Assert.DoesNotContain("/internal/", document, StringComparison.Ordinal);
    }
}

public sealed class SqliteAuditProxyApiTests(SqlitePlatformApiFixture fixture) : AuditProxyApiTests(fixture), IClassFixture<SqlitePlatformApiFixture>;

public sealed class PostgresAuditProxyApiTests(PostgresPlatformApiFixture fixture) : AuditProxyApiTests(fixture), IClassFixture<PostgresPlatformApiFixture>, IPostgresTests;
