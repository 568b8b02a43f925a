using System.Collections.Concurrent;
using System.Security.Cryptography;
using Imguard.Contracts.Consent;

namespace Imguard.Party.Api;

/// <summary>
/// The challenges this party issued for signed model requests (<see cref="ModelRequestDigest"/>): 32 random bytes,
/// bound to one job and one file (this party's id is in the digest, and only this process knows its challenges), good
/// for <see cref="Lifetime"/> and for one request. Kept in memory only: a restart forgets them, and the client asks
/// again. At most <see cref="Capacity"/> are outstanding, so a client holding a grant cannot grow the table without bound.
/// </summary>
public sealed class ModelRequestChallenges(TimeProvider time)
{
    /// <summary>How long a challenge may be answered.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>The most challenges outstanding at once.</summary>
    public const int Capacity = 4096;

    private readonly ConcurrentDictionary<string, (string JobId, string What, DateTimeOffset ExpiresAt)> _issued = new(StringComparer.Ordinal);

    /// <summary>A fresh challenge for <paramref name="what"/> of <paramref name="jobId"/> and when it expires; null when <see cref="Capacity"/> are outstanding.</summary>
    public (byte[] Challenge, DateTimeOffset ExpiresAt)? Issue(string jobId, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        if (!ModelRequestDigest.IsKnown(what))
        {
            throw new ArgumentException($"What is fetched is '{ModelRequestDigest.Model}' or '{ModelRequestDigest.Evaluation}'.", nameof(what));
        }
        DateTimeOffset now = time.GetUtcNow();
        if (_issued.Count >= Capacity)
        {
            foreach (var (key, entry) in _issued)
            {
                if (entry.ExpiresAt <= now)
                {
                    _issued.TryRemove(key, out _);
                }
            }
            if (_issued.Count >= Capacity)
            {
                return null;
            }
        }
        byte[] challenge = RandomNumberGenerator.GetBytes(ModelRequestDigest.ChallengeLength);
        DateTimeOffset expiresAt = now + Lifetime;
        _issued[Convert.ToHexString(challenge)] = (jobId, what, expiresAt);
        return (challenge, expiresAt);
    }

    /// <summary>
    /// Whether <paramref name="challenge"/> was issued here for <paramref name="what"/> of <paramref name="jobId"/> and
    /// has not expired. A known challenge is used up by this call whatever the answer: one try per challenge.
    /// </summary>
    public bool Take(string jobId, string what, ReadOnlySpan<byte> challenge)
    {
        if (challenge.Length != ModelRequestDigest.ChallengeLength || !_issued.TryRemove(Convert.ToHexString(challenge), out var entry))
        {
            return false;
        }
        return string.Equals(entry.JobId, jobId, StringComparison.Ordinal) && string.Equals(entry.What, what, StringComparison.Ordinal)
            && time.GetUtcNow() < entry.ExpiresAt;
    }
}
