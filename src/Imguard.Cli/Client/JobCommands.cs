using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Imguard.Client.Consent;
using Imguard.Client.Jobs;
using Imguard.Client.Models;
using Imguard.Client.Platform;
using Imguard.Contracts.Jobs;

namespace Imguard.Cli.Client;

/// <summary>
/// <c>imguard train</c> and <c>imguard job status|logs|cancel</c> (the consent verbs: <see cref="ConsentCommands"/>;
/// resume, restart and revise: <see cref="JobControlCommands"/>).
/// </summary>
internal static class JobCommands
{
    public static Command CreateTrain()
    {
        Option<string?> profile = ProfileOptions.Create();
        var project = new Option<Guid>("--project") { Required = true };
        var dataset = new Option<string>("--dataset") { Description = "The (ready) training dataset id.", Required = true };
        var with = new Option<string[]>("--with")
        {
            Description = "Another ready training dataset of the project to train on too (repeatable; any member's: its owner is asked to approve).",
            DefaultValueFactory = _ => [],
        };
        var recipients = new Option<string[]>("--recipient")
        {
            Description = "A user who receives the model (repeatable; default: you). Each needs a registered signing key and approves the job too.",
            DefaultValueFactory = _ => [],
        };
        var test = new Option<string?>("--test-dataset") { Description = "A ready test dataset: evaluated securely after training; only you learn the accuracy." };
        var model = new Option<string>("--model") { Description = "A preset (mlp, cnn; with |x| first under InstaHide) or a JSON model spec file.", DefaultValueFactory = _ => JobDefaults.Model };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => JobDefaults.Epochs };
        var batch = new Option<int>("--batch-size") { DefaultValueFactory = _ => JobDefaults.BatchSize };
        var lr = new Option<double>("--lr") { DefaultValueFactory = _ => JobDefaults.LearningRate };
        var momentum = new Option<double>("--momentum") { DefaultValueFactory = _ => JobDefaults.Momentum };
        var decay = new Option<double>("--weight-decay");
        var schedule = new Option<string>("--schedule")
        {
            Description = "The learning rate over the run: cosine (anneals to 0 by the last epoch; steadier results), constant or step:EVERY:GAMMA.",
            DefaultValueFactory = _ => JobDefaults.Schedule,
        };
        var hiding = new Option<string>("--hiding")
        {
            Description = "off, mixup or instahide (hides the images better and costs more accuracy: the estimate says how much).",
            DefaultValueFactory = _ => JobDefaults.Hiding,
        };
        var k = new Option<int>("--k") { Description = "Images mixed per encoded image.", DefaultValueFactory = _ => JobDefaults.K };
        var revealLoss = new Option<bool>("--reveal-loss") { Description = "Open each step's mean loss to both parties (leaks the loss curve; off by default)." };
        var bits = new Option<int>("--comparison-bits")
        {
            Description = "Bit width of the secure comparisons: 32 (exact while |pre-activations| < 32768; half the cost) or 64 (exact over the whole ring).",
            DefaultValueFactory = _ => 32,
        };
        var testEncodings = new Option<int>("--test-encodings")
        {
            Description = "Evaluate by \"InstaHide in inference\": T encodings of each test image, softmax summed (needs --test-dataset and a hiding mode; costs T evaluations).",
        };
        var testOwnMin = new Option<double>("--test-own-min")
        {
            Description = "Least coefficient of a test image in its own encodings (0: as in training). Higher is more accurate and hides the test image less.",
        };
        var follow = new Option<bool>("--follow") { Description = "Wait (for the other approvals too) and show progress until the job ends." };
        var estimateOnly = new Option<bool>("--estimate-only") { Description = "Print what the job would cost and do not start it." };
        var command = new Command("train",
            "Start a secure training job on shared datasets (prints its estimated cost and expected accuracy first, then approves it with this device's key).")
        {
            profile, project, dataset, with, recipients, test, model, epochs, batch, lr, momentum, decay, schedule, hiding, k, revealLoss, bits, testEncodings, testOwnMin, follow, estimateOnly,
        };
        command.SetAction(async (parse, ct) =>
        {
            string modelText = parse.GetValue(model)!;
            JsonElement modelJson = File.Exists(modelText)
                ? await ReadModelSpecAsync(modelText, ct)
                : JsonSerializer.SerializeToElement(modelText);
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            var request = new CreateJobRequest(modelJson, parse.GetValue(dataset)!, parse.GetValue(test),
                parse.GetValue(epochs), parse.GetValue(batch), parse.GetValue(lr), parse.GetValue(momentum), parse.GetValue(decay),
                parse.GetValue(hiding)!, parse.GetValue(k), parse.GetValue(revealLoss), parse.GetValue(bits),
                parse.GetValue(testEncodings), parse.GetValue(testOwnMin), parse.GetValue(schedule),
                AdditionalTrainDatasetIds: parse.GetValue(with) is { Length: > 0 } others ? others : null,
                Recipients: parse.GetValue(recipients) is { Length: > 0 } named ? named : null);
            JobEstimate estimate = await api.EstimateJobAsync(parse.GetValue(project), request, ct);
            // InstaHide stays one option away with its expected accuracy in sight (the web form shows the same).
            bool instaHide = string.Equals(request.Hiding, HidingModes.InstaHide, StringComparison.OrdinalIgnoreCase);
            ExpectedAccuracy? alternative = instaHide || estimate.ExpectedAccuracy is null ? null
                : await InstaHideAlternativeAsync(api, parse.GetValue(project), request, ct);
            foreach (string line in JobEstimateText.Lines(estimate, alternative, request.K))
            {
                Console.WriteLine(line);
            }
            if (parse.GetValue(estimateOnly))
            {
                return 0;
            }
            ClientProfile me = ClientProfile.Load(ProfileOptions.PathOf(parse, profile));
            using OwnerSigningKey key = ProfileOptions.SigningKey(parse, profile);
            // The job names its creator as recipient by default, and the platform refuses a recipient without a key.
            SigningKeyRegistration registration = await SigningKeyRegistration.EnsureAsync(api, key.PublicKey, replace: false, ct);
            if (registration.Outcome != SigningKeyOutcome.AlreadyRegistered)
            {
                Console.WriteLine(registration.Describe());
            }
            JobView job = await api.CreateJobAsync(parse.GetValue(project), request, ct);
            Console.WriteLine(job.Id);
            await ApproveOwnJobAsync(api, key, me.UserName, job.Id, ct);
            if (parse.GetValue(follow))
            {
                return await FollowAsync(api, job.Id, ct);
            }
            await ConsentCommands.PrintAfterAsync(api, job.Id, ct);
            return 0;
        });
        return command;
    }

    // The creator asked for the job: when this device's key is one it waits for (their dataset's owner key, their
    // recipient key), it signs without a prompt — after checking the platform's terms as any approval does.
    internal static async Task ApproveOwnJobAsync(PlatformApi api, OwnerSigningKey key, string userName, string jobId, CancellationToken ct)
    {
        var approver = new ConsentApprover(api, key);
        ConsentReview review = await approver.ReviewAsync(jobId, ct);
        if (review.DeviceMustSign)
        {
            await approver.ApproveAsync(review, userName, ct);
            Console.WriteLine($"approved job {jobId} with this device's key {review.DeviceFingerprint} (digest {review.DigestHex})");
        }
        else if (review.Terms.Datasets.Any(d => string.Equals(d.Owner, userName, StringComparison.OrdinalIgnoreCase))
            || review.Terms.Recipients.Any(r => string.Equals(r.User, userName, StringComparison.OrdinalIgnoreCase)))
        {
            Console.WriteLine(ConsentApprover.NotASigner(review, userName, key.Path));
        }
    }

    /// <summary>The expected accuracy of <paramref name="request"/> with InstaHide; null when the platform will not say (the job starts all the same).</summary>
    private static async Task<ExpectedAccuracy?> InstaHideAlternativeAsync(PlatformApi api, Guid project, CreateJobRequest request, CancellationToken ct)
    {
        try
        {
            return await api.ExpectedAccuracyAsync(project, request with { Hiding = HidingModes.InstaHide }, ct);
        }
        catch (PlatformApiException)
        {
            return null;
        }
    }

    public static Command CreateJob()
    {
        var job = new Command("job", "Follow, read the log of, cancel, resume, restart or revise a job; show, approve, decline or withdraw from its consent terms.");
        Option<string?> profile = ProfileOptions.Create();
        var id = new Argument<string>("job");
        var follow = new Option<bool>("--follow") { Description = "Keep showing progress until the job ends." };
        var status = new Command("status", "Show a job's state and progress.") { profile, id, follow };
        status.SetAction(async (parse, ct) =>
        {
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            if (parse.GetValue(follow))
            {
                return await FollowAsync(api, parse.GetValue(id)!, ct);
            }
            Print(await api.GetJobAsync(parse.GetValue(id)!, ct));
            return 0;
        });
        job.Subcommands.Add(status);

        Option<string?> logProfile = ProfileOptions.Create();
        var logId = new Argument<string>("job");
        var logs = new Command("logs", "Print a job's log.") { logProfile, logId };
        logs.SetAction(async (parse, ct) =>
        {
            using PlatformApi api = ProfileOptions.Connect(parse, logProfile);
            foreach (JobLogEntryView line in await api.GetJobLogAsync(parse.GetValue(logId)!, 0, ct))
            {
                Console.WriteLine($"{line.Time:HH:mm:ss} {line.Level,-7} {line.Message}");
            }
            return 0;
        });
        job.Subcommands.Add(logs);

        Option<string?> cancelProfile = ProfileOptions.Create();
        var cancelId = new Argument<string>("job");
        var cancel = new Command("cancel", "Cancel a job (a running job stops at its next step).") { cancelProfile, cancelId };
        cancel.SetAction(async (parse, ct) =>
        {
            using PlatformApi api = ProfileOptions.Connect(parse, cancelProfile);
            Print(await api.CancelJobAsync(parse.GetValue(cancelId)!, ct));
            return 0;
        });
        job.Subcommands.Add(cancel);
        job.Subcommands.Add(Privacy.JobReportCommand.Create());
        ConsentCommands.AddTo(job);
        JobControlCommands.AddTo(job);
        return job;
    }

    // Prints each change of state or progress, and of the standardisation (once when known, once its statistics are
    // opened); keeps following through platform restarts (JobFollower).
    internal static async Task<int> FollowAsync(PlatformApi api, string jobId, CancellationToken cancellationToken)
    {
        string last = "";
        string? lastStandardization = null;
        JobView job = await new JobFollower(api, Console.Out) { WaitingFor = ConsentTermsText.WaitingFor }.FollowAsync(jobId, summary =>
        {
            string? standardization = StandardizationLine(summary);
            if (standardization is not null && standardization != lastStandardization)
            {
                Console.WriteLine(standardization);
                lastStandardization = standardization;
            }
            string line = Describe(summary);
            if (line != last)
            {
                Console.WriteLine(line);
                last = line;
            }
        }, cancellationToken);
        return job.State == JobState.Succeeded ? 0 : CommandErrors.Failed;
    }

    internal static async Task<JsonElement> ReadModelSpecAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(path, cancellationToken));
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The model spec '{path}' is not valid JSON ({e.Message})", e);
        }
    }

    internal static void Print(JobView job)
    {
        Console.WriteLine(Describe(job));
        if (StandardizationLine(job) is { } standardization)
        {
            Console.WriteLine(standardization);
        }
    }

    /// <summary>
    /// The job's standardisation in one line, with the union's statistics once the parties opened them; null when the
    /// platform reports none (an older platform).
    /// </summary>
    internal static string? StandardizationLine(JobView job) => job.Standardization switch
    {
        null => null,
        { Mode: JobStandardizationModes.AsShared } => "standardisation: as shared (each dataset with its owner's own statistics, which stay on the owner's device; nothing opened)",
        { Mode: JobStandardizationModes.Union, Statistics: null } =>
            "standardisation: over the union of the training sets, on shares (the parties open its mean and deviation per channel when training starts)",
        { Mode: JobStandardizationModes.Union, Statistics: { } s } =>
            $"standardisation: over the union of the training sets, on shares; opened mean={ModelInputStatistics.Numbers(s.Mean)} std={ModelInputStatistics.Numbers(s.Std)} " +
            $"over {s.ValuesPerChannel.ToString("N0", CultureInfo.InvariantCulture)} values per channel",
        { Mode: var mode } => $"standardisation: {TerminalText.Escape(mode)}",
    };

    internal static string Describe(JobView job)
    {
        string progress = job.TotalSteps > 0 ? $" epoch {job.Epoch}, step {job.Step}/{job.TotalSteps} ({100.0 * job.Step / job.TotalSteps:0}%)" : "";
        // Shown progress never goes backwards; a resumed attempt re-running earlier steps says where it started again.
        string resumed = job.ResumedFromEpoch is { } from && !JobFollower.IsFinal(job.State) ? $", resumed from epoch {from}" : "";
        string failure = job.FailureMessage is null ? "" : $": {TerminalText.Escape(job.FailureMessage)}";
        return $"{job.Id} {job.State}{progress}{resumed}{failure}";
    }
}
