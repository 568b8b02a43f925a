using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Imguard.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Platform.Accounts;

/// <summary>
/// API tokens for the CLI: <c>igt_</c> + base64url of 32 random bytes (256 bits, so a plain SHA-256 is enough to
/// store them: there is nothing to brute-force, unlike a password). The platform stores the hash and a 12-character
/// prefix (<c>igt_</c> + 8) that finds candidates by index and lets a user tell their tokens apart; the hash
/// comparison is constant-time. Every token expires.
/// </summary>
public sealed class ApiTokenService
{
    /// <summary>What every token starts with, so secret scanners and people recognise it.</summary>
    public const string TokenPrefix = "igt_";

    private const int SecretBytes = 32;
    private const int PrefixLength = 12;
    private static readonly int TokenLength = TokenPrefix.Length + Base64Url.GetEncodedLength(SecretBytes);

    // Last-used times are for display; writing them at most once a minute keeps validation a read.
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private readonly PlatformDatabase _database;
    private readonly AccountOptions _options;
    private readonly TimeProvider _time;

    /// <param name="database">The migrated platform database.</param>
    /// <param name="options">Token lifetimes; the defaults when null.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    public ApiTokenService(PlatformDatabase database, AccountOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _options = options ?? new AccountOptions();
        _options.Validate();
        _database = database;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Issues a token for the active user <paramref name="userId"/>, named <paramref name="name"/>, expiring after
    /// <paramref name="lifetime"/> (the default lifetime when null, at most the maximum). The plaintext is in the result only.
    /// </summary>
    public async Task<Outcome<CreatedApiToken>> CreateAsync(Guid userId, string name, TimeSpan? lifetime = null, CancellationToken cancellationToken = default)
    {
        if (InputRules.Name(name, "token name", PlatformDbContext.MaxDisplayNameLength) is { } invalid)
        {
            return PlatformError.Invalid<CreatedApiToken>(invalid);
        }

        TimeSpan life = lifetime ?? _options.DefaultTokenLifetime;
        if (life <= TimeSpan.Zero || life > _options.MaxTokenLifetime)
        {
            return PlatformError.Invalid<CreatedApiToken>($"A token lives more than zero and at most {_options.MaxTokenLifetime.TotalDays:0} days.");
        }

        await using PlatformDbContext db = _database.CreateContext();
        if (!await db.Users.AnyAsync(u => u.Id == userId && !u.IsDisabled, cancellationToken))
        {
            return PlatformError.InactiveAccount<CreatedApiToken>();
        }

        byte[] secret = RandomNumberGenerator.GetBytes(SecretBytes);
        string token = TokenPrefix + Base64Url.EncodeToString(secret);
        CryptographicOperations.ZeroMemory(secret);
        DateTimeOffset now = PlatformTime.Now(_time);
        var row = new ApiTokenEntity
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            Name = name.Trim(),
            TokenHash = HashToken(token),
            Prefix = token[..PrefixLength],
            CreatedAt = now,
            ExpiresAt = now + life,
        };
        db.ApiTokens.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiToken(ToInfo(row), token);
    }

    /// <summary>
    /// Checks a presented token: its shape, then the stored hash (constant-time), revocation, expiry and the user's
    /// state. Never throws for a bad token.
    /// </summary>
    public async Task<TokenValidationResult> ValidateAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (token is null || token.Length != TokenLength || !token.StartsWith(TokenPrefix, StringComparison.Ordinal)
            || !Base64Url.IsValid(token.AsSpan(TokenPrefix.Length)))
        {
            return new TokenValidationResult(TokenValidationStatus.Malformed, null, null);
        }

        byte[] presented = HashToken(token);
        string prefix = token[..PrefixLength];
        await using PlatformDbContext db = _database.CreateContext();
        List<ApiTokenEntity> candidates = await db.ApiTokens.AsNoTracking().Include(t => t.User)
            .Where(t => t.Prefix == prefix).ToListAsync(cancellationToken);
        ApiTokenEntity? match = null;
        foreach (ApiTokenEntity candidate in candidates)
        {
            if (CryptographicOperations.FixedTimeEquals(candidate.TokenHash, presented))
            {
                match = candidate;
            }
        }

        DateTimeOffset now = PlatformTime.Now(_time);
        TokenValidationStatus status = match switch
        {
            null => TokenValidationStatus.Unknown,
            { RevokedAt: not null } => TokenValidationStatus.Revoked,
            _ when match.ExpiresAt <= now => TokenValidationStatus.Expired,
            { User: null or { IsDisabled: true } } => TokenValidationStatus.UserDisabled,
            _ => TokenValidationStatus.Valid,
        };
        if (status != TokenValidationStatus.Valid)
        {
            return new TokenValidationResult(status, null, null);
        }

        if (match!.LastUsedAt is not { } used || now - used >= LastUsedResolution)
        {
            Guid id = match.Id;
            await db.ApiTokens.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), cancellationToken);
        }

        return new TokenValidationResult(TokenValidationStatus.Valid, AccountService.ToInfo(match.User!), match.Id);
    }

    /// <summary>Revokes a token; its owner or an administrator may. Revoking twice keeps the first time.</summary>
    public Task<Outcome<ApiTokenInfo>> RevokeAsync(Guid actingUserId, Guid tokenId, CancellationToken cancellationToken = default) =>
        _database.RunAsync(async db =>
        {
            ApiTokenEntity? row = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId, cancellationToken);
            if (row is null || (row.UserId != actingUserId && !await AccountService.IsActiveAdminAsync(db, actingUserId, cancellationToken)))
            {
                return PlatformError.TokenNotFound<ApiTokenInfo>(tokenId);
            }

            if (row.RevokedAt is null)
            {
                row.RevokedAt = PlatformTime.Now(_time);
                await db.SaveChangesAsync(cancellationToken);
            }

            return ToInfo(row);
        }, cancellationToken);

    /// <summary>The user's tokens, newest first (revoked and expired ones included, marked as such); never the secrets.</summary>
    public async Task<IReadOnlyList<ApiTokenInfo>> ListAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        List<ApiTokenEntity> rows = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId)
            .OrderByDescending(t => t.CreatedAt).ToListAsync(cancellationToken);
        return [.. rows.Select(ToInfo)];
    }

    private static byte[] HashToken(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));

    private static ApiTokenInfo ToInfo(ApiTokenEntity row) =>
        new(row.Id, row.UserId, row.Name, row.Prefix, row.CreatedAt, row.ExpiresAt, row.LastUsedAt, row.RevokedAt);
}
