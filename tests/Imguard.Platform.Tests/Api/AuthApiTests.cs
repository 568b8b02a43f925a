using System.Net;
using System.Text.Json;
using Imguard.Contracts.Audit;
using Imguard.Platform.Api;
using Imguard.Platform.Security;

namespace Imguard.Platform.Tests.Api;

/// <summary>Registration, cookie sessions with CSRF, API tokens, lockout, rate limits and what the audit log keeps of them.</summary>
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
    public async Task Repeated_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        string name = PlatformApiFixture.Unique("dave");
        using ApiClient client = fixture.Anonymous();
        (await client.PostAsync("/api/auth/register", new { userName = name, password = PlatformApiFixture.Password })).EnsureSuccessStatusCode();
        for (int i = 1; i < PlatformApiFixture.MaxFailedLogins; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/auth/login", new { userName = name, password = "wrong password " + i })).StatusCode);
        }

        using HttpResponseMessage locked = await client.PostAsync("/api/auth/login", new { userName = name, password = "wrong password" });
        Assert.Equal(HttpStatusCode.Locked, locked.StatusCode);
        Assert.True(locked.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.Locked, (await client.PostAsync("/api/auth/login", new { userName = name, password = PlatformApiFixture.Password })).StatusCode);

        IReadOnlyList<JsonElement> records = await fixture.AuditRecordsAsync();
        Assert.Single(records, r => Is(r, AuditEventTypes.UserLockedOut, "user:" + name));
        Assert.Equal(PlatformApiFixture.MaxFailedLogins + 1, records.Count(r => Is(r, AuditEventTypes.UserLoginFailed, "user:" + name)));
    }

    [ProviderFact]
    public async Task Too_many_logins_for_one_name_from_one_address_get_429_with_Retry_After()
    {
        string name = PlatformApiFixture.Unique("nobody");
        using ApiClient client = fixture.Anonymous();
        for (int i = 0; i < PlatformApiFixture.LoginPermits; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/auth/login", new { userName = name, password = "guess " + i })).StatusCode);
        }

        using HttpResponseMessage limited = await client.PostAsync("/api/auth/tokens", new { userName = name, password = "guess", name = "cli" });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        // Another user name from the same address is not affected.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/auth/login", new { userName = name + "x", password = "guess" })).StatusCode);

        // An unknown user name is never written to the audit log as an actor.
        IReadOnlyList<JsonElement> records = await fixture.AuditRecordsAsync();
        Assert.DoesNotContain(records, r => r.GetProperty("actor").GetString()!.Contains(name, StringComparison.Ordinal));
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
