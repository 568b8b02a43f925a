using System.Net;
using System.Text.Json;
using Imguard.Contracts.Accounts;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Projects;
using Imguard.Platform.Api;
using Imguard.Platform.Security;

namespace Imguard.Platform.Tests.Api;

/// <summary>Registration, cookie sessions with CSRF, API tokens, the login back-off, 401 challenges and what the audit log keeps of them.</summary>
public abstract class AuthApiTests(PlatformApiFixture fixture)
{
    private static readonly object NewProject = ApiTestData.NewProject;

    [ProviderFact]
    public async Task A_user_registers_logs_in_by_cookie_sees_themself_and_logs_out()
    {
        string name = PlatformApiFixture.Unique("alice");
        using ApiClient browser = fixture.Anonymous();
        UserView registered = await browser.PostAsync<UserView>("/api/auth/register", new { userName = name, displayName = "Alice", password = PlatformApiFixture.Password }, HttpStatusCode.Created);
        Assert.Equal("Alice", registered.DisplayName);

        using HttpResponseMessage login = await browser.PostAsync("/api/auth/login", new { userName = name, password = PlatformApiFixture.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        string[] setCookies = [.. login.Headers.GetValues("Set-Cookie")];
        string session = Assert.Single(setCookies, c => c.StartsWith(PlatformAuthentication.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", session, StringComparison.OrdinalIgnoreCase);
        string xsrf = Assert.Single(setCookies, c => c.StartsWith(CsrfProtection.TokenCookieName + "=", StringComparison.Ordinal));
        Assert.DoesNotContain("httponly", xsrf, StringComparison.OrdinalIgnoreCase);

        UserView me = await browser.GetAsync<UserView>("/api/auth/me");
        Assert.Equal(registered.Id, me.Id);

        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostAsync("/api/auth/logout")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/auth/me")).StatusCode);

        IReadOnlyList<JsonElement> records = await fixture.AuditRecordsAsync();
        Assert.Contains(records, r => Is(r, AuditEventTypes.UserRegistered, "user:" + name));
        Assert.Contains(records, r => Is(r, AuditEventTypes.UserLogin, "user:" + name));
        Assert.Contains(records, r => Is(r, AuditEventTypes.UserLogout, "user:" + name));
    }

    [ProviderFact]
    public async Task A_cookie_request_without_the_CSRF_header_is_refused_and_with_it_accepted()
    {
        string name = PlatformApiFixture.Unique("bob");
        using ApiClient browser = await fixture.BrowserAsync(name);

        using HttpResponseMessage forged = await browser.PostAsync("/api/projects", NewProject, csrf: false);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Contains("CSRF", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/projects") { Content = System.Net.Http.Json.JsonContent.Create(NewProject) };
        wrong.Headers.Add(CsrfProtection.HeaderName, "not-the-token");
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.Http.SendAsync(wrong)).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await browser.PostAsync("/api/projects", NewProject)).StatusCode);
        // A fresh token from GET /api/auth/csrf works as well.
        CsrfTokenView issued = await browser.GetAsync<CsrfTokenView>("/api/auth/csrf");
        Assert.Equal(CsrfProtection.HeaderName, issued.HeaderName);
        Assert.Equal(HttpStatusCode.Created, (await browser.PostAsync("/api/projects", NewProject)).StatusCode);

        IReadOnlyList<JsonElement> records = await fixture.AuditRecordsAsync();
        Assert.Contains(records, r => Is(r, AuditEventTypes.PermissionDenied, "user:" + name) && r.GetProperty("properties").GetProperty("reason").GetString() == "csrf");
    }

    [ProviderFact]
    public async Task An_API_token_authenticates_without_CSRF_and_stops_working_once_revoked()
    {
        string name = PlatformApiFixture.Unique("carol");
        using ApiClient cli = await fixture.CliAsync(name);
        Assert.Equal(HttpStatusCode.Created, (await cli.PostAsync("/api/projects", NewProject, csrf: false)).StatusCode);

        TokenView[] tokens = await cli.GetAsync<TokenView[]>("/api/auth/tokens");
        TokenView token = Assert.Single(tokens);
        Assert.StartsWith(token.Prefix, cli.Bearer, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await cli.DeleteAsync($"/api/auth/tokens/{token.Id}")).StatusCode);
        using HttpResponseMessage after = await cli.GetAsync("/api/projects");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("invalid_token", after.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        IReadOnlyList<JsonElement> records = await fixture.AuditRecordsAsync();
        Assert.Contains(records, r => Is(r, AuditEventTypes.ApiTokenCreated, "user:" + name));
        Assert.Contains(records, r => Is(r, AuditEventTypes.ApiTokenRevoked, "user:" + name));
    }

    [ProviderFact]
    public async Task Requests_without_credentials_get_401()
    {
        using ApiClient anonymous = fixture.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/projects")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/projects", NewProject)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/auth/me")).StatusCode);
        anonymous.Bearer = "igt_" + new string('A', 43);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/projects")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
    }

    [ProviderFact]
    public async Task Guessing_from_one_address_backs_off_that_address_and_never_locks_the_owner_out_of_another()
    {
        string name = PlatformApiFixture.Unique("dave");
        using ApiClient attacker = fixture.Anonymous(IPAddress.Parse("127.0.0.2"));
        (await attacker.PostAsync("/api/auth/register", new { userName = name, password = PlatformApiFixture.Password })).EnsureSuccessStatusCode();
        for (int i = 0; i <= PlatformApiFixture.LoginFreeFailures; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.PostAsync("/api/auth/login", new { userName = name, password = "wrong password " + i })).StatusCode);
        }

