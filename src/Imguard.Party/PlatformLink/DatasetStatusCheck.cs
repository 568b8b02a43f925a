using System.Collections.Concurrent;
using Imguard.Party.Shares;
using Microsoft.Extensions.Logging;

namespace Imguard.Party.PlatformLink;

/// <summary>
/// Whether the platform still wants uploads of a dataset: asked when an upload begins and, while its chunks arrive, at
/// most once per <c>interval</c> per dataset (answers are cached), so an upload of a dataset the platform has
/// rejected or is deleting stops within about one interval. A dataset found Rejected, Deleting or Deleted is closed
/// in the store (<see cref="ShareStore.CloseAsync"/>): its uploads stop and no new one begins.
/// </summary>
/// <remarks>
/// The upload grant stays the authority for starting an upload: when the platform is unreachable, slow or does not
/// know the dataset, the upload goes on (the platform being down must not stop owners' uploads; a platform that
/// forgot a dataset is an operator's problem, not a reason to refuse). Only the platform's word that the dataset is
/// over stops it. The check costs one request of at most <see cref="RequestTimeout"/> per dataset per interval.
/// </remarks>
public sealed class DatasetStatusCheck(PlatformClient platform, ShareStore store, TimeSpan interval, TimeProvider time, ILogger<DatasetStatusCheck> logger)
{
    /// <summary>Longest a check waits for the platform before letting the upload go on.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);

    /// <summary>
    /// The dataset's closure: from the store when it is already closed, else from the platform's status (cached for
    /// the interval). Null while uploads of it may go on.
    /// </summary>
    public async Task<DatasetClosure?> CheckAsync(string datasetId, CancellationToken cancellationToken)
    {
        if (store.Closure(datasetId) is { } known)
        {
            return known;
        }
        DateTimeOffset now = time.GetUtcNow();
        Entry entry = _cache.AddOrUpdate(datasetId,
            id => new Entry(now, FetchAsync(id)),
            (id, cached) => now - cached.At < interval ? cached : new Entry(now, FetchAsync(id)));
        string? status = await entry.Status.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await ObserveAsync(datasetId, status, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes the platform's word about a dataset from anywhere (e.g. its reply to a half report): a status that ends
    /// the dataset closes it here. Returns the closure, or null.
    /// </summary>
    public async Task<DatasetClosure?> ObserveAsync(string datasetId, string? status, CancellationToken cancellationToken)
    {
        DatasetClosure? closure = status switch
        {
            "Rejected" => DatasetClosure.Rejected,
            "Deleting" or "Deleted" => DatasetClosure.Deleted,
            _ => null,
        };
        if (closure is { } ended)
        {
            if (store.Closure(datasetId) is null)
            {
                logger.LogInformation("The platform says dataset {Dataset} is {Status}; stopping its uploads here.", datasetId, status);
            }
            // Closed even when a rejection is already recorded: a later deletion overrides it.
            await store.CloseAsync(datasetId, ended, CancellationToken.None).ConfigureAwait(false);
            _cache.TryRemove(datasetId, out _);
        }
        return closure;
    }

    private async Task<string?> FetchAsync(string datasetId)
    {
        using var timeout = new CancellationTokenSource(RequestTimeout);
        try
        {
            return (await platform.GetDatasetAsync(datasetId, timeout.Token).ConfigureAwait(false))?.Status;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or NotSupportedException)
        {
            logger.LogWarning("Could not ask the platform about dataset {Dataset} ({Reason}); the upload goes on.", datasetId, e.GetType().Name);
            return null;
        }
    }

    private sealed record Entry(DateTimeOffset At, Task<string?> Status);
}
