using System.Text.Json;
using Imguard.Contracts.Jobs;
using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using Imguard.Learning.Training;

namespace Imguard.Dealer.Planning;

/// <summary>
/// The dealer's answer to "can randomness be planned for this job?": turns a job request into the two JSON documents a
/// job stores and the parties and the dealer read, checking them here so that a bad model or setting is a 400 at
/// creation (the platform asks before it stores a job), not a failed job later:
/// the model spec (<see cref="ModelSpec"/> JSON: a preset fitted to the project's input shape and class count, or
/// the client's spec, whose input and classes must be the project's; shapes inferred layer by layer) and the
/// training options, stored as the parties read them (<see cref="Contracts.Jobs.JobTrainingOptions"/>, camelCase JSON).
/// </summary>
public static class JobPlanning
{
    /// <summary>What a job gets for a field its request leaves out (<see cref="Contracts.Jobs.JobDefaults"/>).</summary>
    public const string DefaultHiding = Contracts.Jobs.JobDefaults.Hiding;

    public const int DefaultK = Contracts.Jobs.JobDefaults.K;

    public const int DefaultEpochs = Contracts.Jobs.JobDefaults.Epochs;

    public const string DefaultSchedule = Contracts.Jobs.JobDefaults.Schedule;

    public const int MaxEpochs = 1000;
    public const int MaxBatchSize = 65_536;
    public const int MaxK = 64;

    private static readonly JsonSerializerOptions Compact = new(JsonSerializerDefaults.Web);

    /// <summary>The request's hiding mode (the default when absent), or null for an unknown one.</summary>
    internal static HidingMode? Hiding(string? hiding) => (hiding ?? DefaultHiding).ToLowerInvariant() switch
    {
        "off" => HidingMode.Off,
        "mixup" => HidingMode.Mixup,
        "instahide" => HidingMode.InstaHide,
        _ => null,
    };

    /// <summary>
    /// The model spec JSON, or why the request's model is refused. A preset is the one for the job's hiding mode
    /// (<see cref="ModelSpec.PresetFor"/>: |x| first under InstaHide) fitted to the project.
    /// </summary>
    /// <param name="model">The request's model: a preset name, a model spec object, or absent (the default preset).</param>
    /// <param name="input">The project's input shape [C, H, W].</param>
    /// <param name="classes">The project's class count.</param>
    /// <param name="hiding">The request's hiding mode (absent: the default).</param>
    /// <param name="json">The model spec JSON when the model is accepted.</param>
    public static string? Model(JsonElement model, IReadOnlyList<int> input, int classes, string? hiding, out string json)
    {
        ArgumentNullException.ThrowIfNull(input);
        json = "";
        ModelSpec spec;
        try
        {
            switch (model.ValueKind)
            {
                case JsonValueKind.String or JsonValueKind.Undefined or JsonValueKind.Null:
                    ModelSpec preset = ModelSpec.PresetFor(model.ValueKind == JsonValueKind.String ? model.GetString()! : Contracts.Jobs.JobDefaults.Model, Hiding(hiding) ?? HidingMode.Off);
                    LayerSpec last = preset.Layers[^1];
                    spec = preset with { Input = [.. input], Classes = classes, Layers = [.. preset.Layers.Take(preset.Layers.Count - 1), last with { Out = classes }] };
                    spec.InferShapes();
                    break;
                case JsonValueKind.Object:
                    spec = ModelSpec.Parse(model.GetRawText());
                    if (!spec.Input.SequenceEqual(input) || spec.Classes != classes)
                    {
                        return $"The model takes [{string.Join(", ", spec.Input)}] with {spec.Classes} classes; this project's images are [{string.Join(", ", input)}] with {classes} classes.";
                    }

                    break;
                default:
                    return "model must be a preset name (\"mlp\", \"cnn\") or a model spec object.";
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            return $"The model does not fit this project: {e.Message}";
        }

        json = JsonSerializer.Serialize(spec, Compact);
        return null;
    }

    /// <summary>The training options JSON, or why the request's settings are refused.</summary>
    public static string? Training(CreateJobRequest request, out string json)
    {
        json = "";
        string? invalid =
            (request.Epochs is >= 1 and <= MaxEpochs ? null : $"epochs must be 1 to {MaxEpochs}.")
            ?? (request.BatchSize is >= 1 and <= MaxBatchSize ? null : $"batchSize must be 1 to {MaxBatchSize}.")
            ?? (double.IsFinite(request.LearningRate) && request.LearningRate is > 0 and <= 10 ? null : "learningRate must be more than 0 and at most 10.")
            ?? (request.K is >= 1 and <= MaxK ? null : $"k must be 1 to {MaxK}.");
        if (invalid is not null)
        {
            return invalid;
        }

        if (Hiding(request.Hiding) is not { } hidingMode)
        {
            return "hiding must be off, mixup or instahide.";
        }

        InstaHideOptions hiding;
        LearningRateSchedule schedule;
        try
        {
            hiding = new InstaHideOptions(hidingMode, request.K);
            schedule = LearningRateSchedule.Parse(string.IsNullOrWhiteSpace(request.Schedule) ? DefaultSchedule : request.Schedule);
            new TrainingOptions
            {
                Epochs = request.Epochs,
                BatchSize = request.BatchSize,
                LearningRate = request.LearningRate,
                Momentum = request.Momentum,
                WeightDecay = request.WeightDecay,
                Schedule = schedule,
                Hiding = hiding,
                RevealLoss = request.RevealLoss,
            }.Validate();
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }

        if (request.TestEncodings is < 0 or > Contracts.Jobs.JobTrainingOptions.MaxTestEncodings)
        {
            return $"testEncodings must be 0 to {Contracts.Jobs.JobTrainingOptions.MaxTestEncodings}.";
        }
        if (request.TestEncodings > 0 && hidingMode == HidingMode.Off)
        {
            return "testEncodings need a hiding mode (mixup or instahide): test images are encoded as training images are.";
        }
        if (request.TestEncodings > 0 && string.IsNullOrEmpty(request.TestDatasetId))
        {
            return "testEncodings need a test dataset to evaluate.";
        }
        if (!(request.TestOwnCoefficientMin >= 0 && request.TestOwnCoefficientMin <= hiding.UpperBound))
        {
            return $"testOwnCoefficientMin must be 0 to {hiding.UpperBound} (the largest coefficient).";
        }

        if (request.ComparisonBits is not (32 or 64))
        {
            return "comparison bits are 32 (exact for |values| below 2^15 at 16 fractional bits; the default) or 64 (exact over the whole ring).";
        }

        // Stored exactly as the parties receive it (the job description's training options).
        json = JsonSerializer.Serialize(new Contracts.Jobs.JobTrainingOptions
        {
            Epochs = request.Epochs,
            BatchSize = request.BatchSize,
            LearningRate = request.LearningRate,
            Momentum = request.Momentum,
            WeightDecay = request.WeightDecay,
            Schedule = schedule.Text,
            Hiding = (request.Hiding ?? DefaultHiding).ToLowerInvariant(),
            K = hiding.K,
            UpperBound = hiding.UpperBound,
            RevealLoss = request.RevealLoss,
            ComparisonBits = request.ComparisonBits,
            TestEncodings = request.TestEncodings,
            TestOwnCoefficientMin = request.TestEncodings > 0 ? request.TestOwnCoefficientMin : 0,
        }, Compact);
        return null;
    }
}
