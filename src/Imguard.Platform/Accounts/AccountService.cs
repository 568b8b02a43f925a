using System.Security.Cryptography;
using Imguard.Contracts.Accounts;
using Imguard.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Platform.Accounts;

/// <summary>
/// User accounts: registration, the first administrator, login, password changes and the administrator's user
/// management. Expected failures come back as <see cref="Outcome{T}"/> or <see cref="LoginResult"/>; messages never
/// contain a password. There is no account lockout: repeated failures are slowed per user name and client address
/// by <see cref="Security.LoginBackoff"/> in the HTTP layer, so nobody can lock another user out.
/// </summary>
public sealed class AccountService
{
    // Generated passwords: 24 characters from 62 → about 143 bits, and no character that is awkward to type or quote.
    private const string GeneratedAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const int GeneratedLength = 24;

    private readonly PlatformDatabase _database;
    private readonly PasswordHasher _hasher;
    private readonly TimeProvider _time;

    /// <param name="database">The migrated platform database.</param>
    /// <param name="hasher">The password hasher (one per process).</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    public AccountService(PlatformDatabase database, PasswordHasher hasher, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(hasher);
        _database = database;
        _hasher = hasher;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Creates an ordinary user. Refuses a malformed or taken user name and a password the policy rejects.</summary>
    public async Task<Outcome<UserInfo>> RegisterAsync(string userName, string? displayName, string password, CancellationToken cancellationToken = default)
    {
        if (CheckNewUser(userName, displayName) is { } invalid)
        {
            return PlatformError.Invalid<UserInfo>(invalid);
        }

        if (PasswordPolicy.Check(password, userName) is { } weak)
        {
            return PlatformError.Invalid<UserInfo>(weak);
        }

        return await CreateUserAsync(userName, displayName, _hasher.Hash(password), GlobalRole.User, cancellationToken);
    }

    /// <summary>
    /// Creates the first administrator with a generated password, returned once. Refused when an administrator
    /// exists already: this is the bootstrap of a fresh installation, not a way to add admins.
    /// </summary>
    public async Task<Outcome<GeneratedCredentials>> CreateFirstAdminAsync(string userName = "admin", CancellationToken cancellationToken = default)
    {
        if (CheckNewUser(userName, null) is { } invalid)
        {
            return PlatformError.Invalid<GeneratedCredentials>(invalid);
        }

        await using (PlatformDbContext db = _database.CreateContext())
        {
            if (await db.Users.AnyAsync(u => u.Role == GlobalRole.Admin, cancellationToken))
            {
                return PlatformError.Conflict<GeneratedCredentials>("An administrator exists already; the first administrator is created only once.");
            }
        }

        string password = GeneratePassword();
        var created = await CreateUserAsync(userName, "Administrator", _hasher.Hash(password), GlobalRole.Admin, cancellationToken);
        return created.IsOk ? new GeneratedCredentials(created.Value, password) : created.Cast<GeneratedCredentials>();
    }

    /// <summary>
    /// Checks a user name and password. An unknown user name costs the same hashing work as a wrong password (a
    /// PBKDF2 verification against a decoy hash) and gets the same answer; a failure writes nothing. Success records
    /// the login time (and upgrades an outdated hash); a disabled account never logs in.
    /// </summary>
    public async Task<LoginResult> LoginAsync(string userName, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        await using PlatformDbContext db = _database.CreateContext();
        UserEntity? user = UserNameRules.Check(userName) is null
            ? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedUserName == UserNameRules.Normalize(userName), cancellationToken)
            : null;
        if (user is null)
        {
            _hasher.VerifyDecoy(password);
            return Invalid();
        }

        PasswordVerification verification = _hasher.Verify(user.PasswordHash, password);
        if (verification == PasswordVerification.Failed)
        {
            return Invalid();
        }

        if (user.IsDisabled)
        {
            return new LoginResult(LoginStatus.Disabled, null, "This account is disabled; ask an administrator.");
        }

