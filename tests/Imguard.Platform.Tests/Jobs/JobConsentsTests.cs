using Imguard.Contracts.Consent;
using Imguard.Contracts.Jobs;
using Imguard.Platform.Accounts;
using Imguard.Platform.Data;
using Imguard.Platform.Datasets;
using Imguard.Platform.Jobs;
using Imguard.Platform.Projects;

namespace Imguard.Platform.Tests.Jobs;

/// <summary>Consent at the service: what the runner sees of jobs waiting for approvals, a withdrawal from the queue, and the claim that ends the withdrawal window.</summary>
public abstract class JobConsentsTests(PlatformDatabaseProvider provider) : PlatformTestBase(provider)
{
    [ProviderFact]
    public async Task The_runner_sees_a_job_only_once_queued_and_a_withdrawal_before_its_claim_takes_it_back()
    {
        UserInfo owner = await UserAsync("owner");
        ProjectInfo project = await ProjectAsync(owner);
        DatasetInfo train = await ReadyDatasetAsync(owner, project.Id);
        await RegisterKeyAsync(owner);
        JobInfo waiting = Ok(await Jobs.CreateAsync(owner.Id, JobRequest(project.Id, train.Id)));
        Assert.Equal(JobState.AwaitingApproval, waiting.State);
        Assert.DoesNotContain(waiting.Id, (await Jobs.ListForRunnerAsync(Start)).Select(j => j.Id));
        Assert.False(await Jobs.ClaimForDispatchAsync(waiting.Id));
        Fails(OutcomeStatus.Conflict, await Jobs.TransitionAsync(waiting.Id, JobState.Preprocessing), "every required key signed");

        JobInfo queued = await QueuedJobAsync(owner, JobRequest(project.Id, train.Id));
        Assert.Contains(queued.Id, (await Jobs.ListForRunnerAsync(Start)).Select(j => j.Id));
        JobDescription description = JobDescriptions.From(queued, 16);
        Assert.Equal(owner.UserName, Assert.Single(description.Consent!.Recipients).User);
        Assert.Single(description.Consent.Approvals);

        ConsentChange withdrawn = Ok(await Consents.WithdrawAsync(owner.Id, queued.Id));
        Assert.Equal((JobState.AwaitingApproval, true), (withdrawn.Job.State, withdrawn.StateChanged));
        Assert.Empty(withdrawn.Job.Approvals!);
        Assert.DoesNotContain(queued.Id, (await Jobs.ListForRunnerAsync(Start)).Select(j => j.Id));

        // Signed again, claimed by the runner: from then on only a cancel stops it.
        JobConsentState state = JobConsentState.Of(withdrawn.Job).State!;
        byte[] key = KeyOf(owner).ExportSubjectPublicKeyInfo();
        Assert.Equal(JobState.Queued, Ok(await Consents.ApproveAsync(owner.Id, queued.Id, key, ConsentSignature.Sign(KeyOf(owner), state.Digest))).Job.State);
        Assert.True(await Jobs.ClaimForDispatchAsync(queued.Id));
        Fails(OutcomeStatus.Conflict, await Consents.WithdrawAsync(owner.Id, queued.Id), "parties have it");
        Assert.Equal(JobState.Cancelled, Ok(await Jobs.RequestCancelAsync(owner.Id, queued.Id)).State);
        Assert.Equal(JobState.Cancelled, Ok(await Jobs.RequestCancelAsync(owner.Id, waiting.Id)).State);
    }

    [ProviderFact]
    public async Task A_replaced_signing_key_is_named_only_in_jobs_created_afterwards()
    {
        UserInfo owner = await UserAsync("owner");
        ProjectInfo project = await ProjectAsync(owner);
        DatasetInfo train = await ReadyDatasetAsync(owner, project.Id);
        byte[] first = await RegisterKeyAsync(owner);
        JobInfo before = Ok(await Jobs.CreateAsync(owner.Id, JobRequest(project.Id, train.Id)));
        using var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        byte[] second = other.ExportSubjectPublicKeyInfo();
        Assert.Equal(second, Ok(await SigningKeys.RegisterAsync(owner.Id, second)).Key);
        JobInfo after = Ok(await Jobs.CreateAsync(owner.Id, JobRequest(project.Id, train.Id)));
        Assert.Equal(first, Assert.Single(Ok(await Jobs.GetAsync(owner.Id, before.Id)).Recipients!).Key);
        Assert.Equal(second, Assert.Single(after.Recipients!).Key);
        Fails(OutcomeStatus.Invalid, await SigningKeys.RegisterAsync(owner.Id, [1, 2, 3]), "not usable");
    }
}

public sealed class SqliteJobConsentsTests() : JobConsentsTests(PlatformDatabaseProvider.Sqlite);

public sealed class PostgresJobConsentsTests() : JobConsentsTests(PlatformDatabaseProvider.PostgreSql), IPostgresTests;
