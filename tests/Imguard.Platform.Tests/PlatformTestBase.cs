using System.Security.Cryptography;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Projects;
using Imguard.Platform.Accounts;
using Imguard.Platform.Data;
using Imguard.Platform.Datasets;
using Imguard.Platform.Jobs;
using Imguard.Platform.Projects;

namespace Imguard.Platform.Tests;

/// <summary>
/// The shared base of the service tests: one migrated database per test on the given provider, a hand-moved clock,
/// the services wired to both, and helpers that build users, projects and datasets. Each concrete subclass picks
/// the provider; tests are marked <see cref="ProviderFactAttribute"/>.
/// </summary>
public abstract class PlatformTestBase(PlatformDatabaseProvider provider) : IAsyncLifetime
{
    protected const string Password = "correct horse battery staple";
    protected static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    protected static readonly ImageShape Shape = new(1, 28, 28);

    private TestStore? _store;

    protected PlatformDatabaseProvider Provider { get; } = provider;

    internal ManualTimeProvider Clock { get; } = new(Start);

    // Few iterations keep the tests fast; PasswordHasherTests checks the production count.
    internal PasswordHasher Hasher { get; } = new(iterations: 1_000);

    protected PlatformDatabase Database => _store?.Database ?? throw new InvalidOperationException("The store was not created.");

    protected AccountService Accounts => new(Database, Hasher, Clock);

    protected ApiTokenService Tokens => new(Database, new AccountOptions(), Clock);

    protected ProjectService Projects => new(Database, Clock);

    protected DatasetRegistry Datasets => new(Database, Clock, Quotas);

    protected DatasetHalfReports HalfReports => new(Database, Clock);

    protected DatasetDeletions Deletions => new(Database, Clock);

    /// <summary>The storage quotas the dataset registry enforces; a test may lower them.</summary>
    protected StorageQuotaOptions Quotas { get; } = new();

    protected JobService Jobs => new(Database, Clock);

    protected JobConsents Consents => new(Database, Clock);

    protected SigningKeys SigningKeys => new(Database, Clock);

    private readonly Dictionary<Guid, ECDsa> _keys = [];

    /// <summary>A user's signing key, made on first use (as their device would): it binds their uploads and signs their approvals.</summary>
    protected ECDsa KeyOf(UserInfo user) =>
        _keys.TryGetValue(user.Id, out ECDsa? key) ? key : _keys[user.Id] = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The public half of <see cref="KeyOf"/>, registered as the user's signing key.</summary>
    protected async Task<byte[]> RegisterKeyAsync(UserInfo user)
    {
        byte[] key = KeyOf(user).ExportSubjectPublicKeyInfo();
        Ok(await SigningKeys.RegisterAsync(user.Id, key));
        return key;
    }

    /// <summary>Creates a training job (its creator's key registered) and has every required key sign it, as the owners and recipients would: it ends Queued.</summary>
    internal async Task<JobInfo> QueuedJobAsync(UserInfo creator, JobRequest request, params UserInfo[] signers)
    {
        await RegisterKeyAsync(creator);
        JobInfo job = Ok(await Jobs.CreateAsync(creator.Id, request));
        foreach (UserInfo signer in signers.Prepend(creator).DistinctBy(u => u.Id))
        {
            var (state, problem) = JobConsentState.Of(job);
            Assert.True(state is not null, problem);
            byte[] key = KeyOf(signer).ExportSubjectPublicKeyInfo();
            if (state!.Requires(key))
            {
                job = Ok(await Consents.ApproveAsync(signer.Id, job.Id, key, Imguard.Contracts.Consent.ConsentSignature.Sign(KeyOf(signer), state.Digest))).Job;
            }
        }
        Assert.Equal(Imguard.Contracts.Jobs.JobState.Queued, job.State);
        return job;
    }

    public async Task InitializeAsync()
    {
        if (Provider == PlatformDatabaseProvider.PostgreSql && ProviderFactAttribute.PostgresConnectionString is null)
        {
            return; // the test is reported as skipped
        }

        _store = await TestStore.CreateAsync(Provider);
    }

    public async Task DisposeAsync()
    {
        foreach (ECDsa key in _keys.Values)
        {
            key.Dispose();
        }

        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    protected static T Ok<T>(Outcome<T> outcome)
    {
        Assert.True(outcome.IsOk, outcome.ToString());
        return outcome.Value!;
    }

    protected static void Fails<T>(OutcomeStatus expected, Outcome<T> outcome, string? messageContains = null)
    {
        Assert.Equal(expected, outcome.Status);
        Assert.False(string.IsNullOrWhiteSpace(outcome.Error));
        if (messageContains is not null)
        {
            Assert.Contains(messageContains, outcome.Error, StringComparison.OrdinalIgnoreCase);
        }
    }

    protected async Task<UserInfo> UserAsync(string name) => Ok(await Accounts.RegisterAsync(name, null, Password));

    protected async Task<UserInfo> AdminAsync(string name = "admin") => Ok(await Accounts.CreateFirstAdminAsync(name)).User;

    protected async Task<ProjectInfo> ProjectAsync(UserInfo owner, string name = "faces") =>
        Ok(await Projects.CreateAsync(owner.Id, new NewProject(name, "a test project", Shape, 10)));

    protected async Task<ProjectInfo> ProjectWithAsync(UserInfo owner, params (UserInfo User, ProjectRole Role)[] members)
    {
        ProjectInfo project = await ProjectAsync(owner);
        foreach (var (user, role) in members)
        {
            Ok(await Projects.AddMemberAsync(owner.Id, project.Id, user.UserName, role));
        }

        return project;
    }

    protected static string Digest(string seed) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed)));

    protected static DatasetRegistration Registration(Guid projectId, DatasetPurpose purpose = DatasetPurpose.Train, int count = 100, PixelScaling? scaling = null) =>
        new(projectId, "batch 1", purpose, Shape, count, 10, 16, Digest("half 0"), Digest("half 1"), Scaling: scaling);

    /// <summary>
    /// A Ready dataset whose halves carry the owner's key (<see cref="KeyOf"/>), as the owner's client writes them;
    /// <paramref name="scaling"/>: how the client scaled the pixels (null: <c>own</c>).
    /// </summary>
    protected async Task<DatasetInfo> ReadyDatasetAsync(UserInfo owner, Guid projectId, DatasetPurpose purpose = DatasetPurpose.Train, PixelScaling? scaling = null)
    {
        byte[] ownerKey = KeyOf(owner).ExportSubjectPublicKeyInfo();
        DatasetInfo dataset = Ok(await Datasets.RegisterAsync(owner.Id, Registration(projectId, purpose, scaling: scaling)));
        Ok(await HalfReports.ReportHalfAsync(dataset.Id, 0, Shape, 100, null, Digest("half 0"), ownerKey));
        DatasetInfo ready = Ok(await HalfReports.ReportHalfAsync(dataset.Id, 1, Shape, 100, null, Digest("half 1"), ownerKey));
        Assert.Equal(DatasetStatus.Ready, ready.Status);
        return ready;
    }

    protected static JobRequest JobRequest(Guid projectId, string trainId, string? testId = null) =>
        new(projectId, trainId, testId, """{"preset":"mlp","hidden":[64]}""", """{"epochs":2,"batchSize":32}""");
}
