using Imguard.Platform.Accounts;
using Imguard.Platform.Data;

namespace Imguard.Platform.Tests.Accounts;

public abstract class ApiTokenServiceTests(PlatformDatabaseProvider provider) : PlatformTestBase(provider)
{
    [ProviderFact]
    public async Task A_new_token_validates_to_its_user_and_only_its_hash_is_stored()
    {
        UserInfo alice = await UserAsync("alice");
        CreatedApiToken created = Ok(await Tokens.CreateAsync(alice.Id, "laptop"));
        Assert.StartsWith("igt_", created.Token, StringComparison.Ordinal);
        Assert.Equal(47, created.Token.Length);
        Assert.Equal(created.Token[..12], created.Info.Prefix);
        Assert.Equal(Start + TimeSpan.FromDays(90), created.Info.ExpiresAt);
        Assert.DoesNotContain(created.Token, created.ToString(), StringComparison.Ordinal);

        TokenValidationResult result = await Tokens.ValidateAsync(created.Token);
        Assert.True(result.IsValid);
        Assert.Equal(alice.Id, result.User!.Id);
        Assert.Equal(created.Info.Id, result.TokenId);

        await using var db = Database.CreateContext();
        var row = db.ApiTokens.Single();
        Assert.Equal(32, row.TokenHash.Length);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(created.Token)), row.TokenHash);

        IReadOnlyList<ApiTokenInfo> listed = await Tokens.ListAsync(alice.Id);
        Assert.Equal(Start, Assert.Single(listed).LastUsedAt);
    }

    [ProviderFact]
    public async Task Two_tokens_differ()
    {
        UserInfo alice = await UserAsync("alice");
        string first = Ok(await Tokens.CreateAsync(alice.Id, "one")).Token;
        string second = Ok(await Tokens.CreateAsync(alice.Id, "two")).Token;
        Assert.NotEqual(first, second);
        Assert.Equal(2, (await Tokens.ListAsync(alice.Id)).Count);
    }

    [ProviderFact]
    public async Task An_expired_token_is_refused()
    {
        UserInfo alice = await UserAsync("alice");
        string token = Ok(await Tokens.CreateAsync(alice.Id, "short", TimeSpan.FromHours(1))).Token;
        Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.True((await Tokens.ValidateAsync(token)).IsValid);
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TokenValidationStatus.Expired, (await Tokens.ValidateAsync(token)).Status);
    }

    [ProviderFact]
    public async Task A_revoked_token_is_refused_and_only_its_owner_or_an_admin_may_revoke()
    {
        UserInfo admin = await AdminAsync();
        UserInfo alice = await UserAsync("alice");
        UserInfo bob = await UserAsync("bob");
        CreatedApiToken created = Ok(await Tokens.CreateAsync(alice.Id, "ci"));
        Fails(OutcomeStatus.NotFound, await Tokens.RevokeAsync(bob.Id, created.Info.Id));
        Assert.True((await Tokens.ValidateAsync(created.Token)).IsValid);

        Assert.Equal(Start, Ok(await Tokens.RevokeAsync(alice.Id, created.Info.Id)).RevokedAt);
        Assert.Equal(TokenValidationStatus.Revoked, (await Tokens.ValidateAsync(created.Token)).Status);

        CreatedApiToken other = Ok(await Tokens.CreateAsync(alice.Id, "other"));
        Ok(await Tokens.RevokeAsync(admin.Id, other.Info.Id));
        Assert.Equal(TokenValidationStatus.Revoked, (await Tokens.ValidateAsync(other.Token)).Status);
    }

    [ProviderFact]
    public async Task A_tampered_or_malformed_token_is_refused()
    {
        UserInfo alice = await UserAsync("alice");
        string token = Ok(await Tokens.CreateAsync(alice.Id, "laptop")).Token;
        // One character changed in the middle (the last one also carries padding bits, so changing it may be "malformed").
        string tampered = token[..25] + (token[25] == 'A' ? 'B' : 'A') + token[26..];
        Assert.Equal(TokenValidationStatus.Unknown, (await Tokens.ValidateAsync(tampered)).Status);
        Assert.Equal(TokenValidationStatus.Unknown, (await Tokens.ValidateAsync(token[..20] + new string('x', 26) + token[^1])).Status);
        Assert.Equal(TokenValidationStatus.Malformed, (await Tokens.ValidateAsync(token[..^1])).Status);
        Assert.Equal(TokenValidationStatus.Malformed, (await Tokens.ValidateAsync("xyz_" + token[4..])).Status);
        Assert.Equal(TokenValidationStatus.Malformed, (await Tokens.ValidateAsync(token[..^1] + "!")).Status);
        Assert.Equal(TokenValidationStatus.Malformed, (await Tokens.ValidateAsync(null)).Status);
    }

    [ProviderFact]
    public async Task A_disabled_users_tokens_stop_working()
    {
        UserInfo admin = await AdminAsync();
        UserInfo alice = await UserAsync("alice");
        string token = Ok(await Tokens.CreateAsync(alice.Id, "laptop")).Token;
        Ok(await Accounts.SetDisabledAsync(admin.Id, alice.Id, true));
        Assert.Equal(TokenValidationStatus.UserDisabled, (await Tokens.ValidateAsync(token)).Status);
        Fails(OutcomeStatus.Forbidden, await Tokens.CreateAsync(alice.Id, "another"));

        Ok(await Accounts.SetDisabledAsync(admin.Id, alice.Id, false));
        Assert.True((await Tokens.ValidateAsync(token)).IsValid);
    }

    [ProviderFact]
    public async Task Lifetimes_and_names_are_checked()
    {
        UserInfo alice = await UserAsync("alice");
        Fails(OutcomeStatus.Invalid, await Tokens.CreateAsync(alice.Id, "forever", TimeSpan.FromDays(366)), "365");
        Fails(OutcomeStatus.Invalid, await Tokens.CreateAsync(alice.Id, "negative", TimeSpan.FromSeconds(-1)));
        Fails(OutcomeStatus.Invalid, await Tokens.CreateAsync(alice.Id, "  "), "empty");
    }
}

public sealed class SqliteApiTokenServiceTests() : ApiTokenServiceTests(PlatformDatabaseProvider.Sqlite);

public sealed class PostgresApiTokenServiceTests() : ApiTokenServiceTests(PlatformDatabaseProvider.PostgreSql), IPostgresTests;