        // The attacker's address now waits, whatever it sends, on both endpoints that check passwords.
        using HttpResponseMessage refused = await attacker.PostAsync("/api/auth/tokens", new { userName = name, password = PlatformApiFixture.Password, name = "cli" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await attacker.PostAsync("/api/auth/login", new { userName = name, password = PlatformApiFixture.Password })).StatusCode);

        // The owner, from another address, logs in and gets a token at once; no answer anywhere says "locked".
        using ApiClient owner = fixture.Anonymous(IPAddress.Loopback);
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync("/api/auth/login", new { userName = name, password = PlatformApiFixture.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync("/api/auth/tokens", new { userName = name, password = PlatformApiFixture.Password, name = "cli" })).StatusCode);
        Assert.DoesNotContain("lock", await refused.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        IReadOnlyList<JsonElement> records = await fixture.AuditRecordsAsync();
        Assert.Equal(PlatformApiFixture.LoginFreeFailures + 1, records.Count(r => Is(r, AuditEventTypes.UserLoginFailed, "user:" + name)));
        Assert.DoesNotContain(records, r => Is(r, AuditEventTypes.UserLockedOut, "user:" + name));
    }

    [ProviderFact]
    public async Task An_unknown_user_name_gets_the_same_answers_as_an_existing_one()
    {
        string existing = PlatformApiFixture.Unique("erin");
        string unknown = PlatformApiFixture.Unique("nobody");
        using ApiClient client = fixture.Anonymous();
        (await client.PostAsync("/api/auth/register", new { userName = existing, password = PlatformApiFixture.Password })).EnsureSuccessStatusCode();
        foreach (string path in new[] { "/api/auth/login", "/api/auth/tokens" })
        {
            for (int i = 0; i <= PlatformApiFixture.LoginFreeFailures + 1; i++)
            {
                // The same wrong password for both names, so the bodies may be compared byte for byte.
                (int, string, string) known = await AnswerAsync(client, path, existing, "wrong password " + i);
                (int, string, string) other = await AnswerAsync(client, path, unknown, "wrong password " + i);
                Assert.Equal(known, other);
            }
        }
    }

