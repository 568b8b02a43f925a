using System.CommandLine;
using Imguard.Client.Consent;
using Imguard.Client.Platform;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Jobs;

namespace Imguard.Cli.Client;

/// <summary>
/// <c>imguard job terms|approve|decline|withdraw|pending</c>: an owner's or recipient's consent to a training job. The
/// terms are rebuilt and their digest computed on this device (<see cref="ConsentApprover"/>); what is signed is what
/// <c>job terms</c> prints.
/// </summary>
internal static class ConsentCommands
{
    public static void AddTo(Command job)
    {
        ArgumentNullException.ThrowIfNull(job);
        job.Subcommands.Add(CreateTerms());
        job.Subcommands.Add(CreateApprove());
        job.Subcommands.Add(CreateDecline());
        job.Subcommands.Add(CreateWithdraw());
        job.Subcommands.Add(CreatePending());
    }

    private static Command CreateTerms()
    {
        Option<string?> profile = ProfileOptions.Create();
        var id = new Argument<string>("job");
        var command = new Command("terms", "Show everything a job's approvers sign, in plain words, and who has signed.") { profile, id };
        command.SetAction(async (parse, ct) =>
        {
            using var session = Session.Open(parse, profile);
            ConsentReview review = await session.Approver.ReviewAsync(parse.GetValue(id)!, ct);
            Print(review);
            return 0;
        });
        return command;
    }

    private static Command CreateApprove()
    {
        Option<string?> profile = ProfileOptions.Create();
        var id = new Argument<string>("job");
        var yes = new Option<bool>("--yes") { Description = "Approve without asking (the terms are printed all the same)." };
        var command = new Command("approve", "Show a job's terms, ask, and sign them with this device's key (computes the digest itself).") { profile, id, yes };
        command.SetAction(async (parse, ct) =>
        {
            using var session = Session.Open(parse, profile);
            string jobId = parse.GetValue(id)!;
            ConsentReview review = await session.Approver.ReviewAsync(jobId, ct);
            Print(review);
            if (!review.DeviceMustSign)
            {
                throw new InvalidOperationException(ConsentApprover.NotASigner(review, session.Profile.UserName, session.Key.Path));
            }
            if (!parse.GetValue(yes))
            {
                Console.Write($"Approve job {jobId} with key {review.DeviceFingerprint}? [y/N] ");
                string answer = (Console.ReadLine() ?? "").Trim();
                if (!answer.Equals("y", StringComparison.OrdinalIgnoreCase) && !answer.Equals("yes", StringComparison.OrdinalIgnoreCase))
                {
                    Console.WriteLine("not approved; nothing was sent.");
                    return CommandErrors.Failed;
                }
            }
            await session.Approver.ApproveAsync(review, session.Profile.UserName, ct);
            Console.WriteLine($"approved job {jobId} with key {review.DeviceFingerprint} (digest {review.DigestHex})");
            await PrintAfterAsync(session.Api, jobId, ct);
            return 0;
        });
        return command;
    }

    private static Command CreateDecline()
    {
        Option<string?> profile = ProfileOptions.Create();
        var id = new Argument<string>("job");
        var reason = new Option<string?>("--reason") { Description = "Why (at most 500 characters; shown to the job's participants)." };
        var command = new Command("decline", "Decline a job you are asked to approve (final: the job never runs).") { profile, id, reason };
        command.SetAction(async (parse, ct) =>
        {
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            string jobId = parse.GetValue(id)!;
            await api.DeclineJobAsync(jobId, new DeclineJobRequest(parse.GetValue(reason)), ct);
            Console.WriteLine(JobCommands.Describe(await api.GetJobAsync(jobId, ct)));
            return 0;
        });
        return command;
    }

    private static Command CreateWithdraw()
    {
        Option<string?> profile = ProfileOptions.Create();
        var id = new Argument<string>("job");
        var command = new Command("withdraw", "Withdraw your approval before the job starts training (it waits for approvals again).") { profile, id };
        command.SetAction(async (parse, ct) =>
        {
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            string jobId = parse.GetValue(id)!;
            await api.WithdrawJobAsync(jobId, ct);
            Console.WriteLine(JobCommands.Describe(await api.GetJobAsync(jobId, ct)));
            return 0;
        });
        return command;
    }

    private static Command CreatePending()
    {
        Option<string?> profile = ProfileOptions.Create();
        var command = new Command("pending", "List the jobs that wait for your signature.") { profile };
        command.SetAction(async (parse, ct) =>
        {
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            IReadOnlyList<JobView> jobs = await api.PendingApprovalsAsync(ct);
            if (jobs.Count == 0)
            {
                Console.WriteLine("no job waits for your signature");
            }
            foreach (JobView job in jobs)
            {
                Console.WriteLine($"{job.Id}  project {job.ProjectId}  created {job.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC  (imguard job terms {job.Id})");
            }
            return 0;
        });
        return command;
    }

    private static void Print(ConsentReview review)
    {
        foreach (string line in ConsentTermsText.Lines(review))
        {
            Console.WriteLine(line);
        }
    }

    // The job's state after an approval, and who it still waits for.
    internal static async Task PrintAfterAsync(PlatformApi api, string jobId, CancellationToken ct)
    {
        JobView job = await api.GetJobAsync(jobId, ct);
        Console.WriteLine(JobCommands.Describe(job));
        if (job.State == JobState.AwaitingApproval && ConsentTermsText.WaitingFor(await api.GetConsentAsync(jobId, ct)) is { } waiting)
        {
            Console.WriteLine(waiting);
        }
    }

    /// <summary>The profile, a platform client and this device's signing key, for the commands that sign.</summary>
    internal sealed class Session : IDisposable
    {
        private Session(ClientProfile profile, PlatformApi api, OwnerSigningKey key)
        {
            Profile = profile;
            Api = api;
            Key = key;
            Approver = new ConsentApprover(api, key);
        }

        public ClientProfile Profile { get; }

        public PlatformApi Api { get; }

        public OwnerSigningKey Key { get; }

        public ConsentApprover Approver { get; }

        public static Session Open(ParseResult parse, Option<string?> profile)
        {
            ClientProfile loaded = ClientProfile.Load(ProfileOptions.PathOf(parse, profile));
            OwnerSigningKey key = ProfileOptions.SigningKey(parse, profile);
            return new Session(loaded, PlatformApi.FromProfile(loaded), key);
        }

        public void Dispose()
        {
            Api.Dispose();
            Key.Dispose();
        }
    }
}
