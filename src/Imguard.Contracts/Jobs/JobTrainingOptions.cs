namespace Imguard.Contracts.Jobs;

/// <summary>
/// A job's hyper-parameters as plain fields (the JSON the platform stores as a job's training options). Defaults follow
/// the InstaHide reference runs. The parties turn it into the Learning library's <c>TrainingOptions</c>.
/// </summary>
public sealed record JobTrainingOptions
{
    public int Epochs { get; init; } = 1;

    public int BatchSize { get; init; } = 128;

    public double LearningRate { get; init; } = 0.05;

    public double Momentum { get; init; } = 0.9;

    public double WeightDecay { get; init; }

    /// <summary><c>constant</c>, <c>cosine</c> or <c>step:EVERY:GAMMA</c>.</summary>
    public string Schedule { get; init; } = "constant";

    /// <summary><c>off</c>, <c>mixup</c> or <c>instahide</c>.</summary>
    public string Hiding { get; init; } = HidingModes.InstaHide;

    /// <summary>Images mixed into one encoding (InstaHide's k).</summary>
    public int K { get; init; } = 4;

    /// <summary>Largest mixing coefficient (InstaHide's <c>--upper</c>).</summary>
    public double UpperBound { get; init; } = 0.65;

    /// <summary>Open each step's mean loss to both parties (and the platform). Off by default: it discloses a loss curve.</summary>
    public bool RevealLoss { get; init; }

    /// <summary>
    /// Bit width ℓ of the secure comparisons (ReLU, max pooling). 32 (the default) is exact while every compared value
    /// is below 2^(31−f) in magnitude (32768 at f = 16: pre-activations of a training that has not diverged) and halves
    /// the comparison keys and their time against 64, which is exact over the whole ring.
    /// </summary>
    public int ComparisonBits { get; init; } = 32;

    /// <summary>
    /// "InstaHide in inference": T encodings of every test image (each mixed with k − 1 training images under a fresh
    /// secret λ and mask, like a training image), the model's softmax summed over them before the arg-max. 0 (the
    /// default) evaluates the clean test images. Needs a hiding mode and a test set; costs T times the evaluation.
    /// </summary>
    public int TestEncodings { get; init; }

    /// <summary>
    /// Least coefficient of the test image itself in a test encoding (0: drawn as in training). A higher floor makes
    /// test encodings easier to classify and hides the test image less; the training encodings are unchanged.
    /// </summary>
    public double TestOwnCoefficientMin { get; init; }

    /// <summary>The most test encodings a job may ask for (each is a full pass over the test set).</summary>
    public const int MaxTestEncodings = 64;

    /// <summary>Problems no run could get past, or null. The Learning library validates the rest.</summary>
    public string? Check()
    {
        if (Epochs is < 1 or > 100_000)
        {
            return "epochs must be 1 to 100000.";
        }
        if (BatchSize is < 1 or > 65_536)
        {
            return "the batch size must be 1 to 65536.";
        }
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
        {
            return "the learning rate must be positive.";
        }
        if (Momentum is < 0 or >= 1 || double.IsNaN(Momentum))
        {
            return "momentum must be in [0, 1).";
        }
        if (!(WeightDecay >= 0) || !double.IsFinite(WeightDecay))
        {
            return "weight decay must not be negative.";
        }
        if (Hiding is not (HidingModes.Off or HidingModes.Mixup or HidingModes.InstaHide))
        {
            return "hiding must be off, mixup or instahide.";
        }
        if (K is < 1 or > 64)
        {
            return "k must be 1 to 64.";
        }
        // Also keeps every number finite: the description is digested as JSON, which has no NaN or infinity.
        if (!(UpperBound > 0 && UpperBound <= 1))
        {
            return "the upper bound of a mixing coefficient must be more than 0 and at most 1.";
        }
        if (ComparisonBits is < 2 or > 64)
        {
            return "comparison bits must be 2 to 64.";
        }
        if (TestEncodings is < 0 or > MaxTestEncodings)
        {
            return $"test encodings must be 0 to {MaxTestEncodings}.";
        }
        if (TestEncodings > 0 && Hiding == HidingModes.Off)
        {
            return "test encodings need a hiding mode (mixup or instahide).";
        }
        if (!(TestOwnCoefficientMin >= 0 && TestOwnCoefficientMin <= UpperBound))
        {
            return "the least own coefficient of a test encoding must be between 0 and the upper bound.";
        }
        return string.IsNullOrWhiteSpace(Schedule) ? "the schedule is required (constant, cosine or step:EVERY:GAMMA)." : null;
    }
}

/// <summary>The names of the hiding modes in <see cref="JobTrainingOptions.Hiding"/>.</summary>
public static class HidingModes
{
    public const string Off = "off";
    public const string Mixup = "mixup";
    public const string InstaHide = "instahide";
}
