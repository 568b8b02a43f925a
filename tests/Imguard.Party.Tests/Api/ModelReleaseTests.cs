using System.Security.Cryptography;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Jobs;
using Imguard.Party.Api;
using Imguard.Party.Shares;
using Imguard.Party.Tests.Jobs;
using Imguard.Party.Tests.Shares;
using Microsoft.AspNetCore.Http;

namespace Imguard.Party.Tests.Api;

/// <summary>
/// A party's check of a signed model request on a share store (no servers): the model share only to a recipient key of
/// the job's consent, the evaluation only to the test set's owner key from this party's stored header, an inference
/// job's predictions only to the owner of the dataset it was applied to; a request without a signature, by another
/// key (the platform's), over another party, job or file, or answering a used, expired or foreign challenge is
/// refused. The same requests against real parties are in <see cref="JobsEndToEndTests"/>.
/// </summary>
public sealed class ModelReleaseTests : IAsyncLifetime
{
    private const int Party = 0;
    private readonly TempDirectory _dir = new();
    private readonly ECDsa _alice = TestConsent.NewKey(); // owns the training set, receives the model
    private readonly ECDsa _carol = TestConsent.NewKey(); // owns the test set
    private readonly ECDsa _platform = TestConsent.NewKey(); // a key the platform holds: named nowhere in the consent
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 21, 0, 0, TimeSpan.Zero));
    private ModelRequestChallenges _challenges = null!;
    private ShareStore _store = null!;

    public async Task InitializeAsync()
    {
        _challenges = new ModelRequestChallenges(_time);
        _store = new ShareStore(_dir.Path);
        var (train, _) = await ShareFixtures.FileAsync("ds-train", party: Party, ownerKey: _alice.ExportSubjectPublicKeyInfo());
        var (test, _) = await ShareFixtures.FileAsync("ds-test", party: Party, seed: 2, ownerKey: _carol.ExportSubjectPublicKeyInfo());
        var (old, _) = await ShareFixtures.FileAsync("ds-old", party: Party, seed: 3);
        await _store.ImportAsync(new MemoryStream(train), "ds-train", Party);
        await _store.ImportAsync(new MemoryStream(test), "ds-test", Party);
        await _store.ImportAsync(new MemoryStream(old), "ds-old", Party);
    }

    public Task DisposeAsync()
    {
        _alice.Dispose();
        _carol.Dispose();
        _platform.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private JobDescription Training(string jobId = "job-train") => TestConsent.Sign(new JobDescription
    {
        JobId = jobId,
        ProjectId = "prj-1",
        TrainDatasetId = "ds-train",
        TestDatasetId = "ds-test",
        ModelSpecJson = """{"input":[1,4,4],"classes":3,"layers":[]}""",
    }, new Dictionary<string, (string Owner, ECDsa Key)> { ["ds-train"] = ("alice", _alice), ["ds-test"] = ("carol", _carol) }, [("alice", _alice)]);

    private static JobDescription Inference(string datasetId) => new()
    {
        JobId = "job-infer",
        ProjectId = "prj-1",
        TrainDatasetId = "ds-train",
        TestDatasetId = datasetId,
        ModelFromJobId = "job-train",
        ModelSpecJson = """{"input":[1,4,4],"classes":3,"layers":[]}""",
    };

    /// <summary>A request for <paramref name="what"/> of <paramref name="jobId"/> at <paramref name="party"/>, signed by <paramref name="key"/> over a challenge this party issued.</summary>
    private ModelRelease.Request Signed(ECDsa key, string jobId, string what, int party = Party)
    {
        byte[] challenge = _challenges.Issue(jobId, what)!.Value.Challenge;
        return new ModelRelease.Request(key.ExportSubjectPublicKeyInfo(), challenge,
            ConsentSignature.Sign(key, ModelRequestDigest.Compute(jobId, party, what, challenge)));
    }

    private Task<string?> CheckAsync(JobDescription job, string what, ModelRelease.Request request) =>
        ModelRelease.CheckAsync(job, what, Party, request, _challenges, _store, CancellationToken.None);

    private static string Short(ECDsa key) => OwnerKeys.ShortFingerprint(key.ExportSubjectPublicKeyInfo());

    [Fact]
    public async Task A_recipient_receives_the_model_and_the_test_sets_owner_its_evaluation()
    {
        JobDescription job = Training();
        Assert.Null(await CheckAsync(job, ModelRequestDigest.Model, Signed(_alice, job.JobId, ModelRequestDigest.Model)));
        Assert.Null(await CheckAsync(job, ModelRequestDigest.Evaluation, Signed(_carol, job.JobId, ModelRequestDigest.Evaluation)));
    }

    [Fact]
    public void A_request_without_the_signature_headers_is_refused_saying_how_to_sign()
    {
        var headers = new HeaderDictionary { [ModelRequestHeaders.Key] = "AAAA", [ModelRequestHeaders.Challenge] = "AAAA" };
        Assert.Null(ModelRelease.Parse(headers, out string? problem));
        Assert.Contains("must be signed", problem, StringComparison.Ordinal);
        headers[ModelRequestHeaders.Signature] = "not base64!";
        Assert.Null(ModelRelease.Parse(headers, out problem));
        Assert.Equal("the key, the challenge and the signature must be base64", problem);
    }

    [Fact]
    public async Task The_platforms_key_and_the_test_sets_owner_do_not_receive_the_model()
    {
        JobDescription job = Training();
        Assert.Equal($"key {Short(_platform)} is not a model recipient of this job; only the recipients the owners approved receive its model",
            await CheckAsync(job, ModelRequestDigest.Model, Signed(_platform, job.JobId, ModelRequestDigest.Model)));
        Assert.NotNull(await CheckAsync(job, ModelRequestDigest.Model, Signed(_carol, job.JobId, ModelRequestDigest.Model)));
    }

    [Fact]
    public async Task Only_the_test_sets_owner_receives_the_evaluation_not_the_recipient_nor_the_platform()
    {
        JobDescription job = Training();
        Assert.Equal($"only the owner of dataset 'ds-test' (key {Short(_carol)}) receives its evaluation; key {Short(_alice)} is not that owner's",
            await CheckAsync(job, ModelRequestDigest.Evaluation, Signed(_alice, job.JobId, ModelRequestDigest.Evaluation)));
        Assert.NotNull(await CheckAsync(job, ModelRequestDigest.Evaluation, Signed(_platform, job.JobId, ModelRequestDigest.Evaluation)));
    }

    [Fact]
    public async Task An_inference_jobs_predictions_go_to_the_owner_of_the_dataset_it_was_applied_to_and_it_has_no_model()
    {
        JobDescription job = Inference("ds-test");
        Assert.Null(await CheckAsync(job, ModelRequestDigest.Evaluation, Signed(_carol, job.JobId, ModelRequestDigest.Evaluation)));
        Assert.NotNull(await CheckAsync(job, ModelRequestDigest.Evaluation, Signed(_alice, job.JobId, ModelRequestDigest.Evaluation)));
        Assert.Equal("an inference job has no model share of its own",
            await CheckAsync(job, ModelRequestDigest.Model, Signed(_alice, job.JobId, ModelRequestDigest.Model)));

        JobDescription old = Inference("ds-old");
        Assert.Equal("dataset 'ds-old' was shared without an owner key (a version-1 share file); share it again to receive its evaluation",
            await CheckAsync(old, ModelRequestDigest.Evaluation, Signed(_alice, old.JobId, ModelRequestDigest.Evaluation)));
        await _store.DeleteAsync("ds-test");
        Assert.Equal("the half of dataset 'ds-test' is no longer stored here, so its owner's key cannot be checked",
            await CheckAsync(job, ModelRequestDigest.Evaluation, Signed(_carol, job.JobId, ModelRequestDigest.Evaluation)));
    }

    [Fact]
    public async Task A_challenge_answers_one_request_only()
    {
        JobDescription job = Training();
        ModelRelease.Request request = Signed(_alice, job.JobId, ModelRequestDigest.Model);
        Assert.Null(await CheckAsync(job, ModelRequestDigest.Model, request));
        Assert.Contains("was used already", await CheckAsync(job, ModelRequestDigest.Model, request), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_request_uses_its_challenge_up_too()
    {
        JobDescription job = Training();
        ModelRelease.Request request = Signed(_alice, job.JobId, ModelRequestDigest.Model);
        byte[] badSignature = (byte[])request.Signature.Clone();
        badSignature[^1] ^= 1;
        Assert.Contains("does not verify", await CheckAsync(job, ModelRequestDigest.Model, request with { Signature = badSignature }), StringComparison.Ordinal);
        Assert.Contains("was used already", await CheckAsync(job, ModelRequestDigest.Model, request), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_challenge_expires_after_five_minutes()
    {
        JobDescription job = Training();
        ModelRelease.Request late = Signed(_alice, job.JobId, ModelRequestDigest.Model);
        ModelRelease.Request inTime = Signed(_alice, job.JobId, ModelRequestDigest.Model);
        _time.Advance(ModelRequestChallenges.Lifetime - TimeSpan.FromSeconds(1));
        Assert.Null(await CheckAsync(job, ModelRequestDigest.Model, inTime));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Contains("has expired", await CheckAsync(job, ModelRequestDigest.Model, late), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_challenge_issued_for_another_job_or_the_other_file_is_refused_even_when_signed_for_this_one()
    {
        JobDescription job = Training();
        // Signed correctly for this job and file, but answering a challenge issued for another job / the evaluation.
        byte[] forOther = _challenges.Issue("job-other", ModelRequestDigest.Model)!.Value.Challenge;
        byte[] forEvaluation = _challenges.Issue(job.JobId, ModelRequestDigest.Evaluation)!.Value.Challenge;
        foreach (byte[] challenge in new[] { forOther, forEvaluation })
        {
            var request = new ModelRelease.Request(_alice.ExportSubjectPublicKeyInfo(), challenge,
                ConsentSignature.Sign(_alice, ModelRequestDigest.Compute(job.JobId, Party, ModelRequestDigest.Model, challenge)));
            Assert.Contains($"not issued by party {Party} for the model of this job", await CheckAsync(job, ModelRequestDigest.Model, request), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_challenge_of_the_other_party_is_refused()
    {
        JobDescription job = Training();
        // Party 1's challenge, signed for party 1: this party never issued it.
        var otherParty = new ModelRequestChallenges(_time);
        byte[] challenge = otherParty.Issue(job.JobId, ModelRequestDigest.Model)!.Value.Challenge;
        var request = new ModelRelease.Request(_alice.ExportSubjectPublicKeyInfo(), challenge,
            ConsentSignature.Sign(_alice, ModelRequestDigest.Compute(job.JobId, 1, ModelRequestDigest.Model, challenge)));
        Assert.Contains("not issued by party 0", await CheckAsync(job, ModelRequestDigest.Model, request), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signature_made_for_the_other_party_another_job_or_the_other_file_does_not_verify_here()
    {
        JobDescription job = Training();
        foreach (var (jobId, party, what) in new[] { (job.JobId, 1, ModelRequestDigest.Model), ("job-other", Party, ModelRequestDigest.Model), (job.JobId, Party, ModelRequestDigest.Evaluation) })
        {
            // The challenge is this party's, for this job's model; the signature covers something else.
            byte[] challenge = _challenges.Issue(job.JobId, ModelRequestDigest.Model)!.Value.Challenge;
            var request = new ModelRelease.Request(_alice.ExportSubjectPublicKeyInfo(), challenge,
                ConsentSignature.Sign(_alice, ModelRequestDigest.Compute(jobId, party, what, challenge)));
            Assert.Equal($"the signature by key {Short(_alice)} does not verify over this job, party {Party}, the model and the challenge",
                await CheckAsync(job, ModelRequestDigest.Model, request));
        }
    }

    [Fact]
    public async Task A_signature_by_one_key_presented_with_a_recipients_key_is_refused()
    {
        // The platform signs with its own key but names Alice's (a recipient's) key in the request.
        JobDescription job = Training();
        ModelRelease.Request forged = Signed(_platform, job.JobId, ModelRequestDigest.Model) with { Key = _alice.ExportSubjectPublicKeyInfo() };
        Assert.Contains("does not verify", await CheckAsync(job, ModelRequestDigest.Model, forged), StringComparison.Ordinal);
    }

    [Fact]
    public void Outstanding_challenges_are_bounded_and_expired_ones_make_room()
    {
        var challenges = new ModelRequestChallenges(_time);
        for (int i = 0; i < ModelRequestChallenges.Capacity; i++)
        {
            Assert.NotNull(challenges.Issue("job-1", ModelRequestDigest.Model));
        }
        Assert.Null(challenges.Issue("job-1", ModelRequestDigest.Model));
        _time.Advance(ModelRequestChallenges.Lifetime);
        Assert.NotNull(challenges.Issue("job-1", ModelRequestDigest.Model));
    }
}
