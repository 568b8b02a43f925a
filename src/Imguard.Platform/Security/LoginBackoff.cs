using Imguard.Platform.Server;

namespace Imguard.Platform.Security;

/// <summary>
/// The back-off on password checks (cookie login and API token creation), per user name and client address, in
/// place of an account lockout: five wrong passwords from anywhere used to lock any account, the administrator's
/// included, for everyone. Here failures slow only the address they come from: after
/// <see cref="PlatformRateLimitOptions.LoginFreeFailures"/> failures for a name, each further one doubles the wait
/// before that address may try that name again (<see cref="PlatformRateLimitOptions.LoginBackOffBase"/> up to
/// <see cref="PlatformRateLimitOptions.LoginBackOffMax"/>); a success from an address clears its count. The owner
/// logging in from another address is never refused: an address with no failures is always checked at once.
/// <para>
/// A looser ceiling per user name covers guessing from many addresses: once the name has more than
/// <see cref="PlatformRateLimitOptions.AccountFailureThreshold"/> failures from all addresses within
/// <see cref="PlatformRateLimitOptions.LoginFailureMemory"/>, every address waits after its first failure instead
/// of its third. That bounds a botnet to about one guess per address per back-off step while still letting any
/// address, the owner's among them, try once at once: it slows, it never blocks.
/// </para>
/// <para>
/// The state is keyed by the user name as typed (lower-cased), whether or not such an account exists, so unknown
/// and existing names get the same answers; it is kept in memory (a restart forgets it, as a rate limiter does; a
/// failure costs no database write), bounded by <see cref="PlatformRateLimitOptions.LoginTrackedPairs"/>. Each
/// attempt is counted as a failure when it starts and forgiven by <see cref="Succeeded"/>, so concurrent guesses
/// cannot all pass before the first is counted.
/// </para>
/// </summary>
public sealed class LoginBackoff
{
    // A name longer than any user name (64) can never log in; a bounded prefix keeps the key small.
    private const int MaxNameKeyLength = 80;

    private readonly PlatformRateLimitOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Name, string Address), Entry> _pairs = [];
    private readonly Dictionary<string, Entry> _names = new(StringComparer.Ordinal);

    public LoginBackoff(PlatformRateLimitOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
    }

    /// <summary>
    /// Starts a password check for <paramref name="userName"/> from <paramref name="address"/> (counted as a failure
    /// until <see cref="Succeeded"/>); false, with the wait, when that address must wait first.
    /// </summary>
    public bool TryBegin(string address, string? userName, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(address);
        string name = NameKey(userName);
        DateTimeOffset now = _time.GetUtcNow();
        lock (_gate)
        {
            Entry pair = Current(_pairs, (name, address), now);
            Entry total = Current(_names, name, now);
            int free = total.Failures >= _options.AccountFailureThreshold ? 0 : _options.LoginFreeFailures;
            DateTimeOffset allowedAt = pair.Last + Wait(pair.Failures, free);
            if (now < allowedAt)
            {
                retryAfter = allowedAt - now;
                return false;
            }

            pair.Failures++;
            pair.Last = now;
            total.Failures++;
            total.Last = now;
            Prune(now);
            retryAfter = TimeSpan.Zero;
            return true;
        }
    }

    /// <summary>The check that <see cref="TryBegin"/> started found the right password: the address starts afresh for the name.</summary>
    public void Succeeded(string address, string? userName)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (_gate)
        {
            _pairs.Remove((NameKey(userName), address));
        }
    }

    /// <summary>Forgets every failure for <paramref name="userName"/> (an administrator reset its password).</summary>
    public void Forget(string userName)
    {
        string name = NameKey(userName);
        lock (_gate)
        {
            _names.Remove(name);
            foreach ((string Name, string Address) key in _pairs.Keys.Where(k => k.Name == name).ToList())
            {
                _pairs.Remove(key);
            }
        }
    }

    /// <summary>The wait after <paramref name="failures"/> failures of which <paramref name="free"/> cost nothing.</summary>
    internal TimeSpan Wait(int failures, int free)
    {
        if (failures <= free)
        {
            return TimeSpan.Zero;
        }

        int doublings = Math.Min(failures - free - 1, 30);
        double ticks = _options.LoginBackOffBase.Ticks * Math.Pow(2, doublings);
        return ticks >= _options.LoginBackOffMax.Ticks ? _options.LoginBackOffMax : TimeSpan.FromTicks((long)ticks);
    }

    private static string NameKey(string? userName)
    {
        string name = (userName ?? "").Trim().ToLowerInvariant();
        return name.Length <= MaxNameKeyLength ? name : name[..MaxNameKeyLength];
    }

    // The entry for the key, started afresh when its last failure is older than the memory.
    private Entry Current<TKey>(Dictionary<TKey, Entry> entries, TKey key, DateTimeOffset now)
        where TKey : notnull
    {
        if (!entries.TryGetValue(key, out Entry? entry) || now - entry.Last > _options.LoginFailureMemory)
        {
            entry = new Entry { Last = now };
            entries[key] = entry;
        }

        return entry;
    }

    // Bounded memory: forget what has expired, then the oldest, once a table is over the limit.
    private void Prune(DateTimeOffset now)
    {
        Prune(_pairs, now);
        Prune(_names, now);
    }

    private void Prune<TKey>(Dictionary<TKey, Entry> entries, DateTimeOffset now)
        where TKey : notnull
    {
        int limit = _options.LoginTrackedPairs;
        if (entries.Count <= limit)
        {
            return;
        }

        List<TKey> expired = [.. entries.Where(e => now - e.Value.Last > _options.LoginFailureMemory).Select(e => e.Key)];
        expired.ForEach(key => entries.Remove(key));
        int excess = entries.Count - limit * 9 / 10;
        if (excess > 0)
        {
            foreach (TKey key in entries.OrderBy(e => e.Value.Last).Take(excess).Select(e => e.Key).ToList())
            {
                entries.Remove(key);
            }
        }
    }

    private sealed class Entry
    {
        public int Failures { get; set; }

        public DateTimeOffset Last { get; set; }
    }
}
