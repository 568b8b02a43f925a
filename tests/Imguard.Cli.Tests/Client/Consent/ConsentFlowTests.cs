using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Imguard.Audit.Server;
using Imguard.Client.Consent;
using Imguard.Client.Datasets;
using Imguard.Client.Platform;
using Imguard.Client.Storage;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;
using Imguard.Platform.Server;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;

namespace Imguard.Cli.Tests.Client.Consent;

/// <summary>
/// Two owners through the real platform (audit server and platform in this process, on a throw-away deployment, no
/// parties: the job is expected to wait in Queued) and the real <c>imguard</c> as a child process: each logs in (which
/// registers the profile's key), each owner's dataset becomes Ready with that owner's key (the parties' half reports,
/// sent with the parties' certificates), alice trains on both and approves her own job without a prompt, bob finds it
/// pending, approves it with <c>--yes</c>, and the job is Queued; a job bob declines ends alice's follow with his
/// reason and exit code 1. Both datasets are raw, so the job is standardised over the union, and the terms and the
/// status say so; a dataset its owner standardised with their own statistics joins only after <c>imguard dataset
/// disclose</c>, and the terms then show its numbers.
/// </summary>
public sealed class ConsentFlowTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    private readonly TestDeployment _deployment = TestDeployment.Create();
    private ServiceContext? _auditService;
    private ServiceContext? _platformService;
    private WebApplication? _audit;
    private WebApplication? _platform;

    private string Root => _deployment.Directory.Root;

    private Uri Url => _deployment.Settings.Platform.Url;

    public async Task InitializeAsync()
    {
        AuditServer.CreateSigningKey(_deployment.Directory);
        _auditService = new ServiceContext(ServiceRole.Audit, _deployment.Directory, _deployment.Settings, _deployment.Identity(ServiceRole.Audit));
        _audit = await AuditServer.CreateAsync(_auditService);
        await _audit.StartAsync();
        await PlatformServer.InitializeAsync(_deployment.Directory, _deployment.Settings);
        _platformService = new ServiceContext(ServiceRole.Platform, _deployment.Directory, _deployment.Settings, _deployment.Identity(ServiceRole.Platform));
        _platform = await PlatformServer.CreateAsync(_platformService);
        await _platform.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (WebApplication? app in new[] { _platform, _audit })
        {
            if (app is not null)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
        _platformService?.Dispose();
        _auditService?.Dispose();
        SqliteConnection.ClearAllPools();
        _deployment.Dispose();
    }

    [Fact]
    public async Task A_job_over_two_owners_datasets_is_queued_once_the_second_owner_approves_from_the_cli()
    {
        string alice = Path.Combine(Root, "alice", "profile.json");
        string bob = Path.Combine(Root, "bob", "profile.json");
        foreach (string user in new[] { "alice", "bob" })
        {
            using HttpClient anonymous = Client(token: null);
            (await anonymous.PostAsJsonAsync("api/auth/register", new { userName = user, password = Password })).EnsureSuccessStatusCode();
            string login = await Succeeds(Password + "\n", "login", "--profile", Path.Combine(Root, user, "profile.json"), "--platform", Url.ToString(),
                "--ca", _deployment.Directory.CaCertificatePath, "--user", user, "--password-stdin");
            Assert.Contains("registered this device's signing key", login, StringComparison.Ordinal);
        }
        byte[] aliceKey = DeviceKey(alice);
        byte[] bobKey = DeviceKey(bob);

        string projectId = (await Succeeds("", "project", "create", "--profile", alice, "--name", "two owners", "--shape", "1,8,8", "--classes", "3")).Trim();
        using (HttpClient owner = Client(ClientProfile.Load(alice).Token))
        {
            (await owner.PostAsJsonAsync($"api/projects/{projectId}/members", new { userName = "bob", role = "Contributor" })).EnsureSuccessStatusCode();
        }
        string aliceData = await ReadyDatasetAsync(alice, projectId, aliceKey);
        string bobData = await ReadyDatasetAsync(bob, projectId, bobKey);

        string train = await Succeeds("", "train", "--profile", alice, "--project", projectId, "--dataset", aliceData, "--with", bobData,
            "--model", "mlp", "--epochs", "1", "--batch-size", "16", "--hiding", "off");
        string jobId = Regex.Match(train, "job-[0-9a-f]+").Value;
        Assert.Contains($"approved job {jobId} with this device's key {OwnerKeys.ShortFingerprint(aliceKey)}", train, StringComparison.Ordinal);
        Assert.Contains($"{jobId} AwaitingApproval", train, StringComparison.Ordinal);
        Assert.Matches($"waits for approval by: {OwnerKeys.ShortFingerprint(bobKey)} \\(bob, owner of dataset '{bobData}'\\)", train);

        Assert.Contains(jobId, await Succeeds("", "job", "pending", "--profile", bob), StringComparison.Ordinal);
        string approve = await Succeeds("", "job", "approve", jobId, "--yes", "--profile", bob);
        Assert.Contains($"shared with key {OwnerKeys.ShortFingerprint(bobKey)} — you (this device)", approve, StringComparison.Ordinal);
        Assert.Contains("standardisation: standardised on shares over the union of every training set: the parties open 2 numbers per channel", approve, StringComparison.Ordinal);
        Assert.Contains($"  {bobData} was shared raw (x/255): no statistic of it is opened", approve, StringComparison.Ordinal);
        Assert.Contains($"approved job {jobId} with key {OwnerKeys.ShortFingerprint(bobKey)}", approve, StringComparison.Ordinal);

        using PlatformApi api = PlatformApi.FromProfile(ClientProfile.Load(bob));
        Assert.Equal(JobState.Queued, (await api.GetJobAsync(jobId)).State);
        Assert.Contains("standardisation: over the union of the training sets, on shares (the parties open its mean and deviation per channel when training starts)",
            await Succeeds("", "job", "status", jobId, "--profile", bob), StringComparison.Ordinal);
        Assert.DoesNotContain(await api.PendingApprovalsAsync(), j => j.Id == jobId);

        // A second job bob does not want: he declines, and alice's follow ends with his reason and exit code 1.
        string second = Regex.Match(await Succeeds("", "train", "--profile", alice, "--project", projectId, "--dataset", aliceData, "--with", bobData,
            "--model", "mlp", "--epochs", "3", "--batch-size", "16", "--hiding", "off"), "job-[0-9a-f]+").Value;
        Assert.Contains($"{second} Declined", await Succeeds("", "job", "decline", second, "--reason", "three epochs remember too much", "--profile", bob),
            StringComparison.Ordinal);
        (int followed, string follow, _) = await RunAsync("", "job", "status", second, "--follow", "--profile", alice);
        Assert.Equal(1, followed);
        Assert.Contains($"{second} Declined: ", follow, StringComparison.Ordinal);
        Assert.Contains("three epochs remember too much", follow, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dataset_standardised_with_its_owners_statistics_joins_a_union_job_only_once_its_owner_disclosed_them()
    {
        string alice = await LoginAsync("alice");
        string bob = await LoginAsync("bob");
        string projectId = (await Succeeds("", "project", "create", "--profile", alice, "--name", "disclosure", "--shape", "1,8,8", "--classes", "3")).Trim();
        using (HttpClient owner = Client(ClientProfile.Load(alice).Token))
        {
            (await owner.PostAsJsonAsync($"api/projects/{projectId}/members", new { userName = "bob", role = "Contributor" })).EnsureSuccessStatusCode();
        }
        string aliceData = await ReadyDatasetAsync(alice, projectId, DeviceKey(alice));
        string bobData = await ReadyDatasetAsync(bob, projectId, DeviceKey(bob), PixelScaling.Own);

        // The platform refuses the union job and names the remedy; the CLI shows it as it is.
        (int refused, _, string refusal) = await RunAsync("", "train", "--profile", alice, "--project", projectId, "--dataset", aliceData, "--with", bobData,
            "--model", "mlp", "--epochs", "1", "--batch-size", "16", "--hiding", "off");
        Assert.Equal(3, refused);
        Assert.Contains($"imguard dataset disclose {bobData}", refusal, StringComparison.Ordinal);

        // Bob discloses the statistics his client kept for it (his owner folder), after reading what becomes public.
        string bobsFolder = Path.Combine(Root, "bob", "owner");
        var ownerFolder = new OwnerFolder(bobsFolder);
        OwnerFolder.Create(ownerFolder.DatasetFolder(bobData));
        OwnerSharing.SaveStandardization(ownerFolder.StatisticsPath(bobData), new Learning.Data.Standardization([0.2860406], [0.3530241]));
        string disclose = await Succeeds("", new Dictionary<string, string?> { ["IMGUARD_OWNER_DIR"] = bobsFolder }, "dataset", "disclose", bobData, "--yes", "--profile", bob);
        Assert.Contains("Disclosing makes these 2 numbers public", disclose, StringComparison.Ordinal);
        Assert.Contains($"dataset {bobData}: scaling disclosed mean=0.2860406 std=0.3530241", disclose, StringComparison.Ordinal);

        string train = await Succeeds("", "train", "--profile", alice, "--project", projectId, "--dataset", aliceData, "--with", bobData,
            "--model", "mlp", "--epochs", "1", "--batch-size", "16", "--hiding", "off");
        string jobId = Regex.Match(train, "job-[0-9a-f]+").Value;
        string terms = await Succeeds("", "job", "terms", jobId, "--profile", bob);
        Assert.Contains($"  {bobData} discloses its owner's statistics mean=0.2860406 std=0.3530241 (public to every participant)", terms, StringComparison.Ordinal);
        Assert.Contains($"  {aliceData} was shared raw (x/255): no statistic of it is opened", terms, StringComparison.Ordinal);
    }

    // Registers the user with the platform and logs in from the CLI (which registers the profile's key); the profile's path.
    private async Task<string> LoginAsync(string user)
    {
        string profile = Path.Combine(Root, user, "profile.json");
        using HttpClient anonymous = Client(token: null);
        (await anonymous.PostAsJsonAsync("api/auth/register", new { userName = user, password = Password })).EnsureSuccessStatusCode();
        await Succeeds(Password + "\n", "login", "--profile", profile, "--platform", Url.ToString(), "--ca", _deployment.Directory.CaCertificatePath,
            "--user", user, "--password-stdin");
        return profile;
    }

    // The profile's key, as `imguard login` made it beside the profile.
    private static byte[] DeviceKey(string profile)
    {
        using OwnerSigningKey key = OwnerSigningKey.Load(OwnerSigningKey.PathBeside(profile));
        return key.PublicKey;
    }

    // A dataset registered by the profile's user, made Ready by both parties' half reports naming the owner's key (what
    // each party reads from the share file header the owner's CLI wrote). Raw, as `dataset upload --scaling raw` registers
    // it: a job over two owners is standardised over the union, which the platform refuses for a dataset scaled "own".
    private async Task<string> ReadyDatasetAsync(string profile, string projectId, byte[] ownerKey, PixelScaling? scaling = null)
    {
        string[] digests = [Digest("half 0" + profile), Digest("half 1" + profile)];
        using PlatformApi api = PlatformApi.FromProfile(ClientProfile.Load(profile));
        DatasetUploadView registered = await api.RegisterDatasetAsync(Guid.Parse(projectId),
            new RegisterDatasetRequest("batch", DatasetPurpose.Train, 32, 16, digests[0], digests[1], Scaling: scaling ?? PixelScaling.Raw));
        for (int party = 0; party < 2; party++)
        {
            using var client = new HttpClient(MutualTls.CreateServiceHandler(_deployment.Identity(ServiceRoles.Party(party)), ServiceRole.Platform)) { BaseAddress = Url };
            (await client.PostAsJsonAsync($"internal/datasets/{registered.Dataset.Id}/halves",
                new { channels = 1, height = 8, width = 8, classes = 3, count = 32, digest = digests[party], ownerKey = Convert.ToBase64String(ownerKey) }))
                .EnsureSuccessStatusCode();
        }
        Assert.Equal(DatasetStatus.Ready, (await api.GetDatasetAsync(registered.Dataset.Id)).Status);
        return registered.Dataset.Id;
    }

    private static string Digest(string seed) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)));

    private HttpClient Client(string? token)
    {
        var client = new HttpClient(MutualTls.CreateClientHandler(_deployment.Identity(ServiceRole.Platform).Authority, ServiceRole.Platform)) { BaseAddress = Url };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    private static Task<string> Succeeds(string input, params string[] arguments) => Succeeds(input, new Dictionary<string, string?>(), arguments);

    private static async Task<string> Succeeds(string input, Dictionary<string, string?> environment, params string[] arguments)
    {
        (int code, string output, string error) = await RunAsync(input, environment, arguments);
        Assert.True(code == 0, $"imguard {string.Join(' ', arguments)}: exit {code}\n{output}\n{error}");
        return output;
    }

    private static Task<(int Code, string StandardOutput, string StandardError)> RunAsync(string input, params string[] arguments) =>
        RunAsync(input, new Dictionary<string, string?>(), arguments);

    // imguard turns tiered compilation off for its compute-bound roles; these short client commands start faster with it.
    private static Task<(int Code, string StandardOutput, string StandardError)> RunAsync(string input, Dictionary<string, string?> environment, params string[] arguments)
    {
        environment["DOTNET_TieredCompilation"] = "1";
        environment["IMGUARD_PROFILE"] = null;
        return ImguardChild.RunAsync(Bound, input, environment, arguments);
    }
}
