using System.CommandLine;
using System.Text.Json;
using Imguard.Client.Consent;
using Imguard.Client.Platform;
using Imguard.Contracts.Jobs;

namespace Imguard.Cli.Client;

/// <summary>
/// <c>imguard job resume|restart|revise</c>: the creator of a failed or cancelled job queues it again (from its newest
/// checkpoint, or from the beginning; the approvals stay valid because the terms do), or revises a job that waits,
/// was declined or stopped. A revision starts from the job as it is: only the options given change, every approval is
/// void, and this device signs the new terms as <c>imguard train</c> does; the others approve again.
/// </summary>
internal static class JobControlCommands
{
    public static void AddTo(Command job)
    {
        ArgumentNullException.ThrowIfNull(job);
        job.Subcommands.Add(CreateReopen("resume", "Queue a failed or cancelled job again (yours); the parties continue from the newest checkpoint both hold.",
            (api, id, ct) => api.ResumeJobAsync(id, ct)));
        job.Subcommands.Add(CreateReopen("restart", "Queue a failed or cancelled job again (yours) from the beginning: the parties discard its checkpoints and train from newly dealt weights.",
            (api, id, ct) => api.RestartJobAsync(id, ct)));
        job.Subcommands.Add(CreateRevise());
    }

    private static Command CreateReopen(string name, string description, Func<PlatformApi, string, CancellationToken, Task<JobView>> send)
    {
        Option<string?> profile = ProfileOptions.Create();
        var id = new Argument<string>("job");
        var follow = new Option<bool>("--follow") { Description = "Show progress until the job ends." };
        var command = new Command(name, description) { profile, id, follow };
        command.SetAction(async (parse, ct) =>
        {
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            JobView job = await send(api, parse.GetValue(id)!, ct);
            JobCommands.Print(job);
            return parse.GetValue(follow) ? await JobCommands.FollowAsync(api, job.Id, ct) : 0;
        });
        return command;
    }

    private static Command CreateRevise()
    {
        Option<string?> profile = ProfileOptions.Create();
        var id = new Argument<string>("job");
        var dataset = new Option<string?>("--dataset") { Description = "The (ready) training dataset id (default: the job's)." };
        var with = new Option<string[]>("--with") { Description = "Another training dataset to train on too (repeatable; replaces the job's further datasets)." };
        var without = new Option<bool>("--without-others") { Description = "Train on --dataset alone: drop the job's further datasets." };
        var recipients = new Option<string[]>("--recipient") { Description = "A user who receives the model (repeatable; replaces the job's recipients)." };
        var test = new Option<string?>("--test-dataset") { Description = "A ready test dataset (default: the job's; \"none\" for none)." };
        var model = new Option<string?>("--model") { Description = "A preset (mlp, cnn) or a JSON model spec file (default: the job's model)." };
        var epochs = new Option<int?>("--epochs");
        var batch = new Option<int?>("--batch-size");
        var lr = new Option<double?>("--lr");
        var momentum = new Option<double?>("--momentum");
        var decay = new Option<double?>("--weight-decay");
        var schedule = new Option<string?>("--schedule") { Description = "cosine, constant or step:EVERY:GAMMA." };
        var hiding = new Option<string?>("--hiding") { Description = "off, mixup or instahide." };
        var k = new Option<int?>("--k") { Description = "Images mixed per encoded image." };
        var revealLoss = new Option<bool?>("--reveal-loss") { Description = "true or false: open each step's mean loss to both parties." };
        var bits = new Option<int?>("--comparison-bits") { Description = "32 or 64." };
        var testEncodings = new Option<int?>("--test-encodings");
        var testOwnMin = new Option<double?>("--test-own-min");
        var follow = new Option<bool>("--follow") { Description = "Wait for the approvals and show progress until the job ends." };
        var command = new Command("revise",
            "Change a job of yours that waits, was declined, failed or was cancelled (only the options given; the rest stays). Every approval is void: "
            + "this device signs the new terms, the other owners and recipients approve again.")
        {
            profile, id, dataset, with, without, recipients, test, model, epochs, batch, lr, momentum, decay, schedule, hiding, k, revealLoss, bits, testEncodings, testOwnMin, follow,
        };
        command.SetAction(async (parse, ct) =>
        {
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            string jobId = parse.GetValue(id)!;
            JobView job = await api.GetJobAsync(jobId, ct);
            JobTrainingOptions training = job.Training.Deserialize<JobTrainingOptions>(JsonSerializerOptions.Web)
                ?? throw new InvalidDataException($"Job {jobId} shows no training options.");
            JsonElement modelJson = parse.GetValue(model) is { } modelText
                ? File.Exists(modelText) ? await JobCommands.ReadModelSpecAsync(modelText, ct) : JsonSerializer.SerializeToElement(modelText)
                : job.Model;
            string[] others = parse.GetValue(with) is { Length: > 0 } named ? named
                : parse.GetValue(without) ? []
                : [.. (job.Datasets ?? []).Where(d => d.Purpose == "train" && d.DatasetId != job.TrainDatasetId).Select(d => d.DatasetId)];
            string? testId = parse.GetValue(test) is { } t ? (t == "none" ? null : t) : job.TestDatasetId;
            var request = new CreateJobRequest(modelJson, parse.GetValue(dataset) ?? job.TrainDatasetId, testId,
                parse.GetValue(epochs) ?? training.Epochs, parse.GetValue(batch) ?? training.BatchSize, parse.GetValue(lr) ?? training.LearningRate,
                parse.GetValue(momentum) ?? training.Momentum, parse.GetValue(decay) ?? training.WeightDecay, parse.GetValue(hiding) ?? training.Hiding,
                parse.GetValue(k) ?? training.K, parse.GetValue(revealLoss) ?? training.RevealLoss, parse.GetValue(bits) ?? training.ComparisonBits,
                parse.GetValue(testEncodings) ?? training.TestEncodings, parse.GetValue(testOwnMin) ?? training.TestOwnCoefficientMin,
                parse.GetValue(schedule) ?? training.Schedule,
                AdditionalTrainDatasetIds: others,
                Recipients: parse.GetValue(recipients) is { Length: > 0 } users ? users : [.. (job.Recipients ?? []).Select(r => r.User)]);

            ClientProfile me = ClientProfile.Load(ProfileOptions.PathOf(parse, profile));
            using OwnerSigningKey key = ProfileOptions.SigningKey(parse, profile);
            JobView revised = await api.ReviseJobAsync(jobId, request, ct);
            Console.WriteLine($"{revised.Id} revision {revised.Revision}: every earlier approval is void.");
            await JobCommands.ApproveOwnJobAsync(api, key, me.UserName, revised.Id, ct);
            if (parse.GetValue(follow))
            {
                return await JobCommands.FollowAsync(api, revised.Id, ct);
            }
            await ConsentCommands.PrintAfterAsync(api, revised.Id, ct);
            return 0;
        });
        return command;
    }
}
