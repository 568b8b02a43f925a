using Imguard.Contracts.Accounts;
using Imguard.Platform.Accounts;
using Imguard.Platform.Data;

namespace Imguard.Platform.Tests.Accounts;

public abstract class AccountServiceTests(PlatformDatabaseProvider provider) : PlatformTestBase(provider)
{
    [ProviderFact]
    public async Task A_user_registers_and_logs_in_with_any_case_of_the_user_name()
    {
        UserInfo alice = await UserAsync("Alice");
        Assert.Equal(GlobalRole.User, alice.Role);
        Assert.Equal("Alice", alice.DisplayName);

        LoginResult login = await Accounts.LoginAsync("aLiCe", Password);
        Assert.True(login.Succeeded, login.Message);
        Assert.Equal(alice.Id, login.User!.Id);
        Assert.Equal(Start, login.User.LastLoginAt);
    }

    [ProviderFact]
    public async Task A_taken_user_name_is_refused_whatever_its_case()
    {
        await UserAsync("alice");
        Fails(OutcomeStatus.Conflict, await Accounts.RegisterAsync("ALICE", null, Password), "taken");
    }

    [ProviderFact]
    public async Task Malformed_user_names_and_weak_passwords_are_refused_with_a_reason()
    {
        Fails(OutcomeStatus.Invalid, await Accounts.RegisterAsync("al", null, Password), "3 to 64");
        Fails(OutcomeStatus.Invalid, await Accounts.RegisterAsync("al ice", null, Password), "ASCII");
        Fails(OutcomeStatus.Invalid, await Accounts.RegisterAsync("-alice", null, Password), "starts with");
        Fails(OutcomeStatus.Invalid, await Accounts.RegisterAsync("alice", null, "short"), "at least 12");
        var sameAsName = await Accounts.RegisterAsync("alice.example", null, "ALICE.EXAMPLE");
        Fails(OutcomeStatus.Invalid, sameAsName, "user name");
        Assert.DoesNotContain("ALICE.EXAMPLE", sameAsName.Error, StringComparison.Ordinal);
    }

    [ProviderFact]
    public async Task The_first_admin_gets_a_generated_password_once()
    {
        GeneratedCredentials first = Ok(await Accounts.CreateFirstAdminAsync("root"));
        Assert.Equal(GlobalRole.Admin, first.User.Role);
        Assert.True(first.Password.Length >= 20);
        Assert.Null(PasswordPolicy.Check(first.Password, "root"));
        Assert.DoesNotContain(first.Password, first.ToString(), StringComparison.Ordinal);
        Assert.True((await Accounts.LoginAsync("root", first.Password)).Succeeded);

        Fails(OutcomeStatus.Conflict, await Accounts.CreateFirstAdminAsync("root2"), "exists already");
    }

    [ProviderFact]
    public async Task Unknown_users_and_wrong_passwords_get_the_same_answer()
    {
        await UserAsync("alice");
        LoginResult unknown = await Accounts.LoginAsync("mallory", Password);
        LoginResult wrong = await Accounts.LoginAsync("alice", "not the password at all");
        Assert.Equal(LoginStatus.InvalidCredentials, unknown.Status);
        Assert.Equal(LoginStatus.InvalidCredentials, wrong.Status);
        Assert.Equal(unknown.Message, wrong.Message);
        Assert.Null(wrong.User);
    }

