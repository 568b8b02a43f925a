using System.Net;
using System.Net.Http.Json;
using Imguard.Contracts.Datasets;

namespace Imguard.Party.PlatformLink;

/// <summary>
/// The party's calls to the platform, over mutual TLS with the party's certificate (the platform takes the party id
/// from it): report a stored half, read a dataset's registration, confirm a deletion.
/// </summary>
public sealed class PlatformClient(HttpClient http)
{
    /// <summary>
    /// Reports a half. Taken: the platform took the report (whatever it concluded from it); Status: the dataset's
    /// status after it (e.g. "Rejected"), when the platform's reply says.
    /// </summary>
    public async Task<(bool Taken, string? Status)> ReportHalfAsync(string datasetId, HalfReport report, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await http.PostAsJsonAsync($"internal/datasets/{Uri.EscapeDataString(datasetId)}/halves", report, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return (false, null);
        }
        try
        {
            return (true, (await response.Content.ReadFromJsonAsync<PartyDatasetView>(cancellationToken))?.Status);
        }
        catch (System.Text.Json.JsonException)
        {
            return (true, null); // taken; the reply just did not say more
        }
    }

    /// <summary>The dataset's registration, or null when the platform does not know it.</summary>
    public async Task<PartyDatasetView?> GetDatasetAsync(string datasetId, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await http.GetAsync($"internal/datasets/{Uri.EscapeDataString(datasetId)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<PartyDatasetView>(cancellationToken);
    }
}
