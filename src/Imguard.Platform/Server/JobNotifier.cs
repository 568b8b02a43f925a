using System.Collections.Concurrent;

namespace Imguard.Platform.Server;

/// <summary>
/// Wakes the event streams of a job in this process when its state or progress changes (the internal endpoints
/// call <see cref="Notify"/>); streams also re-read the job on a timer, which covers changes made elsewhere.
/// </summary>
public sealed class JobNotifier
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);

    /// <summary>A task that completes at the next <see cref="Notify"/> for the job. Take it before reading the job, then await it.</summary>
    public Task NextChange(string jobId) =>
        _signals.GetOrAdd(jobId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Wakes every stream of the job.</summary>
    public void Notify(string jobId)
    {
        if (_signals.TryRemove(jobId, out TaskCompletionSource? signal))
        {
            signal.TrySetResult();
        }
    }
}
