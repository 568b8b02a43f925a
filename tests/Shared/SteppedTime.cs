using Microsoft.Extensions.Time.Testing;

namespace Imguard.Testing;

/// <summary>
/// A <see cref="FakeTimeProvider"/> for code that waits on another thread (a retry's back-off, a bound on time):
/// <see cref="RunUntilAsync"/> moves the clock on only while that code is waiting — while at least the given number
/// of its timers are pending — so the clock never runs ahead of work still busy on another thread, however loaded the
/// machine is. (A retry with a bound on time has two timers while it waits, the bound and the back-off, and one while
/// it tries.)
/// </summary>
internal sealed class SteppedTime : FakeTimeProvider
{
    private int _pending;

    /// <summary>Timers made and not yet fired (one-shot) or disposed.</summary>
    public int Pending => Volatile.Read(ref _pending);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var counted = new CountedTimer(this, period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero);
        Interlocked.Increment(ref _pending);
        counted.Inner = base.CreateTimer(s =>
        {
            counted.Fired();
            callback(s);
        }, state, dueTime, period);
        return counted;
    }

    /// <summary>
    /// Moves the clock on by <paramref name="step"/>, each time once the work waits on at least
    /// <paramref name="waiting"/> timers, until <paramref name="done"/>; false if it never is (bounded).
    /// </summary>
    public async Task<bool> RunUntilAsync(Func<bool> done, TimeSpan step, int waiting = 1, int maxSteps = 100_000)
    {
        for (int i = 0; i < maxSteps && !done(); i++)
        {
            for (int spin = 0; spin < 10_000 && Pending < waiting && !done(); spin++)
            {
                await Task.Delay(1);
            }
            if (!done())
            {
                Advance(step);
            }
        }
        return done();
    }

    /// <summary>Moves the clock on until <paramref name="running"/> ends, and returns what it returns.</summary>
    public async Task<T> RunAsync<T>(Task<T> running, TimeSpan step, int waiting = 1)
    {
        if (!await RunUntilAsync(() => running.IsCompleted, step, waiting))
        {
            throw new TimeoutException("The work under the fake clock did not finish.");
        }
        return await running;
    }

    private sealed class CountedTimer(SteppedTime owner, bool oneShot) : ITimer
    {
        private int _gone;

        public ITimer Inner { get; set; } = null!;

        public void Fired()
        {
            if (oneShot)
            {
                Gone();
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period) => Inner.Change(dueTime, period);

        public void Dispose()
        {
            Gone();
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Gone();
            return Inner.DisposeAsync();
        }

        private void Gone()
        {
            if (Interlocked.Exchange(ref _gone, 1) == 0)
            {
                Interlocked.Decrement(ref owner._pending);
            }
        }
    }
}
