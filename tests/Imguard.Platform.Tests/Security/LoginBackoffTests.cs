using Imguard.Platform.Security;
using Imguard.Platform.Server;

namespace Imguard.Platform.Tests.Security;

/// <summary>
/// The password back-off per user name and client address: failures slow the address they come from, never the
/// owner on another, and unknown names are treated exactly like existing ones (the back-off cannot tell them apart).
/// </summary>
public class LoginBackoffTests
{
    private const string Attacker = "203.0.113.9";
    private const string Owner = "198.51.100.7";

    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly PlatformRateLimitOptions _options = new();

    private LoginBackoff Create() => new(_options, _clock);

    private static TimeSpan FailUntilRefused(LoginBackoff backoff, string address, string name, int max = 100)
    {
        for (int i = 0; i < max; i++)
        {
            if (!backoff.TryBegin(address, name, out TimeSpan wait))
            {
                return wait;
            }
        }

        throw new InvalidOperationException("never refused");
    }

    [Fact]
    public void Three_failures_are_free_then_each_doubles_the_wait_up_to_the_maximum()
    {
        LoginBackoff backoff = Create();
        for (int i = 0; i < 4; i++)
        {
            Assert.True(backoff.TryBegin(Attacker, "admin", out _), $"attempt {i + 1}");
        }

        var waits = new List<TimeSpan>();
        for (int i = 0; i < 14; i++)
        {
            Assert.False(backoff.TryBegin(Attacker, "admin", out TimeSpan wait));
            waits.Add(wait);
            _clock.Advance(wait);
            Assert.True(backoff.TryBegin(Attacker, "admin", out _));
        }

        Assert.Equal(TimeSpan.FromSeconds(1), waits[0]);
        Assert.Equal(TimeSpan.FromSeconds(2), waits[1]);
        Assert.Equal(TimeSpan.FromSeconds(512), waits[9]);
        Assert.Equal(TimeSpan.FromMinutes(15), waits[10]);
        Assert.Equal(TimeSpan.FromMinutes(15), waits[13]);
    }

    [Fact]
    public void The_owner_on_another_address_is_checked_at_once_while_the_attacker_waits()
    {
        LoginBackoff backoff = Create();
        TimeSpan wait = FailUntilRefused(backoff, Attacker, "admin");
        Assert.True(wait > TimeSpan.Zero);

        Assert.True(backoff.TryBegin(Owner, "ADMIN", out _)); // names are compared without case, as logins are
        backoff.Succeeded(Owner, "admin");
        Assert.False(backoff.TryBegin(Attacker, "admin", out _));
        Assert.True(backoff.TryBegin(Owner, "admin", out _));
    }

    [Fact]
    public void Unknown_and_existing_names_are_answered_the_same_way()
    {
        // The back-off never looks the name up: the waits for a name that exists and one that does not are equal.
        LoginBackoff backoff = Create();
        var existing = new List<TimeSpan>();
        var unknown = new List<TimeSpan>();
        for (int round = 0; round < 6; round++)
        {
            existing.Add(FailUntilRefused(backoff, Attacker, "admin"));
            unknown.Add(FailUntilRefused(backoff, Attacker, "no-such-user"));
            _clock.Advance(existing[^1]);
        }

        Assert.Equal(existing, unknown);
    }

    [Fact]
    public void A_name_under_attack_from_many_addresses_slows_every_address_but_blocks_none()
    {
        _options.AccountFailureThreshold = 20;
        LoginBackoff backoff = Create();
        for (int i = 0; i < 5; i++)
        {
            string bot = "203.0.113." + i;
            for (int guess = 0; guess <= _options.LoginFreeFailures; guess++)
            {
                Assert.True(backoff.TryBegin(bot, "admin", out _));
            }
        }

        // 20 failures: a fresh address still gets its first check at once, but waits after its first failure.
        Assert.True(backoff.TryBegin("203.0.113.200", "admin", out _));
        Assert.False(backoff.TryBegin("203.0.113.200", "admin", out TimeSpan wait));
        Assert.Equal(_options.LoginBackOffBase, wait);
        Assert.True(backoff.TryBegin(Owner, "admin", out _));
        backoff.Succeeded(Owner, "admin");
        // Another name is not affected.
        for (int guess = 0; guess < 4; guess++)
        {
            Assert.True(backoff.TryBegin("203.0.113.200", "alice", out _));
        }
    }

    [Fact]
    public void Failures_are_forgotten_after_the_memory_and_by_an_administrator_reset()
    {
        LoginBackoff backoff = Create();
        FailUntilRefused(backoff, Attacker, "alice");
        _clock.Advance(_options.LoginFailureMemory + TimeSpan.FromSeconds(1));
        Assert.True(backoff.TryBegin(Attacker, "alice", out _));

        FailUntilRefused(backoff, Attacker, "alice");
        backoff.Forget("Alice");
        Assert.True(backoff.TryBegin(Attacker, "alice", out _));
    }

    [Fact]
    public void Concurrent_attempts_are_counted_before_their_checks_finish()
    {
        LoginBackoff backoff = Create();
        int admitted = 0;
        Parallel.For(0, 64, attempt =>
        {
            if (backoff.TryBegin(Attacker, "admin", out _))
            {
                Interlocked.Increment(ref admitted);
            }
        });
        Assert.Equal(_options.LoginFreeFailures + 1, admitted);
    }

    [Fact]
    public void Memory_stays_bounded_under_a_flood_of_names()
    {
        _options.LoginTrackedPairs = 1_000;
        LoginBackoff backoff = Create();
        for (int i = 0; i < 5_000; i++)
        {
            backoff.TryBegin(Attacker, "name" + i, out _);
            _clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        // The newest names are still remembered: the last one backs off as usual.
        FailUntilRefused(backoff, Attacker, "name4999");
    }
}