    [ProviderFact]
    public async Task An_unknown_user_name_takes_as_long_as_a_wrong_password()
    {
        // A decoy hash check for an unknown name: the time does not tell which names exist. Medians of alternating
        // runs with a hasher slow enough (100,000 iterations) that hashing, not the database, sets the time.
        var accounts = new AccountService(Database, new PasswordHasher(iterations: 100_000), Clock);
        Ok(await accounts.RegisterAsync("alice", null, Password));
        await accounts.LoginAsync("nobody", "warm-up");
        var unknown = new List<double>();
        var wrong = new List<double>();
        for (int i = 0; i < 7; i++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Assert.Equal(LoginStatus.InvalidCredentials, (await accounts.LoginAsync("nobody", "a wrong password")).Status);
            unknown.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            Assert.Equal(LoginStatus.InvalidCredentials, (await accounts.LoginAsync("alice", "a wrong password")).Status);
            wrong.Add(clock.Elapsed.TotalMilliseconds);
        }

        // Without the decoy an unknown name answers in well under a millisecond against ~100 ms for a wrong password
        // (a ratio near 0.01); the wide range only allows for a machine busy with other test assemblies.
        double ratio = unknown.Order().ElementAt(3) / wrong.Order().ElementAt(3);
        Assert.InRange(ratio, 0.25, 4.0);
    }

    [ProviderFact]
    public async Task Wrong_passwords_never_lock_an_account_against_the_right_one()
    {
        // The lockout this replaces locked any account, the administrator's included, after five failures from anyone.
        await AdminAsync();
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(LoginStatus.InvalidCredentials, (await Accounts.LoginAsync("admin", "wrong password " + i)).Status);
        }

