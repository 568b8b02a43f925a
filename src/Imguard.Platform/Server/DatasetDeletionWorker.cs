using System.Net;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Datasets;
using Imguard.Platform.Datasets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imguard.Platform.Server;

/// <summary>
/// Finishes dataset deletions: for every dataset in <see cref="DatasetStatus.Deleting"/>, asks each party that has
/// not confirmed yet to delete its half (<c>DELETE /internal/datasets/{id}</c> on the party's API, with the
/// platform's certificate) and records the party's confirmation (<see cref="DatasetDeletions"/>); once both have confirmed the
/// dataset is Deleted (<c>dataset.deleted</c>). Only a 2xx answer confirms (the party's delete is idempotent: it
/// answers 2xx also when it holds no such half); anything else — no answer, 404 from a party that does not serve the
/// route, 5xx — is retried with exponential back-off per dataset and party, so a party that is down gets the
/// request when it comes back, and a half is never taken for deleted on a misrouted answer. Work is picked up from the database, so a restart of the
/// platform loses none; <see cref="Wake"/> starts a round at once after a deletion request.
/// </summary>
public sealed class DatasetDeletionWorker(
    DatasetDeletions deletions, ServiceLinks links, PlatformAudit audit, PlatformOptions options, TimeProvider time,
    ILogger<DatasetDeletionWorker> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Dictionary<(string Dataset, int Party), (DateTimeOffset Due, TimeSpan Delay)> _backOff = [];

    /// <summary>Starts a round now (after a deletion request).</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A round is already due.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait = options.DeletionPollInterval;
            try
            {
                wait = await RunRoundAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the worker must outlive a database hiccup; the next round retries
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.LogWarning("Dataset deletion round failed ({Error}); retrying in {Seconds} s.", e.GetType().Name, wait.TotalSeconds);
            }
            try
            {
                await _wake.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass over the pending deletions; returns how long to sleep before the next.</summary>
    internal async Task<TimeSpan> RunRoundAsync(CancellationToken cancellationToken)
    {
        TimeSpan next = options.DeletionPollInterval;
        IReadOnlyList<PendingDeletion> pending = await deletions.ListPendingDeletionsAsync(cancellationToken: cancellationToken);
        var live = new HashSet<(string, int)>();
        foreach (PendingDeletion deletion in pending)
        {
            for (int party = 0; party < 2; party++)
            {
                if (!deletion.IsPending(party))
                {
                    continue;
                }
                var key = (deletion.DatasetId, party);
                live.Add(key);
                DateTimeOffset now = time.GetUtcNow();
                if (_backOff.TryGetValue(key, out var state) && state.Due > now)
                {
                    next = Min(next, state.Due - now);
                    continue;
                }
                if (await AskPartyAsync(deletion, party, cancellationToken))
                {
                    _backOff.Remove(key);
                }
                else
                {
                    TimeSpan delay = state.Delay == TimeSpan.Zero ? options.DeletionInitialBackOff : Min(state.Delay * 2, options.DeletionMaxBackOff);
                    _backOff[key] = (time.GetUtcNow() + delay, delay);
                    next = Min(next, delay);
                }
            }
        }
        foreach (var stale in _backOff.Keys.Where(k => !live.Contains(k)).ToList())
        {
            _backOff.Remove(stale);
        }
        return next;
    }

    private async Task<bool> AskPartyAsync(PendingDeletion deletion, int party, CancellationToken cancellationToken)
    {
        HttpStatusCode status;
        try
        {
            using HttpResponseMessage response = await links.Party(party).DeleteAsync($"internal/datasets/{Uri.EscapeDataString(deletion.DatasetId)}", cancellationToken);
            status = response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Party {Party} not reachable to delete dataset {Dataset} ({Error}); will retry.", party, deletion.DatasetId, e.GetType().Name);
            return false;
        }
        if ((int)status is < 200 or >= 300)
        {
            logger.LogWarning("Party {Party} answered {Status} to the deletion of dataset {Dataset}; will retry.", party, (int)status, deletion.DatasetId);
            return false;
        }
        Outcome<DatasetInfo> confirmed = await deletions.ConfirmDeletedAsync(deletion.DatasetId, party, cancellationToken);
        if (!confirmed.IsOk)
        {
            logger.LogWarning("Could not record party {Party}'s deletion of dataset {Dataset}: {Error}", party, deletion.DatasetId, confirmed.Error);
            return false;
        }
        if (confirmed.Value.Status == DatasetStatus.Deleted)
        {
            audit.Emit(AuditEventTypes.DatasetDeleted, PlatformAudit.Platform, [$"dataset:{deletion.DatasetId}", $"project:{deletion.ProjectId:D}"],
                new Dictionary<string, object> { ["parties"] = 2 });
        }
        return true;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
