using Imguard.Contracts.Consent;
using Imguard.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Platform.Accounts;

/// <summary>
/// Each user's one signing key: the public half of the key their device made (the CLI's key file, the browser's
/// non-extractable key). It is named as theirs when a job lists them as a recipient of its model; a job keeps the key
/// it was created with, so replacing the key changes only jobs created afterwards. Owner keys are not these: a
/// dataset's owner key is the one its parties found in the share files.
/// </summary>
public sealed class SigningKeys
{
    private readonly PlatformDatabase _database;
    private readonly TimeProvider _time;

    public SigningKeys(PlatformDatabase database, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Registers or replaces the user's key; a key that is no ECDSA P-256 public key is Invalid.</summary>
    public Task<Outcome<SigningKeyInfo>> RegisterAsync(Guid userId, byte[] key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (OwnerKeys.Check(key) is { } problem)
        {
            return Task.FromResult(PlatformError.Invalid<SigningKeyInfo>($"The signing key is not usable: {problem}."));
        }
        return _database.RunAsync(async db =>
        {
            UserEntity? user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
            if (user is null)
            {
                return PlatformError.UserNotFound<SigningKeyInfo>(userId.ToString());
            }
            if (user.SigningKey is { } current && current.AsSpan().SequenceEqual(key))
            {
                return new SigningKeyInfo(current, user.SigningKeyRegisteredAt!.Value); // the same key again: nothing changes
            }
            user.SigningKey = key;
            user.SigningKeyRegisteredAt = PlatformTime.Now(_time);
            await db.SaveChangesAsync(cancellationToken);
            return new SigningKeyInfo(key, user.SigningKeyRegisteredAt.Value);
        }, cancellationToken);
    }

    /// <summary>The user's key, or NotFound when they have registered none.</summary>
    public async Task<Outcome<SigningKeyInfo>> GetAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using PlatformDbContext db = _database.CreateContext();
        var row = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.SigningKey, u.SigningKeyRegisteredAt }).FirstOrDefaultAsync(cancellationToken);
        return row?.SigningKey is { } key
            ? new SigningKeyInfo(key, row.SigningKeyRegisteredAt!.Value)
            : PlatformError.NoSigningKey<SigningKeyInfo>();
    }
}
