using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Imguard.Contracts.Grants;
using Imguard.Platform.Api;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;

namespace Imguard.Platform.Server;

/// <summary>
/// Signs grants with the platform certificate's private key (ECDSA P-256, <see cref="GrantToken"/>): one per party,
/// each naming that party, the purpose, the project, the dataset or job, the user, the size limit (uploads: the
/// party's <see cref="PartySettings.MaxUploadBytes"/>), a short lifetime and a fresh 128-bit nonce. Callers check
/// the user's rights first; a party checks the signature, its own party id, the purpose and the expiry.
/// </summary>
public sealed class GrantIssuer : IDisposable
{
    private readonly ECDsa _key;
    private readonly DeploymentSettings _settings;
    private readonly PlatformOptions _options;
    private readonly TimeProvider _time;

    public GrantIssuer(ServiceContext service, PlatformOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _key = service.Identity.Certificate.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException("The platform certificate has no ECDSA private key to sign grants with.");
        _settings = service.Settings;
        _options = options;
        _time = time;
    }

    /// <summary>Upload grants for both halves of <paramref name="datasetId"/>.</summary>
    public IReadOnlyList<GrantView> Uploads(Guid projectId, string datasetId, string userName) =>
        [.. Enumerable.Range(0, 2).Select(party =>
            Issue(GrantPurpose.UploadDataset, party, projectId, datasetId, userName, _settings.Parties[party].MaxUploadBytes, _options.UploadGrantLifetime))];

    /// <summary>Model-share download grants for both shares of job <paramref name="jobId"/>'s model.</summary>
    public IReadOnlyList<GrantView> ModelDownloads(Guid projectId, string jobId, string userName) =>
        [.. Enumerable.Range(0, 2).Select(party =>
            Issue(GrantPurpose.DownloadModel, party, projectId, jobId, userName, 0, _options.ModelGrantLifetime))];

    private GrantView Issue(GrantPurpose purpose, int party, Guid projectId, string resource, string userName, long maxBytes, TimeSpan lifetime)
    {
        DateTimeOffset now = _time.GetUtcNow();
        var grant = new Grant
        {
            Purpose = purpose,
            Party = party,
            Project = projectId.ToString("D"),
            Resource = resource,
            User = userName,
            MaxBytes = maxBytes,
            IssuedAt = now,
            ExpiresAt = now + lifetime,
            Nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        };
        return new GrantView(party, _settings.Parties[party].Api.Url.ToString(), GrantToken.Sign(grant, _key), grant.ExpiresAt);
    }

    public void Dispose() => _key.Dispose();
}
