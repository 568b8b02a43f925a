using Imguard.Learning.Hiding;

namespace Imguard.Learning.Training;

/// <summary>
/// Hyper-parameters of a training job. Defaults follow the InstaHide reference runs (SGD lr 0.05, momentum 0.9,
/// batch 128, k = 4). All of these are visible to the dealer and both parties; none depends on data.
/// </summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 1;

    public int BatchSize { get; init; } = 128;

    public double LearningRate { get; init; } = 0.05;

    public double Momentum { get; init; } = 0.9;

    public double WeightDecay { get; init; }

    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    public InstaHideOptions Hiding { get; init; } = InstaHideOptions.Default;

    /// <summary>
    /// Open each batch's mean loss to both parties for progress reports. Off by default: it reveals one number per
    /// step about the (encoded) batch and the current model — a loss curve, which says how well the model fits.
    /// On shares it costs a secure logarithm of every probability (<see cref="Nn.Loss.SoftmaxCrossEntropy.RevealLossAsync"/>,
    /// 92 rounds per step); a plaintext run reports <see cref="Nn.Loss.SoftmaxCrossEntropy.Loss"/> instead.
    /// </summary>
    public bool RevealLoss { get; init; }

    /// <summary>
    /// "InstaHide in inference" when the job evaluates: T encodings of every test image with the training set as
    /// partners, the softmax summed over them (<see cref="SecureInstaHideInference"/>). 0: clean test images.
    /// </summary>
    public int TestEncodings { get; init; }

    /// <summary>Least own coefficient λ₀ of a test encoding (0: as in training); see <see cref="TestEncodingOptions.OwnCoefficientMin"/>.</summary>
    public double TestOwnCoefficientMin { get; init; }

    /// <summary>The test-time encodings these options ask for, or null for clean evaluation.</summary>
    public TestEncodingOptions? TestEncoding => TestEncodings > 0 ? new TestEncodingOptions(Hiding, TestEncodings, TestOwnCoefficientMin) : null;

    /// <summary>Throws a clear error for settings no training run can use.</summary>
    public void Validate()
    {
        if (Epochs < 1)
        {
            throw LearningError.InvalidArgument($"Epochs must be at least 1; got {Epochs}.");
        }
        if (BatchSize < 1)
        {
            throw LearningError.InvalidArgument($"Batch size must be at least 1; got {BatchSize}.");
        }
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
        {
            throw LearningError.InvalidArgument($"The learning rate must be positive; got {LearningRate}.");
        }
        if (Momentum is < 0 or >= 1)
        {
            throw LearningError.InvalidArgument($"Momentum must be in [0, 1); got {Momentum}.");
        }
        if (WeightDecay < 0)
        {
            throw LearningError.InvalidArgument($"Weight decay must not be negative; got {WeightDecay}.");
        }
        ArgumentNullException.ThrowIfNull(Hiding);
        ArgumentNullException.ThrowIfNull(Schedule);
        if (TestEncodings < 0)
        {
            throw LearningError.InvalidArgument($"Test encodings must not be negative; got {TestEncodings}.");
        }
        _ = TestEncoding;   // the test-encoding options check themselves: a hiding mode, λ₀'s floor within the bound
    }
}

/// <summary>The learning rate of each epoch as a multiple of the base rate: constant, step decay or cosine annealing.</summary>
public sealed record LearningRateSchedule
{
    private LearningRateSchedule(string kind, int stepEpochs, double gamma)
    {
        Kind = kind;
        StepEpochs = stepEpochs;
        Gamma = gamma;
    }

    public static LearningRateSchedule Constant { get; } = new("constant", 0, 1);

    /// <summary>Multiply by <paramref name="gamma"/> every <paramref name="everyEpochs"/> epochs (PyTorch StepLR).</summary>
    public static LearningRateSchedule Step(int everyEpochs, double gamma) =>
        everyEpochs >= 1 && gamma is > 0 and <= 1
            ? new("step", everyEpochs, gamma)
            : throw LearningError.InvalidArgument("A step schedule needs every ≥ 1 epochs and 0 < gamma ≤ 1.");

    /// <summary>Cosine annealing from the base rate towards 0 over the run (PyTorch CosineAnnealingLR, per epoch).</summary>
    public static LearningRateSchedule Cosine { get; } = new("cosine", 0, 0);

    public string Kind { get; }

    public int StepEpochs { get; }

    public double Gamma { get; }

    /// <summary>The schedule as <see cref="Parse"/> reads it: constant, cosine or step:EVERY:GAMMA.</summary>
    public string Text => Kind == "step"
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"step:{StepEpochs}:{Gamma}")
        : Kind;

    /// <summary>The rate for epoch <paramref name="epoch"/> (0-based) of <paramref name="epochs"/>.</summary>
    public double RateAt(double baseRate, int epoch, int epochs) => Kind switch
    {
        "step" => baseRate * Math.Pow(Gamma, epoch / StepEpochs),
        "cosine" => baseRate * 0.5 * (1 + Math.Cos(Math.PI * epoch / Math.Max(epochs, 1))),
        _ => baseRate,
    };

    public static LearningRateSchedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        return parts[0].ToLowerInvariant() switch
        {
            "constant" when parts.Length == 1 => Constant,
            "cosine" when parts.Length == 1 => Cosine,
            "step" when parts.Length == 3 && int.TryParse(parts[1], out int every) &&
                double.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out double gamma) => Step(every, gamma),
            _ => throw LearningError.InvalidArgument($"Unknown learning-rate schedule '{text}'; use constant, cosine or step:EVERY:GAMMA."),
        };
    }
}
