using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Imguard.Client.Models;
using Imguard.Contracts.Audit;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Grants;
using Imguard.Contracts.Jobs;
using Imguard.Dealer.Sessions;
using Imguard.Dealer.Training;
using Imguard.Learning.Data;
using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using Imguard.Learning.Storage;
using Imguard.Learning.Training;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Randomness;
using Imguard.Party.Jobs;
using Imguard.Party.Server;
using Imguard.Party.Shares;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Telemetry;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;
using Xunit.Abstractions;

namespace Imguard.Party.Tests.Jobs;

/// <summary>
/// Training jobs end to end on 127.0.0.1 with real TLS everywhere: a stand-in platform running the real dealer
/// endpoints, two real party servers with dataset halves in their share stores, the peer link between them, and the
/// owner downloading and reconstructing the model. The dealer's initial weights and hiding plans are fixed (a test
/// hook), so the secure model can be held to a plaintext run of the same training. Every half is version 2 and carries
/// its owner's key (Alice's); every job carries the consent Alice signed as owner and recipient, which each party checks
/// against the key in its own stored half before it loads anything.
/// </summary>
public sealed class JobsEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Train = "ds-train";
    private const string Test = "ds-test";
    private const string Old = "ds-old"; // shared before share files carried the owner's key (version 1)
    private const string Bob = "ds-bob"; // another owner's training set, for jobs over the union
    private const string Wide = "ds-wide"; // 9×9 images: cannot train with the 8×8 ones
    private const string AliceRaw = "ds-alice-raw"; // Alice's training set shared with raw pixels (x/255), for a union-standardised job
    private const string BobDisclosed = "ds-bob-disclosed"; // Bob's, standardised with statistics he disclosed
    private const string TestRaw = "ds-test-raw"; // Alice's test set with raw pixels
    private static readonly FixedPointFormat Format = FixedPointFormat.Default;
    private static readonly Seed TestPlanSeed = new(77, 3);
    private static readonly ModelSpec Spec = new([1, 8, 8], 10, [new("flatten"), new("linear", Out: 16), new("relu"), new("linear", Out: 10)]);

    private readonly TestDeployment _deployment = TestDeployment.Create();
    private readonly string _work = Path.Combine(Path.GetTempPath(), "imguard-jobs-" + Guid.NewGuid().ToString("N"));
    private readonly (ServiceContext Service, WebApplication App)?[] _parties = new (ServiceContext, WebApplication)?[2];
    private StandInPlatform? _platform;
    private LabeledImages _train = null!;
    private LabeledImages _test = null!;
    private LabeledImages _bobTrain = null!;
    private LabeledImages _union = null!; // Alice's training set, then Bob's: the job's union in its order
    private LabeledImages _raw = null!; // the 72 images' pixels, 0..255
    private Standardization _bobOwn = null!; // the statistics Bob standardised BobDisclosed with and disclosed
    private readonly ConcurrentDictionary<(string Job, int Epoch), int> _plannedCounts = new();
    private IReadOnlyList<PlainTensor> _initial = null!;
    private readonly ECDsa _alice = TestConsent.NewKey();
    private readonly ECDsa _bob = TestConsent.NewKey();

    private StandInPlatform Platform => _platform!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        var raw = SyntheticShapes.Generate(72, side: 8);
        var standardization = Standardization.Fit(raw.Slice(0, 32));
        _train = standardization.Apply(raw.Slice(0, 32));
        _test = standardization.Apply(raw.Slice(32, 16));
        _bobTrain = standardization.Apply(raw.Slice(48, 24));
        _union = standardization.Apply(raw).Subset([.. Enumerable.Range(0, 32), .. Enumerable.Range(48, 24)]);
        _raw = raw;
        _bobOwn = Standardization.Fit(raw.Slice(48, 24));
        var identity = new Standardization([0.0], [1.0]); // (x/255 − 0)/1: what a client shares as raw pixels
        var wide = SyntheticShapes.Generate(8, side: 9);
        using (var prg = new AesCtrPrg(new Seed(7, 1)))
        {
            _initial = ModelBuilder.InitialParameters(Spec, prg);
        }
        _platform = await StartPlatformAsync();
        byte[] aliceKey = _alice.ExportSubjectPublicKeyInfo();
        OwnerHalfFiles trainFiles = await DatasetHalfFile.WriteOwnerHalvesAsync(_train, Format, Train, _work, seedCompressParty0: true, ownerKey: aliceKey);
        OwnerHalfFiles testFiles = await DatasetHalfFile.WriteOwnerHalvesAsync(_test, Format, Test, _work, seedCompressParty0: false, ownerKey: aliceKey);
        OwnerHalfFiles oldFiles = await DatasetHalfFile.WriteOwnerHalvesAsync(_train, Format, Old, _work, seedCompressParty0: false);
        byte[] bobKey = _bob.ExportSubjectPublicKeyInfo();
        OwnerHalfFiles bobFiles = await DatasetHalfFile.WriteOwnerHalvesAsync(_bobTrain, Format, Bob, _work, seedCompressParty0: false, ownerKey: bobKey);
        OwnerHalfFiles wideFiles = await DatasetHalfFile.WriteOwnerHalvesAsync(Standardization.Fit(wide).Apply(wide), Format, Wide, _work,
            seedCompressParty0: true, ownerKey: bobKey);
        OwnerHalfFiles aliceRawFiles = await DatasetHalfFile.WriteOwnerHalvesAsync(identity.Apply(raw.Slice(0, 32)), Format, AliceRaw, _work,
            seedCompressParty0: true, ownerKey: aliceKey);
        OwnerHalfFiles testRawFiles = await DatasetHalfFile.WriteOwnerHalvesAsync(identity.Apply(raw.Slice(32, 16)), Format, TestRaw, _work,
            seedCompressParty0: false, ownerKey: aliceKey);
        OwnerHalfFiles bobDisclosedFiles = await DatasetHalfFile.WriteOwnerHalvesAsync(_bobOwn.Apply(raw.Slice(48, 24)), Format, BobDisclosed, _work,
            seedCompressParty0: false, ownerKey: bobKey);
        for (int p = 0; p < 2; p++)
        {
            var store = new ShareStore(Path.Combine(PartyDirectory(p), "shares"));
            foreach (OwnerHalfFiles files in new[] { trainFiles, testFiles, oldFiles, bobFiles, wideFiles, aliceRawFiles, testRawFiles, bobDisclosedFiles })
            {
                await using FileStream half = File.OpenRead(p == 0 ? files.Party0Path : files.Party1Path);
                await store.ImportAsync(half, files.DatasetId, p);
            }
            await StartPartyAsync(p);
        }
    }

    public async Task DisposeAsync()
    {
        for (int p = 0; p < 2; p++)
        {
            await StopPartyAsync(p);
        }
        await Platform.DisposeAsync();
        _deployment.Dispose();
        Directory.Delete(_work, recursive: true);
        _alice.Dispose();
        _bob.Dispose();
    }

    private Task<StandInPlatform> StartPlatformAsync(TelemetryOptions? telemetry = null) =>
        StandInPlatform.StartAsync(_deployment, new DealerSessionsOptions
        {
            // Test hook: the dealer deals these initial weights and these hiding plans, so a plaintext run can follow.
            TrainingDealerFactory = job => new TrainingDealer(JobTraining.Spec(job.Description), JobTraining.Options(job.Description),
                job.TrainingCount, JobTraining.Format(job.Description), _initial, epoch =>
                {
                    _plannedCounts[(job.Description.JobId, epoch)] = job.TrainingCount;
                    return Plan(JobTraining.Options(job.Description).Hiding, epoch, job.TrainingCount);
                },
                job.TestCount, TestPlanSeed),
        }, telemetry);

    private static EpochHidingPlan Plan(InstaHideOptions hiding, int epoch, int count)
    {
        using var prg = new AesCtrPrg(new Seed(500 + (ulong)epoch, 3));
        return EpochHidingPlan.Draw(hiding, count, 64, prg);
    }

    private string PartyDirectory(int p) => _deployment.Directory.RoleDirectory(ServiceRoles.Party(p));

    private async Task StartPartyAsync(int p, JobRunnerOptions? options = null, TelemetryOptions? telemetry = null)
    {
        var service = new ServiceContext(ServiceRoles.Party(p), _deployment.Directory, _deployment.Settings, _deployment.Identity(ServiceRoles.Party(p)))
        {
            Telemetry = telemetry ?? TelemetryOptions.None,
        };
        WebApplication app = PartyServer.Create(service, jobs: options ?? new JobRunnerOptions { PeerTimeout = TimeSpan.FromSeconds(20) });
        await app.StartAsync();
        _parties[p] = (service, app);
    }

    private async Task StopPartyAsync(int p)
    {
        if (_parties[p] is { } party)
        {
            await party.App.DisposeAsync();
            party.Service.Dispose();
            _parties[p] = null;
        }
    }

    private static JobDescription Job(string id, int epochs, int batch, string hiding = HidingModes.InstaHide, bool withTest = true) => new()
    {
        JobId = id,
        ProjectId = "prj-1",
        TrainDatasetId = Train,
        TestDatasetId = withTest ? Test : null,
        ModelSpecJson = Spec.ToJson(),
        Training = new JobTrainingOptions
        {
            Epochs = epochs, BatchSize = batch, LearningRate = 0.05, Momentum = 0.9, WeightDecay = 1e-4, Hiding = hiding, K = 3,
        },
        ComparisonBits = 32,
    };

    /// <summary>Every dataset of <paramref name="job"/> is Alice's: she signs as owner and as the model's recipient.</summary>
    private JobDescription Signed(JobDescription job) => TestConsent.Sign(job, Owners(job, _alice), [("alice", _alice)]);

    private static Dictionary<string, (string Owner, ECDsa Key)> Owners(JobDescription job, ECDsa key) =>
        (job.TestDatasetId is { } test ? job.TrainDatasetIds.Append(test) : job.TrainDatasetIds).ToDictionary(id => id, _ => ("alice", key));

    /// <param name="train">The training set in the job's union order; null: Alice's.</param>
    private async Task<IReadOnlyList<PlainTensor>> PlaintextRunAsync(JobDescription job, LabeledImages? train = null)
    {
        train ??= _train;
        var options = JobTraining.Options(job);
        var model = ModelBuilder.Build(Spec, [.. _initial.Select(p => p.Clone())]);
        var trainer = new Trainer<PlainTensor>(PlainEngine.Instance, model, options);
        var source = new PlainBatchSource(train, options.Hiding, options.BatchSize, epoch => Plan(options.Hiding, epoch, train.Count));
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            await trainer.TrainEpochAsync(source, epoch, null);
        }
        return [.. model.Parameters.Select(p => p.Value)];
    }

    private string Grant(string resource, int party, GrantPurpose purpose = GrantPurpose.DownloadModel)
    {
        using ServiceIdentity identity = _deployment.Identity(ServiceRole.Platform);
        using ECDsa key = identity.Certificate.GetECDsaPrivateKey()!;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return GrantToken.Sign(new Grant
        {
            Purpose = purpose, Party = party, Project = "prj-1", Resource = resource, User = "alice",
            IssuedAt = now, ExpiresAt = now + TimeSpan.FromMinutes(10), Nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        }, key);
    }

    private HttpClient Owner(int party)
    {
        X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(_deployment.Directory);
        return new HttpClient(MutualTls.CreateClientHandler(authority, ServiceRoles.Party(party))) { BaseAddress = _deployment.Settings.Parties[party].Api.Url };
    }

    private async Task<(string Share0, string Share1)> DownloadAsync(string jobId, bool evaluation = false)
    {
        var paths = new string[2];
        for (int p = 0; p < 2; p++)
        {
            using HttpClient http = Owner(p);
            var downloader = new ModelDownloader(http, p, ModelRequestSigner.From(_alice)); // Alice receives the model and owns the test set
            paths[p] = Path.Combine(_work, $"{jobId}.{p}.{(evaluation ? "eval" : "model")}");
            _ = evaluation
                ? await downloader.DownloadEvaluationAsync(jobId, Grant(jobId, p), paths[p])
                : await downloader.DownloadShareAsync(jobId, Grant(jobId, p), paths[p]);
        }
        return (paths[0], paths[1]);
    }

    private static double MaxDifference(IReadOnlyList<PlainTensor> a, IReadOnlyList<PlainTensor> b) =>
        a.Select((t, i) => t.Data.Zip(b[i].Data, (x, y) => Math.Abs(x - y)).Max()).Max();

    [Fact]
    public async Task A_job_trains_on_shares_and_the_owner_reconstructs_the_plaintext_runs_model_and_the_evaluation()
    {
        var clock = Stopwatch.StartNew();
        JobDescription job = Job("job-e2e", epochs: 2, batch: 8);
        await Platform.StartJobAsync(Signed(job), _train.Count);
        await Platform.WaitForBothAsync(job.JobId, JobState.Succeeded, TimeSpan.FromSeconds(60));
        double trainSeconds = clock.Elapsed.TotalSeconds;

        // States in order at each party; progress from party 0 up to the last step; checkpoints after each epoch.
        foreach (string party in new[] { "party-0", "party-1" })
        {
            var states = Platform.States.Where(s => s.Job == job.JobId && s.Party == party).Select(s => s.Report.State).ToArray();
            Assert.Equal([JobState.Preprocessing, JobState.Running, JobState.Succeeded], states);
        }
        var progress = Platform.Progress.Where(p => p.Job == job.JobId).ToArray();
        Assert.All(progress, p => Assert.Equal("party-0", p.Party));
        Assert.Equal((8L, 8L), (progress[^1].Report.Step, progress[^1].Report.TotalSteps));
        Assert.Equal([1, 2], progress.Where(p => p.Report.CheckpointEpoch is not null).Select(p => p.Report.CheckpointEpoch!.Value));
        Assert.All(progress, p => Assert.Null(p.Report.Loss));
        // Each report carries the party's time in the epoch so far: the platform shows it as the epoch row's duration.
        Assert.All(progress, p => Assert.True(p.Report.EpochSeconds > 0, "a progress report without the epoch's time"));

        // The owner downloads both shares and gets the model a plaintext run with the same weights and plans gives.
        var (share0, share1) = await DownloadAsync(job.JobId);
        ReconstructedModel model = ModelReconstruction.Reconstruct(share0, share1);
        Assert.Equal(2, model.EpochsCompleted);
        double worst = MaxDifference(await PlaintextRunAsync(job), model.Parameters);
        output.WriteLine($"train {trainSeconds:F1} s; max |secure − plaintext| parameter {worst:E2}");
        Assert.InRange(worst, 0, 2e-3); // the bound of the in-process secure-training test (8 steps)
        string onnx = Path.Combine(_work, "model.onnx");
        ModelReconstruction.ExportOnnx(model, onnx);
        Assert.True(new FileInfo(onnx).Length > 0);

        // The secure evaluation reconstructs to what the reconstructed model predicts in plaintext (up to near-ties).
        var (eval0, eval1) = await DownloadAsync(job.JobId, evaluation: true);
        EvaluationResult evaluation = ModelReconstruction.ReconstructEvaluation(eval0, eval1, _test.Labels);
        var images = new PlainTensor(Array.ConvertAll(_test.Pixels, v => (double)v), _test.Count, 1, 8, 8);
        PlainTensor logits = await model.ForwardAsync(images);
        int[] plainPredicted = [.. Enumerable.Range(0, _test.Count).Select(i => Enumerable.Range(0, 10).MaxBy(j => logits.Data[i * 10 + j]))];
        int agree = plainPredicted.Zip(evaluation.Predicted, (a, b) => a == b ? 1 : 0).Sum();
        output.WriteLine($"secure accuracy {evaluation.Accuracy:P0}; {agree}/{_test.Count} predictions as the plaintext model's");
        Assert.InRange(agree, _test.Count - 1, _test.Count);
        Assert.Equal(Enumerable.Range(0, _test.Count).Count(i => evaluation.Predicted[i] == _test.Labels[i]), evaluation.Correct);

        // The dealer counted what it issued; downloads were audited with ids, sizes and hashes.
        DealerUsage usage = Platform.Usage.Last(u => u.JobId == job.JobId);
        Assert.True(usage.Party1Items > 0 && usage.Party1Items == usage.Party0Items && usage.Party1DealtWords > 0);
        await WaitUntilAsync(() => Platform.AuditEvents.Count(e => e.EventType == AuditEventTypes.ModelDownloaded) == 4, TimeSpan.FromSeconds(10));
        AuditEventMessage downloaded = Platform.AuditEvents.First(e => e.EventType == AuditEventTypes.ModelDownloaded);
        Assert.Equal("user:alice", downloaded.Actor);
        Assert.Contains($"job:{job.JobId}", downloaded.Subjects);
        Assert.Equal(64, downloaded.Properties!.Value.GetProperty("sha256").GetString()!.Length);
        output.WriteLine($"whole test {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task The_metrics_endpoints_show_each_training_step_its_peer_bytes_and_rounds_and_what_the_dealer_served()
    {
        int partyMetrics = TestDeployment.FreeBasePort();
        int platformMetrics = TestDeployment.FreeBasePort();
        await StopPartyAsync(0);
        await StartPartyAsync(0, telemetry: new TelemetryOptions { MetricsListen = $"127.0.0.1:{partyMetrics}" });
        await Platform.DisposeAsync();
        _platform = await StartPlatformAsync(new TelemetryOptions { MetricsListen = $"127.0.0.1:{platformMetrics}" });

        JobDescription job = Job("job-metrics", epochs: 1, batch: 8, withTest: false);
        await Platform.StartJobAsync(Signed(job), _train.Count);
        await Platform.WaitForBothAsync(job.JobId, JobState.Succeeded, TimeSpan.FromSeconds(60));

        using var scraper = new HttpClient();
        string party = await scraper.GetStringAsync($"http://127.0.0.1:{partyMetrics}/metrics");
        // 32 images in batches of 8: 4 steps. The instruments are process-wide: the party-0 endpoint also counts
        // party 1's steps and those of jobs that other test classes run in this process at the same time (CI once
        // saw 9), so only the lower bound is this job's.
        double steps = Sample(party, "imguard_training_step_duration_seconds_count");
        Assert.True(steps >= 4, $"{steps} steps recorded");
        Assert.True(Sample(party, "imguard_training_step_duration_seconds_sum") > 0);
        Assert.True(Sample(party, "imguard_training_step_peer_io_bytes_sum", "network_io_direction=\"transmit\"") > 0);
        Assert.True(Sample(party, "imguard_training_step_peer_io_bytes_sum", "network_io_direction=\"receive\"") > 0);
        Assert.True(Sample(party, "imguard_training_step_peer_rounds_sum") >= steps, "every step takes rounds with the other party");
        Assert.DoesNotContain(job.JobId, party, StringComparison.Ordinal);
        Assert.DoesNotContain(Train, party, StringComparison.Ordinal);

        string platform = await scraper.GetStringAsync($"http://127.0.0.1:{platformMetrics}/metrics");
        Assert.True(Sample(platform, "imguard_dealer_items_served_total") > 0);
        Assert.True(Sample(platform, "imguard_dealer_served_bytes_total") > 0);
        Assert.Equal(0, Sample(platform, "imguard_dealer_queue_depth")); // the job is over: nothing is held
        Assert.Equal(0, Sample(platform, "imguard_dealer_sessions"));
        Assert.DoesNotContain(job.JobId, platform, StringComparison.Ordinal);
    }

    /// <summary>The value of the one sample of <paramref name="metric"/> (whose labels contain <paramref name="label"/>) in Prometheus text.</summary>
    private static double Sample(string text, string metric, string label = "")
    {
        Match match = Regex.Match(text, $@"^{Regex.Escape(metric)}(?:\{{([^}}]*)\}})? (\S+)", RegexOptions.Multiline);
        while (match.Success && !match.Groups[1].Value.Contains(label, StringComparison.Ordinal))
        {
            match = match.NextMatch();
        }
        Assert.True(match.Success, $"no sample of {metric} {label} in:\n{text}");
        return double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_job_with_test_time_encodings_evaluates_as_the_reference_does_with_the_dealers_plan()
    {
        // Mixup trains a decisive model in a few epochs on 32 images; λ₀ ≥ 0.5 keeps each test image dominant in its encodings.
        JobDescription mixup = Job("job-tta", epochs: 12, batch: 8, HidingModes.Mixup);
        JobDescription job = mixup with { Training = mixup.Training with { LearningRate = 0.2, TestEncodings = 3, TestOwnCoefficientMin = 0.5 } };
        await Platform.StartJobAsync(Signed(job), _train.Count, _test.Count);
        await Platform.WaitForBothAsync(job.JobId, JobState.Succeeded, TimeSpan.FromSeconds(90));

        var (share0, share1) = await DownloadAsync(job.JobId);
        ReconstructedModel reconstructed = ModelReconstruction.Reconstruct(share0, share1);
        var model = ModelBuilder.Build(Spec, [.. reconstructed.Parameters.Select(p => p.Clone())]);
        var (eval0, eval1) = await DownloadAsync(job.JobId, evaluation: true);
        EvaluationResult evaluation = ModelReconstruction.ReconstructEvaluation(eval0, eval1, _test.Labels);

        // The plaintext reference draws the same T encodings from the plan's seed (partners: the training set).
        var encoding = JobTraining.Options(job).TestEncoding!;
        int[] expected = await InstaHideInference.PredictAsync(model, _test, _train, encoding, new AesCtrPrg(TestPlanSeed));
        var sums = new double[_test.Count * 10];
        using (var prg = new AesCtrPrg(TestPlanSeed))
        {
            for (int t = 0; t < encoding.Encodings; t++)
            {
                var logits = await model.ForwardAsync(PlainEngine.Instance, new PlainTensor(InstaHideInference.EncodeOnce(_test, _train, encoding, prg), _test.Count, 1, 8, 8));
                for (int i = 0; i < _test.Count; i++)
                {
                    double[] row = logits.Data.AsSpan(i * 10, 10).ToArray(), e = [.. row.Select(v => Math.Exp(v - row.Max()))];
                    for (int c = 0; c < 10; c++) sums[i * 10 + c] += e[c] / e.Sum();
                }
            }
        }
        int decided = 0;
        for (int i = 0; i < _test.Count; i++)
        {
            // Secure probabilities are within 1e-2 each: where the reference's top two sums of 3 are > 0.07 apart, the arg-max agrees.
            var top = sums.AsSpan(i * 10, 10).ToArray().OrderDescending().Take(2).ToArray();
            if (top[0] - top[1] > 0.07)
            {
                decided++;
                Assert.Equal(expected[i], evaluation.Predicted[i]);
            }
        }
        output.WriteLine($"test-time encodings: {decided}/{_test.Count} clear; secure accuracy {evaluation.Accuracy:P0}, reference {InstaHideInference.Accuracy(expected, _test):P0}");
        Assert.True(decided >= _test.Count / 2, $"only {decided} clear reference predictions");
        // Party 1 received the encodings' coefficients: M·(K + 1)·D words per batch and encoding on top of training's.
        DealerUsage usage = Platform.Usage.Last(u => u.JobId == job.JobId);
        Assert.True(usage.Party1DealtWords >= 3L * _test.Count * (3 + 1) * 64);
    }

    [Fact]
    public async Task Without_a_grant_for_the_job_and_the_party_the_model_cannot_be_downloaded()
    {
        JobDescription job = Job("job-grants", epochs: 1, batch: 16, hiding: HidingModes.Off, withTest: false);
        await Platform.StartJobAsync(Signed(job), _train.Count);
        await Platform.WaitForBothAsync(job.JobId, JobState.Succeeded, TimeSpan.FromSeconds(60));
        using HttpClient http = Owner(0);
        async Task<HttpStatusCode> Get(string path, string? grant)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (grant is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant);
            }
            using HttpResponseMessage response = await http.SendAsync(request);
            return response.StatusCode;
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await Get($"api/models/{job.JobId}/share", null));
        Assert.Equal(HttpStatusCode.Forbidden, await Get($"api/models/{job.JobId}/share", Grant("job-other", 0)));
        Assert.Equal(HttpStatusCode.Forbidden, await Get($"api/models/{job.JobId}/share", Grant(job.JobId, 1)));
        Assert.Equal(HttpStatusCode.Forbidden, await Get($"api/models/{job.JobId}/share", Grant(job.JobId, 0, GrantPurpose.UploadDataset)));
        Assert.Equal(HttpStatusCode.NotFound, await Get($"api/models/{job.JobId}/evaluation", Grant(job.JobId, 0)));
        Assert.Equal(HttpStatusCode.NotFound, await Get("api/models/job-unknown/share", Grant("job-unknown", 0)));

        // A valid grant is not enough: the platform mints grants, so the party also wants a request signed by a
        // recipient's key. Unsigned, or signed by a key of the platform's or of Bob (no recipient), it is refused.
        Assert.Equal(HttpStatusCode.Forbidden, await Get($"api/models/{job.JobId}/share", Grant(job.JobId, 0)));
        using ECDsa platformKey = TestConsent.NewKey();
        foreach (ECDsa key in new[] { platformKey, _bob })
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => new ModelDownloader(http, 0, ModelRequestSigner.From(key)).FetchShareAsync(job.JobId, Grant(job.JobId, 0)));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains($"key {OwnerKeys.ShortFingerprint(key.ExportSubjectPublicKeyInfo())} is not a model recipient of this job", refused.Message, StringComparison.Ordinal);
        }
        // A request signed for party 1 is refused by party 0.
        var otherParty = await Assert.ThrowsAsync<HttpRequestException>(() => new ModelDownloader(http, 1, ModelRequestSigner.From(_alice)).FetchShareAsync(job.JobId, Grant(job.JobId, 0)));
        Assert.Equal(HttpStatusCode.Forbidden, otherParty.StatusCode);
        await WaitUntilAsync(() => Platform.AuditEvents.Count(e => e.EventType == AuditEventTypes.ModelRequestRefused && e.Subjects.Contains($"job:{job.JobId}")) == 4,
            TimeSpan.FromSeconds(10));
        Assert.NotEmpty(await new ModelDownloader(http, 0, ModelRequestSigner.From(_alice)).FetchShareAsync(job.JobId, Grant(job.JobId, 0)));

        // The dealer serves party certificates only: not the platform's own, not a client without one.
        using ServiceIdentity platform = _deployment.Identity(ServiceRole.Platform);
        using var asPlatform = new HttpClient(MutualTls.CreateServiceHandler(platform, ServiceRole.Platform)) { BaseAddress = _deployment.Settings.Platform.Url };
        using var anonymous = new HttpClient(MutualTls.CreateClientHandler(DeploymentPki.LoadAuthorityCertificate(_deployment.Directory), ServiceRole.Platform))
        {
            BaseAddress = _deployment.Settings.Platform.Url,
        };
        foreach (HttpClient client in new[] { asPlatform, anonymous })
        {
            using HttpResponseMessage join = await client.PostAsync(DealerEndpoints.Attempts(job.JobId), JsonContent.Create(new DealerAttemptRequest(0)));
            Assert.Equal(HttpStatusCode.Forbidden, join.StatusCode);
        }
        // And the parties' job control is for the platform's certificate only.
        using HttpResponseMessage start = await http.PostAsync($"internal/jobs/{job.JobId}/cancel", null);
        Assert.Equal(HttpStatusCode.Forbidden, start.StatusCode);
    }

    [Fact]
    public async Task A_party_stopped_mid_training_resumes_from_its_checkpoint_with_a_new_attempt_and_the_model_is_still_right()
    {
        var clock = Stopwatch.StartNew();
        JobDescription job = Job("job-resume", epochs: 4, batch: 4, withTest: false);
        await Platform.StartJobAsync(Signed(job), _train.Count);
        string checkpoint = Path.Combine(PartyDirectory(1), "jobs", job.JobId, "checkpoints", "epoch-1.ckpt");
        await WaitUntilAsync(() => File.Exists(checkpoint), TimeSpan.FromSeconds(60));
        await StopPartyAsync(1);
        Assert.DoesNotContain(Platform.States, s => s.Job == job.JobId && s.Report.State == JobState.Succeeded);
        await StartPartyAsync(1);
        await Platform.WaitForBothAsync(job.JobId, JobState.Succeeded, TimeSpan.FromSeconds(90));
        output.WriteLine($"stop, restart and finish: {clock.Elapsed.TotalSeconds:F1} s");

        // Both parties ran a later attempt with fresh seeds and resumed after a common checkpoint.
        var logs = Platform.Logs.Where(l => l.Job == job.JobId).Select(l => $"{l.Party}: {l.Report.Message}").ToArray();
        foreach (string log in logs)
        {
            output.WriteLine(log);
        }
        Assert.Contains(logs, l => l.Contains("resumed from epoch", StringComparison.Ordinal));
        Assert.Contains(Platform.States, s => s.Job == job.JobId && s.Report is { State: JobState.Preprocessing, Resume: true });
        Assert.Contains(Platform.Usage, u => u.JobId == job.JobId && u.Attempt >= 1);

        var (share0, share1) = await DownloadAsync(job.JobId);
        ReconstructedModel model = ModelReconstruction.Reconstruct(share0, share1);
        double worst = MaxDifference(await PlaintextRunAsync(job), model.Parameters);
        output.WriteLine($"max |secure − plaintext| parameter after resume {worst:E2}");
        Assert.InRange(worst, 0, 4e-3); // 32 steps instead of 8
    }

    [Fact]
    public async Task A_party_down_for_longer_than_the_peer_timeout_comes_back_into_the_attempt_the_other_waits_in_and_the_job_succeeds()
    {
        // Short timeouts, so the outage below is four peer timeouts long and the old retry window (a new attempt after
        // each peer timeout) would have been passed several times.
        var quick = new JobRunnerOptions
        {
            PeerTimeout = TimeSpan.FromSeconds(2), ResumeDelay = TimeSpan.FromMilliseconds(100), MaxResumeDelay = TimeSpan.FromSeconds(1),
        };
        for (int p = 0; p < 2; p++)
        {
            await StopPartyAsync(p);
            await StartPartyAsync(p, quick);
        }
        var clock = Stopwatch.StartNew();
        JobDescription job = Job("job-outage", epochs: 4, batch: 4, withTest: false);
        await Platform.StartJobAsync(Signed(job), _train.Count);
        string checkpoint = Path.Combine(PartyDirectory(1), "jobs", job.JobId, "checkpoints", "epoch-1.ckpt");
        await WaitUntilAsync(() => File.Exists(checkpoint), TimeSpan.FromSeconds(60));
        await StopPartyAsync(1);

        // Party 0 loses the link, joins a new attempt and waits in it at the dealer, spending nothing however long: after
        // four peer timeouts no attempt after 1 was ever opened (each replaced attempt reports its final usage).
        await Task.Delay(quick.PeerTimeout * 4 + TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(Platform.States, s => s.Job == job.JobId && s.Report.State == JobState.Failed);
        Assert.DoesNotContain(Platform.Usage, u => u.JobId == job.JobId && u.Attempt >= 1);
        Assert.Contains(Platform.Logs, l => l.Job == job.JobId && l.Party == "party-0" && l.Report.Message == "attempt 1 waits for party 1 to join it.");

        // Party 1 comes back: its state says it ran attempt 0, so it joins the attempt party 0 waits in, at once.
        await StartPartyAsync(1, quick);
        await Platform.WaitForBothAsync(job.JobId, JobState.Succeeded, TimeSpan.FromSeconds(90));
        output.WriteLine($"outage and finish: {clock.Elapsed.TotalSeconds:F1} s");
        var logs = Platform.Logs.Where(l => l.Job == job.JobId).ToArray();
        foreach (var (_, party, report) in logs)
        {
            output.WriteLine($"{report.Time:HH:mm:ss.fff} {party}: {report.Message}");
        }

        // Two attempts in all: the first, and the one party 0 waited in and party 1 joined. One interruption, at party 0.
        Assert.Equal([0, 1], Platform.Usage.Where(u => u.JobId == job.JobId).Select(u => u.Attempt).Distinct().Order());
        Assert.Single(logs, l => l.Report.Message!.Contains("interrupted", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Report.Message!.Contains("attempt 1 resumed from epoch", StringComparison.Ordinal));
        // The resumed attempt's progress says where it started again (the platform keeps the higher progress it showed).
        var progress = Platform.Progress.Where(p => p.Job == job.JobId).Select(p => p.Report).ToArray();
        int resumedAt = Array.FindIndex(progress, p => p.ResumedFromEpoch is not null);
        Assert.True(resumedAt > 0, "no progress report says it resumed");
        Assert.All(progress[resumedAt..], p => Assert.InRange(p.ResumedFromEpoch ?? -1, 1, 2));
        Assert.All(progress[..resumedAt], p => Assert.Null(p.ResumedFromEpoch));
        // Log lines carry the party's own time of the event.
        Assert.All(logs, l => Assert.NotNull(l.Report.Time));
        foreach (var lines in logs.GroupBy(l => l.Party))
        {
            DateTimeOffset[] times = [.. lines.Select(l => l.Report.Time!.Value)];
            Assert.Equal(times.Order(), times);
        }

        var (share0, share1) = await DownloadAsync(job.JobId);
        ReconstructedModel model = ModelReconstruction.Reconstruct(share0, share1);
        Assert.Equal(4, model.EpochsCompleted);
        Assert.InRange(MaxDifference(await PlaintextRunAsync(job), model.Parameters), 0, 4e-3);
    }

    [Fact]
    public async Task A_cancelled_job_stops_at_both_parties_and_leaves_no_model()
    {
        JobDescription job = Job("job-cancel", epochs: 50, batch: 4, withTest: false);
        await Platform.StartJobAsync(Signed(job), _train.Count);
        await Platform.WaitForBothAsync(job.JobId, JobState.Running, TimeSpan.FromSeconds(30));
        await WaitUntilAsync(() => Platform.Progress.Any(p => p.Job == job.JobId), TimeSpan.FromSeconds(30));
        await Platform.CancelJobAsync(job.JobId);
        await Platform.WaitForBothAsync(job.JobId, JobState.Cancelled, TimeSpan.FromSeconds(30));
        Assert.DoesNotContain(Platform.States, s => s.Job == job.JobId && s.Report.State is JobState.Succeeded or JobState.Failed);
        using HttpClient http = Owner(0);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/models/{job.JobId}/share");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Grant(job.JobId, 0));
        using HttpResponseMessage response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, Platform.Dealer.LiveCount);
    }

    [Fact]
    public async Task A_start_without_every_owners_and_recipients_signature_is_refused_by_both_parties_before_anything_is_loaded()
    {
        using ECDsa platform = TestConsent.NewKey();
        using ECDsa carol = TestConsent.NewKey();
        string alice = OwnerKeys.ShortFingerprint(_alice.ExportSubjectPublicKeyInfo());
        string carols = OwnerKeys.ShortFingerprint(carol.ExportSubjectPublicKeyInfo());
        JobDescription Plain(string id) => Job(id, epochs: 1, batch: 8, hiding: HidingModes.Off);
        JobDescription approved = Signed(Plain("job-changed"));
        var forged = new (JobDescription Description, string[] Named)[]
        {
            // Alice approved one epoch; the platform starts the job with five, carrying her signature over the old terms.
            (approved with { Training = approved.Training with { Epochs = 5 } }, [alice, $"owner of dataset '{Train}'"]),
            // The platform names itself recipient and signs terms built with its own key as the owner key; the parties
            // take the owner key from their own halves' headers, which Alice never signed for this job.
            (TestConsent.Sign(Plain("job-own-key"), Owners(Plain("job-own-key"), platform), [("alice", platform)]), [alice, $"owner of dataset '{Train}'"]),
            // Carol is a recipient who never signed.
            (TestConsent.Sign(Plain("job-no-recipient"), Owners(Plain("job-no-recipient"), _alice), [("alice", _alice), ("carol", carol)], signers: [_alice]),
                [carols, "carol, recipient of the model"]),
            // No consent at all.
            (Plain("job-no-consent"), ["carries no consent"]),
            // A dataset shared before share files carried the owner's key cannot join a training job.
            (Signed(Plain("job-old-share") with { TrainDatasetId = Old }), [$"dataset '{Old}' has no owner key"]),
        };
        foreach (var (description, _) in forged)
        {
            await Platform.StartJobAsync(description, _train.Count, _test.Count);
        }
        foreach (var (description, named) in forged)
        {
            string id = description.JobId;
            await Platform.WaitForBothAsync(id, JobState.Failed, TimeSpan.FromSeconds(30));
            foreach (string party in new[] { "party-0", "party-1" })
            {
                // Refused before loading: no preprocessing, no attempt at the dealer, no model share.
                var states = Platform.States.Where(s => s.Job == id && s.Party == party).Select(s => s.Report).ToArray();
                JobStateReport failed = Assert.Single(states);
                Assert.StartsWith($"Party {party[^1]} refused to start the job: ", failed.Message, StringComparison.Ordinal);
                Assert.All(named, n => Assert.Contains(n, failed.Message, StringComparison.Ordinal));
                Assert.False(File.Exists(new JobFolder(Path.Combine(PartyDirectory(party[^1] - '0'), "jobs"), id).ModelPath));
            }
            Assert.DoesNotContain(Platform.Usage, u => u.JobId == id);
            await WaitUntilAsync(() => Platform.AuditEvents.Count(e => e.EventType == AuditEventTypes.JobStartRefused && e.Subjects.Contains($"job:{id}")) == 2,
                TimeSpan.FromSeconds(10));
            Assert.Equal(["party:0", "party:1"], Platform.AuditEvents.Where(e => e.EventType == AuditEventTypes.JobStartRefused && e.Subjects.Contains($"job:{id}"))
                .Select(e => e.Actor).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task A_job_over_two_owners_datasets_trains_on_their_union_and_mixes_their_images()
    {
        JobDescription job = Job("job-union", epochs: 2, batch: 8) with { AdditionalTrainDatasetIds = [Bob] };
        Dictionary<string, (string Owner, ECDsa Key)> owners = Owners(job, _alice);
        owners[Bob] = ("bob", _bob);
        await Platform.StartJobAsync(TestConsent.Sign(job, owners, [("alice", _alice)]), _union.Count, _test.Count);
        await Platform.WaitForBothAsync(job.JobId, JobState.Succeeded, TimeSpan.FromSeconds(90));
        Assert.Equal(2, Platform.Logs.Count(l => l.Job == job.JobId && l.Report.Message!.StartsWith("training on the union of 2 datasets, 56 images", StringComparison.Ordinal)));

        // The reconstructed model is the plaintext run's on Alice's images followed by Bob's, with the same plans:
        // the parties' public order and partners index the concatenation [0, 32 + 24).
        var (share0, share1) = await DownloadAsync(job.JobId);
        ReconstructedModel model = ModelReconstruction.Reconstruct(share0, share1);
        double worst = MaxDifference(await PlaintextRunAsync(job, _union), model.Parameters);
        output.WriteLine($"union of 32 + 24 images: max |secure − plaintext| parameter {worst:E2}");
        Assert.InRange(worst, 0, 3e-3); // 14 steps (7 per epoch) instead of the 8 the single-dataset job's 2e-3 is for

        // The dealer planned each epoch over the whole union, so InstaHide's partners come from both owners: a partner
        // of owner a's image is owner b's with probability N_b / N (within five standard errors; 2 partner slots each).
        var union = new DatasetUnion([new UnionPart(Train, "alice", _train.Count), new UnionPart(Bob, "bob", _bobTrain.Count)]);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            Assert.Equal(union.Count, _plannedCounts[(job.JobId, epoch)]);
            long[,] mixing = union.MixingCounts(Plan(JobTraining.Options(job).Hiding, epoch, union.Count));
            for (int a = 0; a < 2; a++)
            {
                long slots = mixing[a, 0] + mixing[a, 1];
                double p = (double)union.Parts[1 - a].Count / union.Count, expected = slots * p, se = Math.Sqrt(slots * p * (1 - p));
                output.WriteLine($"epoch {epoch}: {union.Parts[a].Owner}'s images have {mixing[a, 1 - a]} of {slots} partners from the other owner (expected {expected:F1})");
                Assert.InRange(mixing[a, 1 - a], Math.Max(1, expected - 5 * se), expected + 5 * se);
            }
        }

        // Halves of different shapes do not train together: both parties refuse, naming the datasets.
        JobDescription mismatched = Job("job-union-wide", epochs: 1, batch: 8, withTest: false) with { AdditionalTrainDatasetIds = [Wide] };
        owners = Owners(mismatched, _alice);
        owners[Wide] = ("bob", _bob);
        await Platform.StartJobAsync(TestConsent.Sign(mismatched, owners, [("alice", _alice)]), _train.Count + 8);
        await Platform.WaitForBothAsync(mismatched.JobId, JobState.Failed, TimeSpan.FromSeconds(30));
        Assert.All(Platform.States.Where(s => s.Job == mismatched.JobId && s.Report.State == JobState.Failed), s =>
            Assert.Contains($"'{Wide}' has images of 1×9×9, the first, '{Train}', has images of 1×8×8", s.Report.Message, StringComparison.Ordinal));
    }

    /// <summary>Alice's raw training set, then Bob's disclosed one, and Alice's raw test set: a job standardised over their union.</summary>
    private JobDescription UnionStandardizedJob(string id, int epochs, int batch, bool withTest = true)
    {
        JobDescription job = Job(id, epochs, batch, withTest: withTest) with
        {
            TrainDatasetId = AliceRaw,
            AdditionalTrainDatasetIds = [BobDisclosed],
            TestDatasetId = withTest ? TestRaw : null,
            Standardization = new JobStandardization
            {
                Mode = JobStandardizationModes.Union,
                Datasets = [new(AliceRaw, PixelScaling.Raw), new(BobDisclosed, PixelScaling.Disclose(_bobOwn.Mean, _bobOwn.Std)), .. withTest ? [new DatasetScaling(TestRaw, PixelScaling.Raw)] : Array.Empty<DatasetScaling>()],
            },
        };
        Assert.Null(job.Check());
        return job;
    }

    /// <summary>Alice and Bob each sign as the owner of their datasets (the terms carry the standardisation); Alice receives the model.</summary>
    private JobDescription SignedByBoth(JobDescription job)
    {
        Dictionary<string, (string Owner, ECDsa Key)> owners = Owners(job, _alice);
        owners[BobDisclosed] = ("bob", _bob);
        return TestConsent.Sign(job, owners, [("alice", _alice)]);
    }

    [Fact]
    public async Task A_union_standardised_job_resumed_from_a_checkpoint_reuses_the_statistics_both_parties_saved()
    {
        JobDescription job = UnionStandardizedJob("job-union-std-resume", epochs: 4, batch: 4, withTest: false);
        await Platform.StartJobAsync(SignedByBoth(job), 56);
        string checkpoint = Path.Combine(PartyDirectory(1), "jobs", job.JobId, "checkpoints", "epoch-1.ckpt");
        await WaitUntilAsync(() => File.Exists(checkpoint), TimeSpan.FromSeconds(90));
        await StopPartyAsync(1);
        await StartPartyAsync(1);
        await Platform.WaitForBothAsync(job.JobId, JobState.Succeeded, TimeSpan.FromSeconds(120));

        // The first attempt opened the statistics; the resumed one took the saved ones at both parties, so one
        // standardisation trained the model, and it was reported once per attempt with the same numbers.
        var logs = Platform.Logs.Where(l => l.Job == job.JobId).Select(l => l.Report.Message!).ToArray();
        Assert.Equal(2, logs.Count(l => l == "standardised over the union of 56 images: opened 2 numbers per channel."));
        Assert.Equal(2, logs.Count(l => l == "standardised over the union of 56 images with the statistics an earlier attempt opened."));
        var reported = Platform.Progress.Where(p => p.Job == job.JobId && p.Report.Standardization is not null).Select(p => p.Report).ToArray();
        Assert.Equal(2, reported.Length);
        Assert.Equal(reported[0].Standardization, reported[1].Standardization);
        Assert.NotNull(reported[1].ResumedFromEpoch);

        LabeledImages unionRaw = _raw.Subset([.. Enumerable.Range(0, 32), .. Enumerable.Range(48, 24)]);
        Standardization plain = Standardization.Fit(unionRaw);
        var (share0, share1) = await DownloadAsync(job.JobId);
        double worst = MaxDifference(await PlaintextRunAsync(job, plain.Apply(unionRaw)), ModelReconstruction.Reconstruct(share0, share1).Parameters);
        output.WriteLine($"union-standardised, resumed: max |secure − plaintext| parameter {worst:E2}");
        Assert.InRange(worst, 0, 6e-3); // 56 steps (14 per epoch); the single-dataset resume's 4e-3 is for 32
    }

    [Fact]
    public async Task A_job_standardised_over_the_union_of_a_raw_and_a_disclosed_owner_trains_as_plaintext_does_with_the_unions_statistics()
    {
        // Alice shares raw pixels, Bob his own standardisation with its statistics disclosed; both sign a job standardised
        // over their union, so the signatures cover the scalings and the mode.
        JobDescription job = UnionStandardizedJob("job-union-std", epochs: 2, batch: 8);
        await Platform.StartJobAsync(SignedByBoth(job), 56, 16);
        await Platform.WaitForBothAsync(job.JobId, JobState.Succeeded, TimeSpan.FromSeconds(120));
        Assert.Equal(2, Platform.Logs.Count(l => l.Job == job.JobId && l.Report.Message == "standardised over the union of 56 images: opened 2 numbers per channel."));

        // Plaintext: the union's statistics over both owners' pixels, and the concatenation standardised with them.
        LabeledImages unionRaw = _raw.Subset([.. Enumerable.Range(0, 32), .. Enumerable.Range(48, 24)]);
        Standardization plain = Standardization.Fit(unionRaw);

        // Party 0 reported the opened statistics once, before the first step; both parties saved the same.
        var reported = Platform.Progress.Where(p => p.Job == job.JobId && p.Report.Standardization is not null).ToArray();
        ChannelStatistics statistics = Assert.Single(reported).Report.Standardization!;
        Assert.Equal("party-0", reported[0].Party);
        Assert.Equal(0, reported[0].Report.Step);
        Assert.Equal(56L * 64, statistics.ValuesPerChannel);
        // Bounds (UnionStandardizationTests): μ within 3 ulp, σ within 12 ulp/σ of the owners' pixels.
        double ulp = Format.Ulp;
        output.WriteLine($"union μ {statistics.Mean[0]:F8} (plaintext {plain.Mean[0]:F8}), σ {statistics.Std[0]:F8} (plaintext {plain.Std[0]:F8})");
        Assert.InRange(Math.Abs(statistics.Mean[0] - plain.Mean[0]), 0, 3 * ulp);
        Assert.InRange(Math.Abs(statistics.Std[0] - plain.Std[0]), 0, 12 * ulp / plain.Std[0]);
        string[] saved = [.. Enumerable.Range(0, 2).Select(p => File.ReadAllText(new JobFolder(Path.Combine(PartyDirectory(p), "jobs"), job.JobId).StandardizationPath))];
        Assert.Equal(saved[0], saved[1]);

        // The reconstructed model is the plaintext run's on the concatenation standardised with the plaintext union statistics.
        var (share0, share1) = await DownloadAsync(job.JobId);
        ReconstructedModel model = ModelReconstruction.Reconstruct(share0, share1);
        double worst = MaxDifference(await PlaintextRunAsync(job, plain.Apply(unionRaw)), model.Parameters);
        output.WriteLine($"union-standardised 32 + 24 images: max |secure − plaintext| parameter {worst:E2}");
        Assert.InRange(worst, 0, 3e-3); // the union job's bound: each input is within a few ulp of the plaintext's

        // The raw test set was standardised the same way: the secure evaluation predicts as the model does on it in plaintext.
        LabeledImages test = plain.Apply(_raw.Slice(32, 16));
        var (eval0, eval1) = await DownloadAsync(job.JobId, evaluation: true);
        EvaluationResult evaluation = ModelReconstruction.ReconstructEvaluation(eval0, eval1, test.Labels);
        PlainTensor logits = await model.ForwardAsync(new PlainTensor(Array.ConvertAll(test.Pixels, v => (double)v), test.Count, 1, 8, 8));
        int agree = Enumerable.Range(0, test.Count).Count(i => Enumerable.Range(0, 10).MaxBy(j => logits.Data[i * 10 + j]) == evaluation.Predicted[i]);
        Assert.InRange(agree, test.Count - 1, test.Count);

        // An inference job with this model standardises its raw images with the statistics the parties recorded for the
        // model job; without a scaling for its dataset, both parties refuse.
        JobDescription inference = new()
        {
            JobId = "job-union-infer", ProjectId = "prj-1", TrainDatasetId = TestRaw, TestDatasetId = TestRaw, ModelFromJobId = job.JobId,
            ModelSpecJson = Spec.ToJson(), ComparisonBits = 32,
            Standardization = new JobStandardization { Mode = JobStandardizationModes.Union, Datasets = [new(TestRaw, PixelScaling.Raw)] },
        };
        Assert.Null(inference.Check());
        await Platform.StartJobAsync(inference, 16, 16);
        await Platform.WaitForBothAsync(inference.JobId, JobState.Succeeded, TimeSpan.FromSeconds(60));
        var (infer0, infer1) = await DownloadAsync(inference.JobId, evaluation: true);
        EvaluationResult inferred = ModelReconstruction.ReconstructEvaluation(infer0, infer1, test.Labels);
        Assert.InRange(Enumerable.Range(0, test.Count).Count(i => inferred.Predicted[i] == evaluation.Predicted[i]), test.Count - 1, test.Count);

        JobDescription unnamed = inference with { JobId = "job-union-infer-unnamed", Standardization = null };
        await Platform.StartJobAsync(unnamed, 16, 16);
        await Platform.WaitForBothAsync(unnamed.JobId, JobState.Failed, TimeSpan.FromSeconds(60));
        Assert.All(Platform.States.Where(s => s.Job == unnamed.JobId && s.Report.State == JobState.Failed), s =>
            Assert.Contains($"must name dataset '{TestRaw}' with a raw or disclosed scaling", s.Report.Message, StringComparison.Ordinal));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for a condition.");
            await Task.Delay(20);
        }
    }
}
