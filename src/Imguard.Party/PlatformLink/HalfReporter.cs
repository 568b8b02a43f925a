using System.Threading.Channels;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Shares;
using Imguard.Party.Shares;
using Imguard.ServiceDefaults.Resilience;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;

namespace Imguard.Party.PlatformLink;

/// <summary>
/// Makes sure the platform hears about every half this party stores, even when the platform is down at the moment
/// an upload completes: completed uploads are reported at once, and at start-up every stored half whose dataset the
/// platform still lists as registered is reported again (reports are idempotent). Failed reports are retried with
/// back-off and jitter (<see cref="Retries.HalfReport"/>). Halves of datasets the platform has deleted are removed here too, and a dataset the platform's reply
/// calls Rejected is closed to uploads (<see cref="DatasetStatusCheck.ObserveAsync"/>).
/// </summary>
public sealed class HalfReporter(ShareStore store, PlatformClient platform, DatasetStatusCheck datasets, ILogger<HalfReporter> logger) : BackgroundService
{
    private readonly Channel<string> _pending = Channel.CreateUnbounded<string>();

    /// <summary>Reports a freshly stored half now; false (and queued for retry) if the platform did not take it.</summary>
    public async Task<bool> ReportAsync(string datasetId, CancellationToken cancellationToken)
    {
        try
        {
            if (await TryReportAsync(datasetId, cancellationToken))
            {
                return true;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            logger.LogWarning("Platform unreachable while reporting dataset {Dataset}: {Reason}; will retry.", datasetId, e.Message);
        }
        _pending.Writer.TryWrite(datasetId);
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (string datasetId in store.ListDatasets())
        {
            _pending.Writer.TryWrite(datasetId);
        }
        // A round that left reports undelivered is run again with back-off (Retries.HalfReport) until every one is
        // delivered; each round also takes the halves stored since the last, so a new one never waits behind old ones.
        ResiliencePipeline<IReadOnlyList<string>> rounds = Retries.For<IReadOnlyList<string>>(Retries.HalfReport, outcome => outcome.Result is { Count: > 0 },
            args =>
            {
                logger.LogWarning("{Count} dataset reports not delivered to the platform; retrying in {Seconds:0.#} s.", args.Outcome.Result!.Count, args.RetryDelay.TotalSeconds);
                return ValueTask.CompletedTask;
            });
        try
        {
            while (await _pending.Reader.WaitToReadAsync(stoppingToken))
            {
                IReadOnlyList<string> failed = [];
                await rounds.ExecuteAsync(async token =>
                {
                    var batch = new List<string>(failed);
                    while (_pending.Reader.TryRead(out string? id))
                    {
                        batch.Add(id);
                    }
                    failed = await ReconcileAllAsync(batch, token);
                    return failed;
                }, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: reconciles each dataset once and returns those whose report did not get through.</summary>
    private async Task<IReadOnlyList<string>> ReconcileAllAsync(List<string> batch, CancellationToken cancellationToken)
    {
        var failed = new List<string>();
        foreach (string datasetId in batch.Distinct(StringComparer.Ordinal))
        {
            try
            {
                if (!await ReconcileAsync(datasetId, cancellationToken))
                {
                    failed.Add(datasetId);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                failed.Add(datasetId);
            }
        }
        return failed;
    }

    /// <summary>Brings one stored half in line with the platform's registration; false to retry later.</summary>
    private async Task<bool> ReconcileAsync(string datasetId, CancellationToken cancellationToken)
    {
        if (!store.Contains(datasetId))
        {
            return true;
        }
        PartyDatasetView? registration = await platform.GetDatasetAsync(datasetId, cancellationToken);
        await datasets.ObserveAsync(datasetId, registration?.Status, cancellationToken);
        switch (registration?.Status)
        {
            case null:
                // Kept: a platform pointed at the wrong database must not make parties delete data. An operator decides.
                logger.LogWarning("The platform does not know dataset {Dataset}, whose half is stored here; keeping it.", datasetId);
                return true;
            case "Deleted":
                await store.DeleteAsync(datasetId, cancellationToken);
                logger.LogInformation("Removed the half of dataset {Dataset}: the platform has deleted it.", datasetId);
                return true;
            case "Registered":
                return await TryReportAsync(datasetId, cancellationToken);
            default:
                return true; // Ready, Rejected, Deleting: the platform already has this party's word.
        }
    }

    private async Task<bool> TryReportAsync(string datasetId, CancellationToken cancellationToken)
    {
        StoredShare stored = await store.VerifyAsync(datasetId, cancellationToken);
        ShareFileHeader header = stored.Header;
        // The owner key comes from the header this party verified, so the platform learns the key the halves are bound to.
        var report = new HalfReport(header.Channels, header.Height, header.Width, header.Classes, header.ExampleCount, stored.Digest.ToString(),
            header.OwnerKey is { } ownerKey ? Convert.ToBase64String(ownerKey) : null);
        (bool taken, string? status) = await platform.ReportHalfAsync(datasetId, report, cancellationToken);
        if (taken)
        {
            await datasets.ObserveAsync(datasetId, status, cancellationToken);
        }
        return taken;
    }
}
