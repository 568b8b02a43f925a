using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using Imguard.Contracts.Accounts;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Grants;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Projects;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Tls;

namespace Imguard.Client.Platform;

/// <summary>
/// The owner's typed client for the platform's REST API: TLS pinned to the deployment's CA and the platform's
/// certificate name, an API token as bearer credential (no cookie, so no CSRF token is needed). Errors come back as
/// <see cref="PlatformApiException"/> carrying the platform's problem title and detail.
/// </summary>
public sealed class PlatformApi : IDisposable
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly HttpClient _http;
    private readonly X509Certificate2? _authority;

    public PlatformApi(Uri platform, string caCertificatePem, string? token)
    {
        ArgumentNullException.ThrowIfNull(platform);
        _authority = X509Certificate2.CreateFromPem(caCertificatePem);
        _http = new HttpClient(MutualTls.CreateClientHandler(_authority, ServiceRole.Platform)) { BaseAddress = platform, Timeout = TimeSpan.FromMinutes(2) };
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>A client over a transport the caller made (the unit tests' in-memory platform); it has no CA to reach the parties with.</summary>
    internal PlatformApi(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
    }

    public static PlatformApi FromProfile(ClientProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new PlatformApi(profile.Platform, profile.CaCertificatePem, profile.Token);
    }

    /// <summary>The platform's URL.</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>An HTTP client for party <paramref name="partyId"/>'s API at <paramref name="url"/>, pinned to the same CA.</summary>
    public HttpClient PartyClient(int partyId, Uri url) =>
        new(MutualTls.CreateClientHandler(_authority ?? throw new InvalidOperationException("This platform client has no CA certificate to reach the parties with."),
            ServiceRoles.Party(partyId))) { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) };

    /// <summary>An HTTP client for the party a grant is for, at the URL the platform gave with it.</summary>
    public HttpClient PartyClient(GrantView grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return PartyClient(grant.Party, new Uri(grant.Url, UriKind.Absolute));
    }

    /// <summary>Logs in with a user name and password: a 401 here means they were wrong, not that a token expired.</summary>
    public Task<CreatedTokenView> CreateTokenAsync(CreateTokenRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<CreatedTokenView>(HttpMethod.Post, "api/auth/tokens", request, cancellationToken,
            unauthorized: "Wrong user name or password (or the account is disabled).");

    /// <summary>The user this client's token belongs to.</summary>
    public Task<UserView> MeAsync(CancellationToken cancellationToken = default) =>
        SendAsync<UserView>(HttpMethod.Get, "api/auth/me", null, cancellationToken);

    /// <summary>The caller's API tokens (prefixes and dates, never a token).</summary>
    public Task<IReadOnlyList<TokenView>> ListTokensAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<TokenView>>(HttpMethod.Get, "api/auth/tokens", null, cancellationToken);

    public Task<ProjectView> CreateProjectAsync(CreateProjectRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<ProjectView>(HttpMethod.Post, "api/projects", request, cancellationToken);

    public Task<IReadOnlyList<ProjectView>> ListProjectsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<ProjectView>>(HttpMethod.Get, "api/projects", null, cancellationToken);

    public Task<ProjectView> GetProjectAsync(Guid projectId, CancellationToken cancellationToken = default) =>
        SendAsync<ProjectView>(HttpMethod.Get, $"api/projects/{projectId}", null, cancellationToken);

    public Task<DatasetUploadView> RegisterDatasetAsync(Guid projectId, RegisterDatasetRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<DatasetUploadView>(HttpMethod.Post, $"api/projects/{projectId}/datasets", request, cancellationToken);

    public Task<DatasetView> GetDatasetAsync(string datasetId, CancellationToken cancellationToken = default) =>
        SendAsync<DatasetView>(HttpMethod.Get, $"api/datasets/{Uri.EscapeDataString(datasetId)}", null, cancellationToken);

    /// <summary>Asks the platform to delete a dataset: both parties delete their halves (the platform retries until they confirm).</summary>
    public Task<DatasetView> DeleteDatasetAsync(string datasetId, CancellationToken cancellationToken = default) =>
        SendAsync<DatasetView>(HttpMethod.Delete, $"api/datasets/{Uri.EscapeDataString(datasetId)}", null, cancellationToken);

    /// <summary>
    /// Discloses the statistics a dataset was standardised with (its owner only; cannot be undone): they become public to
    /// the project's members, the parties and every job's approvers, and the dataset can join a job standardised over the
    /// union. The caller reads the dataset again for its new scaling.
    /// </summary>
    public Task DiscloseStatisticsAsync(string datasetId, DiscloseStatisticsRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/datasets/{Uri.EscapeDataString(datasetId)}/disclose-statistics", request, cancellationToken);

    public Task<JobView> CreateJobAsync(Guid projectId, CreateJobRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<JobView>(HttpMethod.Post, $"api/projects/{projectId}/jobs", request, cancellationToken);

    /// <summary>What a job would cost (dealer and peer bytes, rounds, a measured step time) before it is started.</summary>
    public Task<JobEstimate> EstimateJobAsync(Guid projectId, CreateJobRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<JobEstimate>(HttpMethod.Post, $"api/projects/{projectId}/jobs/estimate", request, cancellationToken);

    /// <summary>Only the test accuracy the platform's measured table expects of a job's settings (a look-up, no secure step).</summary>
    public Task<ExpectedAccuracy> ExpectedAccuracyAsync(Guid projectId, CreateJobRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<ExpectedAccuracy>(HttpMethod.Post, $"api/projects/{projectId}/jobs/expected-accuracy", request, cancellationToken);

    public Task<JobView> GetJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<JobView>(HttpMethod.Get, $"api/jobs/{Uri.EscapeDataString(jobId)}", null, cancellationToken);

    /// <summary>The gradient-inversion report for a job's model and hiding settings, measured by the platform on public images.</summary>
    public Task<Contracts.Privacy.JobPrivacyReportView> GetJobPrivacyReportAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<Contracts.Privacy.JobPrivacyReportView>(HttpMethod.Get, $"api/jobs/{Uri.EscapeDataString(jobId)}/privacy-report", null, cancellationToken);

    /// <summary>Starts secure inference: the model of <paramref name="modelJobId"/> applied to a shared (test-purpose) dataset.</summary>
    public Task<JobView> CreateInferenceAsync(string modelJobId, string datasetId, CancellationToken cancellationToken = default) =>
        SendAsync<JobView>(HttpMethod.Post, $"api/jobs/{Uri.EscapeDataString(modelJobId)}/inference", new CreateInferenceRequest(datasetId), cancellationToken);

    public Task<JobView> CancelJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<JobView>(HttpMethod.Post, $"api/jobs/{Uri.EscapeDataString(jobId)}/cancel", null, cancellationToken);

    /// <summary>The creator queues a failed or cancelled job again; the parties continue from the newest checkpoint both hold (the approvals stay valid).</summary>
    public Task<JobView> ResumeJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<JobView>(HttpMethod.Post, $"api/jobs/{Uri.EscapeDataString(jobId)}/resume", null, cancellationToken);

    /// <summary>The creator queues a failed or cancelled job again from newly dealt weights (the approvals stay valid).</summary>
    public Task<JobView> RestartJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<JobView>(HttpMethod.Post, $"api/jobs/{Uri.EscapeDataString(jobId)}/restart", null, cancellationToken);

    /// <summary>The creator replaces a stopped or waiting job's settings, datasets and recipients: every approval is void and the job waits for new ones.</summary>
    public Task<JobView> ReviseJobAsync(string jobId, CreateJobRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<JobView>(HttpMethod.Post, $"api/jobs/{Uri.EscapeDataString(jobId)}/revise", request, cancellationToken);

    public Task<IReadOnlyList<JobLogEntryView>> GetJobLogAsync(string jobId, long after, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<JobLogEntryView>>(HttpMethod.Get, $"api/jobs/{Uri.EscapeDataString(jobId)}/log?after={after}", null, cancellationToken);

    public Task<ModelDownloadView> ModelGrantsAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<ModelDownloadView>(HttpMethod.Post, $"api/jobs/{Uri.EscapeDataString(jobId)}/model-grants", null, cancellationToken);

    /// <summary>The caller's registered signing key (the key the platform names when the caller receives a model); null when none is registered.</summary>
    public async Task<SigningKeyView?> GetSigningKeyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await SendAsync<SigningKeyView>(HttpMethod.Get, "api/me/signing-key", null, cancellationToken);
        }
        catch (PlatformApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Registers <paramref name="publicKeySpki"/> as the caller's signing key, replacing any other (approvals already signed with the old key stay as they are).</summary>
    public Task<SigningKeyView> RegisterSigningKeyAsync(byte[] publicKeySpki, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(publicKeySpki);
        return SendAsync<SigningKeyView>(HttpMethod.Put, "api/me/signing-key", new SigningKeyRequest(Convert.ToBase64String(publicKeySpki)), cancellationToken);
    }

    /// <summary>
    /// A training job's consent terms as the platform shows them. Its digest is the platform's claim only:
    /// <see cref="Consent.ConsentApprover"/> rebuilds the terms and computes the digest it signs.
    /// </summary>
    public Task<ConsentTermsView> GetConsentAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync<ConsentTermsView>(HttpMethod.Get, $"api/jobs/{Uri.EscapeDataString(jobId)}/consent", null, cancellationToken);

    /// <summary>Sends a signature over the job's consent terms; the caller reads the job again for its new state.</summary>
    public Task ApproveJobAsync(string jobId, ApproveJobRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/jobs/{Uri.EscapeDataString(jobId)}/approve", request, cancellationToken);

    /// <summary>Declines a job (final: it becomes Declined, the reason its failure message).</summary>
    public Task DeclineJobAsync(string jobId, DeclineJobRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/jobs/{Uri.EscapeDataString(jobId)}/decline", request, cancellationToken);

    /// <summary>Withdraws the caller's signature while the job has not started (it goes back to AwaitingApproval).</summary>
    public Task WithdrawJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"api/jobs/{Uri.EscapeDataString(jobId)}/withdraw", null, cancellationToken);

    /// <summary>Jobs in AwaitingApproval that still wait for a signature by one of the caller's keys.</summary>
    public Task<IReadOnlyList<JobView>> PendingApprovalsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<JobView>>(HttpMethod.Get, "api/me/approvals", null, cancellationToken);

    /// <summary>A page of the platform's copies of signed audit checkpoints (administrators only), oldest first.</summary>
    public Task<AuditCheckpointPage> ListAuditCheckpointsAsync(long after, int limit, CancellationToken cancellationToken = default) =>
        SendAsync<AuditCheckpointPage>(HttpMethod.Get, $"api/audit/checkpoints?after={after}&limit={limit}", null, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken, string? unauthorized = null)
    {
        using HttpResponseMessage response = await SendCheckedAsync(method, path, body, unauthorized, cancellationToken);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                ?? throw new PlatformApiException(response.StatusCode, $"The platform's answer to {method} {path} was empty.");
        }
        catch (JsonException e)
        {
            throw new PlatformApiException($"The platform's answer to {method} {path} could not be read ({e.Message}).", e);
        }
    }

    // For actions whose answer the caller does not need (it reads the job again), so its shape is not relied on.
    private async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendCheckedAsync(method, path, body, unauthorized: null, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendCheckedAsync(HttpMethod method, string path, object? body, string? unauthorized, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }
        HttpResponseMessage response = await _http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                string detail = await ProblemDetail.ReadAsync(response, cancellationToken);
                throw new PlatformApiException(response.StatusCode, response.StatusCode == HttpStatusCode.Unauthorized
                    ? unauthorized ?? "The platform did not accept the credentials (expired or revoked token?). Run `imguard login` again."
                    : $"The platform refused ({(int)response.StatusCode}): {detail}");
            }
        }
        return response;
    }

    public void Dispose()
    {
        _http.Dispose();
        _authority?.Dispose();
    }
}
