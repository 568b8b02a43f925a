using System.Net;
using System.Net.Http.Json;
using Imguard.Contracts.Jobs;
using Imguard.Dealer.Sessions;

namespace Imguard.Dealer.Server;

/// <summary>
/// The job catalog of a dealer running as its own service: asks the platform (<see cref="DealerEndpoints.Job"/>, mutual
/// TLS with the dealer's certificate, the platform's role pinned) for a job's description and counts. The platform
/// answers 404 for a job that is unknown or over. The dealer holds no database and shares no files with the platform:
/// this is all it learns of a job.
/// </summary>
public sealed class RemoteDealerJobCatalog(HttpClient platform) : IDealerJobCatalog
{
    public async Task<DealerJob?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        HttpResponseMessage response;
        try
        {
            response = await platform.GetAsync(DealerEndpoints.Job(jobId), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Never the exception's message: it names the address.
            throw new DealerException(DealerErrorKind.Busy, "The dealer cannot reach the platform to look the job up; try again.");
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new DealerException(DealerErrorKind.Busy, $"The platform did not describe the job to the dealer ({(int)response.StatusCode}); try again.");
            }
            DealerJobView view = await response.Content.ReadFromJsonAsync<DealerJobView>(cancellationToken).ConfigureAwait(false)
                ?? throw new DealerException(DealerErrorKind.Busy, "The platform sent an empty job view.");
            return new DealerJob(view.Description, view.TrainingCount, view.TestCount);
        }
    }
}
