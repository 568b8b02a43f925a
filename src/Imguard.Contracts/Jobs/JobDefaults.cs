namespace Imguard.Contracts.Jobs;

/// <summary>
/// The settings a new training job gets when its request leaves them out: the platform applies them, and
/// <c>imguard train</c> and the web form (web/src/lib/jobDefaults.ts, held to this file by its test) start from them.
/// Chosen by measurement (docs/accuracy.md) so that a newcomer's first job, the README's, comes within 5 points of
/// training without hiding; InstaHide, which costs more accuracy, is one setting away and shows its expected accuracy.
/// </summary>
public static class JobDefaults
{
    public const string Model = "mlp";

    public const string Hiding = HidingModes.Mixup;

    /// <summary>Images mixed into one encoding.</summary>
    public const int K = 2;

    public const int Epochs = 5;

    public const int BatchSize = 128;

    public const double LearningRate = 0.05;

    public const double Momentum = 0.9;

    /// <summary>
    /// Cosine annealing of the learning rate over the run: the last steps are small, so a run ends near a minimum instead
    /// of wherever a full-size step left it (constant rate: the defaults' accuracy spread 76–81 % over seeds; cosine:
    /// 80.3–81.4 %, docs/accuracy.md).
    /// </summary>
    public const string Schedule = "cosine";
}