    // Status, headers and body of a login or token request, less what differs between any two requests: the Date, the
    // per-request trace id, and the seconds of a back-off wait (the two names' waits started milliseconds apart).
    private static async Task<(int Status, string Headers, string Body)> AnswerAsync(ApiClient client, string path, string userName, string password)
    {
        using HttpResponseMessage response = await client.PostAsync(path, new { userName, password, name = "cli" });
        if (response.Headers.RetryAfter is { } retry)
        {
            Assert.InRange(retry.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        }

        string headers = string.Join("\n", response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key != "Date")
            .Select(h => $"{h.Key}: {(h.Key == "Retry-After" ? "N" : string.Join(",", h.Value))}")
            .Order(StringComparer.Ordinal));
        string body = await response.Content.ReadAsStringAsync();
        if (body.Length > 0)
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
            json.Remove("traceId");
            body = System.Text.RegularExpressions.Regex.Replace(json.ToJsonString(), @"\d+ s\b", "N s");
        }

        return ((int)response.StatusCode, headers, body);
    }

    [ProviderFact]
    public async Task Every_401_carries_a_WWW_Authenticate_challenge()
    {
        using ApiClient anonymous = fixture.Anonymous();
        foreach (HttpResponseMessage response in new[]
        {
            await anonymous.GetAsync("/api/projects"),
            await anonymous.GetAsync("/api/auth/me"),
            await anonymous.PostAsync("/api/auth/login", new { userName = PlatformApiFixture.Unique("x"), password = "not a password" }),
            await anonymous.PostAsync("/api/auth/tokens", new { userName = PlatformApiFixture.Unique("x"), password = "not a password", name = "cli" }),
        })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(PlatformChallenge.Challenge, response.Headers.WwwAuthenticate.ToString());
        }

        anonymous.Bearer = "igt_" + new string('A', 43);
        using HttpResponseMessage badToken = await anonymous.GetAsync("/api/projects");
        Assert.Equal(HttpStatusCode.Unauthorized, badToken.StatusCode);
        Assert.Equal(PlatformChallenge.InvalidTokenChallenge, badToken.Headers.WwwAuthenticate.ToString());

        // A session that ended (logged out) is a 401 with the challenge too.
        using ApiClient browser = await fixture.BrowserAsync(PlatformApiFixture.Unique("gina"));
        await browser.PostAsync("/api/auth/logout");
        using HttpResponseMessage ended = await browser.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, ended.StatusCode);
        Assert.Equal(PlatformChallenge.Challenge, ended.Headers.WwwAuthenticate.ToString());
    }

    [ProviderFact]
    public async Task A_disabled_user_loses_session_and_tokens_and_cannot_log_in()
    {
        string name = PlatformApiFixture.Unique("erin");
        using ApiClient cli = await fixture.CliAsync(name);
        using ApiClient browser = fixture.Anonymous();
        (await browser.PostAsync("/api/auth/login", new { userName = name, password = PlatformApiFixture.Password })).EnsureSuccessStatusCode();
        UserView me = await browser.GetAsync<UserView>("/api/auth/me");

        using ApiClient admin = await fixture.AdminAsync();
        await admin.SendAsync<UserView>(HttpMethod.Put, $"/api/users/{me.Id}/disabled", new { disabled = true });

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await cli.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Anonymous().PostAsync("/api/auth/login", new { userName = name, password = PlatformApiFixture.Password })).StatusCode);
    }

    [ProviderFact]
    public async Task Only_administrators_manage_users_and_a_reset_password_works_once_shown()
    {
        string name = PlatformApiFixture.Unique("frank");
        using ApiClient user = await fixture.CliAsync(name);
        using ApiClient admin = await fixture.AdminAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/api/users")).StatusCode);
        UserView[] users = await admin.GetAsync<UserView[]>("/api/users");
        UserView frank = Assert.Single(users, u => u.UserName == name);
        using ApiClient session = await fixture.BrowserAsync(name, register: false);

        GeneratedPasswordView reset = await admin.PostAsync<GeneratedPasswordView>($"/api/users/{frank.Id}/password", null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous().PostAsync("/api/auth/login", new { userName = name, password = PlatformApiFixture.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync("/api/auth/me")).StatusCode); // sessions from before the reset end
        using ApiClient again = await fixture.BrowserAsync(name, reset.Password, register: false);
        Assert.Equal(name, (await again.GetAsync<UserView>("/api/auth/me")).UserName);

        // By default the reset revoked the user's API token too: whoever held it is shut out with the old password.
        Assert.Equal(1, reset.RevokedTokens);
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.GetAsync("/api/auth/me")).StatusCode);
        IReadOnlyList<JsonElement> records = await fixture.AuditRecordsAsync();
        JsonElement audited = Assert.Single(records, r => r.GetProperty("eventType").GetString() == AuditEventTypes.UserPasswordReset
            && r.GetProperty("subjects").EnumerateArray().Any(s => s.GetString() == $"user:{frank.Id:D}"));
        Assert.Equal(1, audited.GetProperty("properties").GetProperty("revokedCount").GetInt32());

        // {revokeTokens: false} keeps them.
        using ApiClient kept = await fixture.CliAsync(name, reset.Password, register: false);
        GeneratedPasswordView keeping = await admin.PostAsync<GeneratedPasswordView>($"/api/users/{frank.Id}/password", new { revokeTokens = false });
        Assert.Equal(0, keeping.RevokedTokens);
        Assert.Equal(HttpStatusCode.OK, (await kept.GetAsync("/api/auth/me")).StatusCode);
    }

    [ProviderFact]
    public async Task No_password_token_or_grant_ever_reaches_the_audit_log()
    {
        string name = PlatformApiFixture.Unique("grace");
        const string Secret = "a very particular password 42";
        using ApiClient cli = await fixture.CliAsync(name, Secret);
        using ApiClient browser = await fixture.BrowserAsync(PlatformApiFixture.Unique("henry"));
        await fixture.Anonymous().PostAsync("/api/auth/login", new { userName = name, password = Secret + " wrong" });
        await fixture.Anonymous().PostAsync("/api/auth/login", new { userName = Secret.Replace(' ', '-'), password = Secret });
        ProjectView project = await cli.PostAsync<ProjectView>("/api/projects", NewProject, HttpStatusCode.Created);
        DatasetUploadView registered = await cli.PostAsync<DatasetUploadView>($"/api/projects/{project.Id}/datasets", ApiTestData.Registration(64), HttpStatusCode.Created);
        using ApiClient admin = await fixture.AdminAsync();
        UserView user = (await admin.GetAsync<UserView[]>("/api/users")).Single(u => u.UserName == name);
        GeneratedPasswordView reset = await admin.PostAsync<GeneratedPasswordView>($"/api/users/{user.Id}/password", null);

        string log = string.Join("\n", (await fixture.AuditRecordsAsync()).Select(r => r.GetRawText()));
        Assert.Contains(AuditEventTypes.UserPasswordReset, log, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, log, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret.Replace(' ', '-'), log, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.AdminPassword, log, StringComparison.Ordinal);
        Assert.DoesNotContain(reset.Password, log, StringComparison.Ordinal);
        Assert.DoesNotContain(cli.Bearer!, log, StringComparison.Ordinal);
        Assert.DoesNotContain(cli.Bearer![4..], log, StringComparison.Ordinal);
        Assert.DoesNotContain("igg1.", log, StringComparison.Ordinal);
        Assert.DoesNotContain(registered.Uploads[0].Grant.Split('.')[2], log, StringComparison.Ordinal);
    }

    internal static bool Is(JsonElement record, string eventType, string actor) =>
        record.GetProperty("eventType").GetString() == eventType && record.GetProperty("actor").GetString() == actor;
}

public sealed class SqliteAuthApiTests(SqlitePlatformApiFixture fixture) : AuthApiTests(fixture), IClassFixture<SqlitePlatformApiFixture>;

public sealed class PostgresAuthApiTests(PostgresPlatformApiFixture fixture) : AuthApiTests(fixture), IClassFixture<PostgresPlatformApiFixture>, IPostgresTests;
