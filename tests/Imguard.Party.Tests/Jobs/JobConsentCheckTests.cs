using System.Security.Cryptography;
using CsCheck;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Jobs;
using Imguard.Party.Jobs;
using Imguard.Party.Shares;
using Imguard.Party.Tests.Shares;

namespace Imguard.Party.Tests.Jobs;

/// <summary>
/// A party's own consent check on a share store (no servers): the owner keys come from the stored halves' headers,
/// every dataset's owner (the test set's too) and every recipient must sign, and a half's key may not change between
/// the check and the load. The forged starts against real parties are in <see cref="JobsEndToEndTests"/>.
/// </summary>
public sealed class JobConsentCheckTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly ECDsa _alice = TestConsent.NewKey();
    private readonly ECDsa _carol = TestConsent.NewKey();
    private ShareStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new ShareStore(_dir.Path);
        var (train, _) = await ShareFixtures.FileAsync("ds-train", party: 0, ownerKey: _alice.ExportSubjectPublicKeyInfo());
        var (test, _) = await ShareFixtures.FileAsync("ds-test", party: 0, seed: 2, ownerKey: _carol.ExportSubjectPublicKeyInfo());
        await _store.ImportAsync(new MemoryStream(train), "ds-train", 0);
        await _store.ImportAsync(new MemoryStream(test), "ds-test", 0);
    }

    public Task DisposeAsync()
    {
        _alice.Dispose();
        _carol.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private static JobDescription Job() => new()
    {
        JobId = "job-check",
        ProjectId = "prj-1",
        TrainDatasetId = "ds-train",
        TestDatasetId = "ds-test",
        ModelSpecJson = """{"input":[1,4,4],"classes":3,"layers":[]}""",
    };

    // Alice owns the training set and receives the model; Carol owns the test set.
    private Dictionary<string, (string Owner, ECDsa Key)> Owners() => new()
    {
        ["ds-train"] = ("alice", _alice),
        ["ds-test"] = ("carol", _carol),
    };

    [Fact]
    public async Task A_job_signed_by_every_owner_and_recipient_passes_with_the_keys_from_the_stored_headers()
    {
        var (refusal, keys) = await JobConsentCheck.CheckAsync(TestConsent.Sign(Job(), Owners(), [("alice", _alice)]), _store, CancellationToken.None);
        Assert.Null(refusal);
        Assert.Equal(_alice.ExportSubjectPublicKeyInfo(), keys["ds-train"]);
        Assert.Equal(_carol.ExportSubjectPublicKeyInfo(), keys["ds-test"]);
    }

    [Fact]
    public async Task The_test_sets_owner_must_sign_too()
    {
        JobDescription job = TestConsent.Sign(Job(), Owners(), [("alice", _alice)], signers: [_alice]);
        var (refusal, _) = await JobConsentCheck.CheckAsync(job, _store, CancellationToken.None);
        Assert.Equal($"no valid signature over the job's consent terms by key {OwnerKeys.ShortFingerprint(_carol.ExportSubjectPublicKeyInfo())} "
            + "(carol, owner of dataset 'ds-test')", refusal);
    }

    [Fact]
    public void Any_changed_byte_of_a_signature_is_refused()
    {
        JobDescription job = TestConsent.Sign(Job(), Owners(), [("alice", _alice)]);
        var approvals = job.Consent!.Approvals;
        Gen.Select(Gen.Int[0, approvals.Count - 1], Gen.Int[0, ConsentSignature.Length - 1], Gen.Byte[1, 255]).Sample((which, at, flip) =>
        {
            var changed = approvals.Select((a, i) => i == which ? a with { Signature = [.. a.Signature] } : a).ToArray();
            changed[which].Signature[at] ^= flip;
            var (refusal, _) = JobConsentCheck.CheckAsync(job with { Consent = job.Consent with { Approvals = changed } }, _store, CancellationToken.None)
                .GetAwaiter().GetResult();
            Assert.NotNull(refusal);
        }, iter: 40);
    }

    [Fact]
    public async Task An_inference_job_has_no_terms_and_reads_no_header()
    {
        JobDescription inference = Job() with { TrainDatasetId = "ds-not-here", TestDatasetId = "ds-not-here-either", ModelFromJobId = "job-model" };
        var (refusal, keys) = await JobConsentCheck.CheckAsync(inference, _store, CancellationToken.None);
        Assert.Null(refusal);
        Assert.Empty(keys);
    }

    [Fact]
    public async Task A_half_whose_key_is_not_the_one_checked_is_not_loaded()
    {
        var (_, keys) = await JobConsentCheck.CheckAsync(TestConsent.Sign(Job(), Owners(), [("alice", _alice)]), _store, CancellationToken.None);
        var header = await _store.ReadHeaderAsync("ds-test");
        JobConsentCheck.EnsureSameOwner("ds-test", keys, header);
        var swapped = new Dictionary<string, byte[]?>(keys) { ["ds-test"] = _alice.ExportSubjectPublicKeyInfo() };
        var e = Assert.Throws<InvalidDataException>(() => JobConsentCheck.EnsureSameOwner("ds-test", swapped, header));
        Assert.Contains("'ds-test' changed its owner key", e.Message, StringComparison.Ordinal);
    }
}