        // An atomic column update, not a tracked save: a login must not lose a concurrent role change.
        DateTimeOffset now = PlatformTime.Now(_time);
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.LastLoginAt, now), cancellationToken);
        if (verification == PasswordVerification.SucceededRehashNeeded)
        {
            string old = user.PasswordHash;
            string fresh = _hasher.Hash(password);
            await db.Users.Where(u => u.Id == user.Id && u.PasswordHash == old)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, fresh), cancellationToken);
        }

        user.LastLoginAt = now;
        return new LoginResult(LoginStatus.Succeeded, ToInfo(user), "Logged in.");

        static LoginResult Invalid() => new(LoginStatus.InvalidCredentials, null, "Wrong user name or password.");
    }

    /// <summary>
    /// Changes the user's own password; the current one must be given. (No endpoint offers this yet; one that does
    /// must put the check behind <see cref="Security.LoginBackoff"/> as login does.)
    /// </summary>
    public async Task<Outcome<UserInfo>> ChangePasswordAsync(Guid userId, string currentPassword, string newPassword, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(currentPassword);
        return await _database.RunAsync(async db =>
        {
            UserEntity? user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
            if (user is null || user.IsDisabled)
            {
                return PlatformError.InactiveAccount<UserInfo>();
            }

            if (_hasher.Verify(user.PasswordHash, currentPassword) == PasswordVerification.Failed)
            {
                return PlatformError.Forbidden<UserInfo>("The current password is wrong.");
            }

            if (PasswordPolicy.Check(newPassword, user.UserName) is { } weak)
            {
                return PlatformError.Invalid<UserInfo>(weak);
            }

            if (_hasher.Verify(user.PasswordHash, newPassword) != PasswordVerification.Failed)
            {
                return PlatformError.Invalid<UserInfo>("The new password must differ from the current one.");
            }

            user.PasswordHash = _hasher.Hash(newPassword);
            user.PasswordChangedAt = PlatformTime.Now(_time);
            await db.SaveChangesAsync(cancellationToken);
            return ToInfo(user);
        }, cancellationToken);
    }

    /// <summary>The user's own account.</summary>
    public async Task<Outcome<UserInfo>> GetUserAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        UserEntity? user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        return user is null ? PlatformError.UserNotFound<UserInfo>(userId.ToString()) : ToInfo(user);
    }

    /// <summary>Every user, by user name; administrators only.</summary>
    public async Task<Outcome<IReadOnlyList<UserInfo>>> ListUsersAsync(Guid adminId, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        if (!await IsActiveAdminAsync(db, adminId, cancellationToken))
        {
            return PlatformError.AdminOnly<IReadOnlyList<UserInfo>>();
        }

        List<UserEntity> users = await db.Users.AsNoTracking().OrderBy(u => u.NormalizedUserName).ToListAsync(cancellationToken);
        return Outcome<IReadOnlyList<UserInfo>>.Ok([.. users.Select(ToInfo)]);
    }

    /// <summary>Sets a user's global role; administrators only; the last active administrator keeps the role.</summary>
    public Task<Outcome<UserInfo>> SetRoleAsync(Guid adminId, Guid userId, GlobalRole role, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(role))
        {
            return Task.FromResult(PlatformError.Invalid<UserInfo>($"Unknown role {role}."));
        }

        return ChangeUserAsync(adminId, userId, (_, user) => Task.FromResult(user.Role = role),
            losesAdmin: user => user.Role == GlobalRole.Admin && role != GlobalRole.Admin && !user.IsDisabled, cancellationToken);
    }

    /// <summary>
    /// Disables or re-enables a user; administrators only. A disabled user cannot log in and their API tokens stop
    /// working; the last active administrator cannot be disabled.
    /// </summary>
    public Task<Outcome<UserInfo>> SetDisabledAsync(Guid adminId, Guid userId, bool disabled, CancellationToken cancellationToken = default) =>
        ChangeUserAsync(adminId, userId, (_, user) => Task.FromResult(user.IsDisabled = disabled),
            losesAdmin: user => disabled && user.Role == GlobalRole.Admin && !user.IsDisabled, cancellationToken);

    /// <summary>
    /// Gives a user a generated password (returned once); administrators only. For users who forgot theirs (there is
    /// no e-mail reset) and for accounts that may be compromised: the user's browser sessions end with the old
    /// password, and with <paramref name="revokeTokens"/> every API token they hold is revoked in the same
    /// transaction (a thief's token would outlive the reset otherwise). The result says how many were revoked.
    /// </summary>
    public async Task<Outcome<GeneratedCredentials>> ResetPasswordAsync(Guid adminId, Guid userId, bool revokeTokens = true, CancellationToken cancellationToken = default)
    {
        string password = GeneratePassword();
        string hash = _hasher.Hash(password);
        int revoked = 0;
        var changed = await ChangeUserAsync(adminId, userId, async (db, user) =>
        {
            DateTimeOffset now = PlatformTime.Now(_time);
            user.PasswordHash = hash;
            user.PasswordChangedAt = now;
            revoked = 0;
            if (revokeTokens)
            {
                List<ApiTokenEntity> live = await db.ApiTokens.Where(t => t.UserId == user.Id && t.RevokedAt == null).ToListAsync(cancellationToken);
                live.ForEach(t => t.RevokedAt = now);
                revoked = live.Count;
            }
        }, losesAdmin: _ => false, cancellationToken);
        return changed.IsOk ? new GeneratedCredentials(changed.Value, password) { RevokedTokens = revoked } : changed.Cast<GeneratedCredentials>();
    }

    /// <summary>
    /// The user with this name (any case), or null. For audit records of failed logins: an unknown name (perhaps a
    /// password typed into the wrong field) is never written down.
    /// </summary>
    public async Task<UserInfo?> FindByUserNameAsync(string userName, CancellationToken cancellationToken = default)
    {
        if (UserNameRules.Check(userName) is not null)
        {
            return null;
        }

        await using PlatformDbContext db = _database.CreateContext();
        string normalized = UserNameRules.Normalize(userName);
        UserEntity? user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedUserName == normalized, cancellationToken);
        return user is null ? null : ToInfo(user);
    }

    internal static UserInfo ToInfo(UserEntity user) =>
        new(user.Id, user.UserName, user.DisplayName, user.Role, user.IsDisabled, user.CreatedAt, user.LastLoginAt)
        {
            PasswordChangedAt = user.PasswordChangedAt,
        };

    internal static async Task<bool> IsActiveAdminAsync(PlatformDbContext db, Guid userId, CancellationToken cancellationToken) =>
        await db.Users.AnyAsync(u => u.Id == userId && u.Role == GlobalRole.Admin && !u.IsDisabled, cancellationToken);

    private static string? CheckNewUser(string userName, string? displayName) =>
        UserNameRules.Check(userName)
        ?? (displayName is null ? null : InputRules.Name(displayName, "display name", PlatformDbContext.MaxDisplayNameLength));

    private static string GeneratePassword() => RandomNumberGenerator.GetString(GeneratedAlphabet, GeneratedLength);

    private async Task<Outcome<UserInfo>> CreateUserAsync(string userName, string? displayName, string passwordHash, GlobalRole role, CancellationToken cancellationToken)
    {
        string normalized = UserNameRules.Normalize(userName);
        DateTimeOffset now = PlatformTime.Now(_time);
        var user = new UserEntity
        {
            Id = Guid.CreateVersion7(now),
            UserName = userName,
            NormalizedUserName = normalized,
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? userName : displayName.Trim(),
            PasswordHash = passwordHash,
            Role = role,
            CreatedAt = now,
            PasswordChangedAt = now,
        };
        await using PlatformDbContext db = _database.CreateContext();
        if (await db.Users.AnyAsync(u => u.NormalizedUserName == normalized, cancellationToken))
        {
            return PlatformError.UserNameTaken<UserInfo>(userName);
        }

        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (PlatformDatabase.IsRace(e))
        {
            return PlatformError.UserNameTaken<UserInfo>(userName); // registered concurrently
        }

        return ToInfo(user);
    }

    private Task<Outcome<UserInfo>> ChangeUserAsync(Guid adminId, Guid userId, Func<PlatformDbContext, UserEntity, Task> change,
        Func<UserEntity, bool> losesAdmin, CancellationToken cancellationToken) =>
        _database.RunAsync(async db =>
        {
            if (!await IsActiveAdminAsync(db, adminId, cancellationToken))
            {
                return PlatformError.AdminOnly<UserInfo>();
            }

            UserEntity? user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
            if (user is null)
            {
                return PlatformError.UserNotFound<UserInfo>(userId.ToString());
            }

            if (losesAdmin(user))
            {
                // Claim every other active admin's row: two admins demoting each other at once cannot both succeed.
                List<UserEntity> others = await db.Users
                    .Where(u => u.Role == GlobalRole.Admin && !u.IsDisabled && u.Id != user.Id).ToListAsync(cancellationToken);
                if (others.Count == 0)
                {
                    return PlatformError.LastAdmin<UserInfo>();
                }

                others.ForEach(db.Touch);
            }

            await change(db, user);
            db.Touch(user);
            await db.SaveChangesAsync(cancellationToken);
            return ToInfo(user);
        }, cancellationToken);
}