        UserInfo alice = await UserAsync("alice");
        long version;
        await using (var before = Database.CreateContext())
        {
            version = before.Users.Single(u => u.Id == alice.Id).Version;
        }
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => Accounts.LoginAsync("alice", "guess number " + i))));

        // A failure writes nothing: the row is as registration left it (no counter an attacker could drive).
        await using (var after = Database.CreateContext())
        {
            Assert.Equal(version, after.Users.Single(u => u.Id == alice.Id).Version);
        }
        Assert.True((await Accounts.LoginAsync("alice", Password)).Succeeded);
    }

    [ProviderFact]
    public async Task A_disabled_user_cannot_log_in_and_the_last_admin_cannot_be_disabled_or_demoted()
    {
        UserInfo admin = await AdminAsync();
        UserInfo alice = await UserAsync("alice");
        Assert.True(Ok(await Accounts.SetDisabledAsync(admin.Id, alice.Id, true)).IsDisabled);
        Assert.Equal(LoginStatus.Disabled, (await Accounts.LoginAsync("alice", Password)).Status);
        Assert.Equal(LoginStatus.InvalidCredentials, (await Accounts.LoginAsync("alice", "a wrong password")).Status);

        Fails(OutcomeStatus.Conflict, await Accounts.SetDisabledAsync(admin.Id, admin.Id, true), "at least one active administrator");
        Fails(OutcomeStatus.Conflict, await Accounts.SetRoleAsync(admin.Id, admin.Id, GlobalRole.User), "at least one active administrator");
        Fails(OutcomeStatus.Forbidden, await Accounts.SetRoleAsync(alice.Id, alice.Id, GlobalRole.Admin), "administrators");

        Ok(await Accounts.SetDisabledAsync(admin.Id, alice.Id, false));
        Ok(await Accounts.SetRoleAsync(admin.Id, alice.Id, GlobalRole.Admin));
        Assert.Equal(GlobalRole.User, Ok(await Accounts.SetRoleAsync(alice.Id, admin.Id, GlobalRole.User)).Role);
        Assert.Equal(2, Ok(await Accounts.ListUsersAsync(alice.Id)).Count);
        Fails(OutcomeStatus.Forbidden, await Accounts.ListUsersAsync(admin.Id));
    }

    [ProviderFact]
    public async Task Two_admins_demoting_each_other_at_once_leave_one_admin()
    {
        UserInfo first = await AdminAsync();
        UserInfo second = await UserAsync("second");
        Ok(await Accounts.SetRoleAsync(first.Id, second.Id, GlobalRole.Admin));

        var results = await Task.WhenAll(
            Task.Run(() => Accounts.SetRoleAsync(first.Id, second.Id, GlobalRole.User)),
            Task.Run(() => Accounts.SetRoleAsync(second.Id, first.Id, GlobalRole.User)));

        var users = Ok(await Accounts.ListUsersAsync(results[0].IsOk ? first.Id : second.Id));
        Assert.Single(users, u => u.Role == GlobalRole.Admin);
        Assert.Single(results, r => r.IsOk);
    }

    [ProviderFact]
    public async Task Changing_the_password_needs_the_current_one()
    {
        UserInfo alice = await UserAsync("alice");
        Fails(OutcomeStatus.Forbidden, await Accounts.ChangePasswordAsync(alice.Id, "not my password", "a brand new passphrase"), "current password");
        Fails(OutcomeStatus.Invalid, await Accounts.ChangePasswordAsync(alice.Id, Password, "short"), "at least 12");
        Fails(OutcomeStatus.Invalid, await Accounts.ChangePasswordAsync(alice.Id, Password, Password), "differ");
        Ok(await Accounts.ChangePasswordAsync(alice.Id, Password, "a brand new passphrase"));

        Assert.Equal(LoginStatus.InvalidCredentials, (await Accounts.LoginAsync("alice", Password)).Status);
        Assert.True((await Accounts.LoginAsync("alice", "a brand new passphrase")).Succeeded);
    }

    [ProviderFact]
    public async Task An_admin_reset_gives_a_new_password_and_revokes_the_users_tokens_unless_told_not_to()
    {
        UserInfo admin = await AdminAsync();
        UserInfo alice = await UserAsync("alice");
        Guid kept = Ok(await Tokens.CreateAsync(admin.Id, "admin's own")).Info.Id;
        string first = Ok(await Tokens.CreateAsync(alice.Id, "laptop")).Token;
        string second = Ok(await Tokens.CreateAsync(alice.Id, "server")).Token;
        Ok(await Tokens.RevokeAsync(alice.Id, (await Tokens.ListAsync(alice.Id))[0].Id)); // revoked already: not counted again

        GeneratedCredentials reset = Ok(await Accounts.ResetPasswordAsync(admin.Id, alice.Id));
        Assert.Equal(1, reset.RevokedTokens);
        Assert.True((await Accounts.LoginAsync("alice", reset.Password)).Succeeded);
        Assert.False((await Tokens.ValidateAsync(first)).IsValid);
        Assert.False((await Tokens.ValidateAsync(second)).IsValid);
        Assert.Null((await Tokens.ListAsync(admin.Id)).Single(t => t.Id == kept).RevokedAt);

        string third = Ok(await Tokens.CreateAsync(alice.Id, "desktop")).Token;
        GeneratedCredentials keeping = Ok(await Accounts.ResetPasswordAsync(admin.Id, alice.Id, revokeTokens: false));
        Assert.Equal(0, keeping.RevokedTokens);
        Assert.True((await Tokens.ValidateAsync(third)).IsValid);
        Fails(OutcomeStatus.Forbidden, await Accounts.ResetPasswordAsync(alice.Id, admin.Id));
    }

    [ProviderFact]
    public async Task A_login_upgrades_a_hash_made_with_fewer_iterations()
    {
        await UserAsync("alice"); // hashed with 1,000 iterations
        var stronger = new PasswordHasher(iterations: 2_000);
        var accounts = new AccountService(Database, stronger, Clock);
        Assert.True((await accounts.LoginAsync("alice", Password)).Succeeded);

        await using var db = Database.CreateContext();
        string stored = db.Users.Single(u => u.NormalizedUserName == "alice").PasswordHash;
        Assert.Contains("$i=2000$", stored, StringComparison.Ordinal);
        Assert.False(stronger.NeedsRehash(stored));
        Assert.True((await accounts.LoginAsync("alice", Password)).Succeeded);
    }
}

public sealed class SqliteAccountServiceTests() : AccountServiceTests(PlatformDatabaseProvider.Sqlite);

public sealed class PostgresAccountServiceTests() : AccountServiceTests(PlatformDatabaseProvider.PostgreSql), IPostgresTests;
