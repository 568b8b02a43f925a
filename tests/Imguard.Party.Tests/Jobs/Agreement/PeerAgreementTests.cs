using System.Security.Cryptography;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Jobs;
using Imguard.Learning.Nn;
using Imguard.Mpc.Transport;
using Imguard.Party.Jobs;
using Imguard.Party.Jobs.Agreement;

namespace Imguard.Party.Tests.Jobs.Agreement;

/// <summary>
/// The parties' agreement over a fresh peer link (both parties in one process over the in-memory channel): the same
/// description and the newest common checkpoint, or a refusal at both ends.
/// </summary>
public sealed class PeerAgreementTests : IDisposable
{
    private static readonly ModelSpec Spec = new([1, 8, 8], 10, [new("flatten"), new("linear", Out: 10)]);

    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private static JobDescription Job(int epochs) => new()
    {
        JobId = "job-agree",
        ProjectId = "prj-1",
        TrainDatasetId = "ds-train",
        ModelSpecJson = Spec.ToJson(),
        Training = new JobTrainingOptions { Epochs = epochs, BatchSize = 8, Hiding = HidingModes.Off },
    };

    // A party's job folder holding checkpoints of these epoch counts (the agreement reads only their names).
    private JobFolder Folder(int party, params int[] epochs)
    {
        var folder = new JobFolder(Path.Combine(_root.Path, $"party-{party}"), "job-agree");
        Directory.CreateDirectory(Path.GetDirectoryName(folder.CheckpointPath(1))!);
        foreach (int e in epochs)
        {
            File.WriteAllBytes(folder.CheckpointPath(e), []);
        }
        return folder;
    }

    private static async Task<(Task<int> Party0, Task<int> Party1)> AgreeAsync(JobDescription job0, JobFolder folder0, JobDescription job1, JobFolder folder1)
    {
        var (channel0, channel1) = InMemoryPeerChannel.CreatePair();
        await using (channel0)
        await using (channel1)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            Task<int> at0 = PeerAgreement.AgreeAsync(channel0, job0, folder0, timeout.Token);
            Task<int> at1 = PeerAgreement.AgreeAsync(channel1, job1, folder1, timeout.Token);
            try
            {
                await Task.WhenAll(at0, at1);
            }
            catch (InvalidDataException)
            {
            }
            return (at0, at1);
        }
    }

    [Fact]
    public async Task Parties_one_epoch_apart_agree_on_the_newest_checkpoint_both_hold()
    {
        var (at0, at1) = await AgreeAsync(Job(4), Folder(0, 3, 2), Job(4), Folder(1, 2, 1));
        Assert.Equal((2, 2), (await at0, await at1));
    }

    [Fact]
    public async Task Parties_with_no_checkpoint_in_common_start_over()
    {
        var (at0, at1) = await AgreeAsync(Job(4), Folder(0, 3), Job(4), Folder(1));
        Assert.Equal((0, 0), (await at0, await at1));
    }

    [Fact]
    public async Task Parties_given_different_descriptions_both_refuse()
    {
        var (at0, at1) = await AgreeAsync(Job(4), Folder(0, 1), Job(5), Folder(1, 1));
        foreach (Task<int> at in new[] { at0, at1 })
        {
            var e = await Assert.ThrowsAsync<InvalidDataException>(() => at);
            Assert.Equal("The two parties were given different job descriptions.", e.Message);
        }
    }

    [Fact]
    public async Task Parties_given_the_same_job_with_other_consent_both_refuse()
    {
        // The consent (owners, recipients, signatures) is part of the description, so the digest compared covers it:
        // a platform cannot show one party the approved terms and the other a job it changed.
        using ECDsa owner = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] key = owner.ExportSubjectPublicKeyInfo();
        JobDescription With(string recipient) => Job(4) with
        {
            Consent = new JobConsent { Owners = [new("ds-train", "alice")], Recipients = [new(recipient, key)] },
        };
        var (at0, at1) = await AgreeAsync(With("alice"), Folder(0, 1), With("mallory"), Folder(1, 1));
        foreach (Task<int> at in new[] { at0, at1 })
        {
            var e = await Assert.ThrowsAsync<InvalidDataException>(() => at);
            Assert.Equal("The two parties were given different job descriptions.", e.Message);
        }
    }
}
