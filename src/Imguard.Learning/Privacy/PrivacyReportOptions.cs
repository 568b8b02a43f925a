using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using Imguard.Mpc.Randomness;

namespace Imguard.Learning.Privacy;

/// <summary>
/// Settings of <see cref="PrivacyReport"/>: how many images to attack, the hiding settings (K, coefficient bound) and,
/// for reproducible tests, optional seeds. The constructor validates; the seeds and the model need no validation here
/// (the model is checked against the data when the report runs).
/// </summary>
public sealed record PrivacyReportOptions
{
    /// <summary>Images attacked by default.</summary>
    public const int DefaultCount = 8;

    /// <summary>Creates validated options.</summary>
    /// <param name="count">Images attacked (the first <paramref name="count"/> of the dataset), at least 1.</param>
    /// <param name="k">Images mixed per encoding for mixup and InstaHide (spec.md §4a).</param>
    /// <param name="upperBound">Coefficient bound of spec.md §3.</param>
    /// <exception cref="ArgumentException">Count below 1, or K and bound rejected by <see cref="InstaHideOptions"/>.</exception>
    public PrivacyReportOptions(int count = DefaultCount, int k = InstaHideOptions.DefaultK, double upperBound = InstaHideOptions.DefaultUpperBound)
    {
        if (count < 1)
        {
            throw LearningError.InvalidArgument($"The privacy report needs at least one image; got a count of {count}.");
        }
        _ = new InstaHideOptions(HidingMode.InstaHide, k, upperBound); // validates K and the bound the way training would
        Count = count;
        K = k;
        UpperBound = upperBound;
    }

    /// <summary>Images attacked: the first <see cref="Count"/> of the dataset (partners are drawn from all of it).</summary>
    public int Count { get; }

    /// <summary>Images mixed per encoding in the mixup and InstaHide rows.</summary>
    public int K { get; }

    /// <summary>Rows of λ with max(λ) above this bound are redrawn (spec.md §3).</summary>
    public double UpperBound { get; }

    /// <summary>The attacked model; null = <see cref="PrivacyReport.MlpFor"/> the data (the mlp preset's layers). Its first trainable layer must be linear.</summary>
    public ModelSpec? Model { get; init; }

    /// <summary>Seed of the model's initial weights; null = fresh from the OS CSPRNG (<see cref="Seed.Random"/>).</summary>
    public Seed? ModelSeed { get; init; }

    /// <summary>
    /// Seed of the hiding plans (one AES-CTR stream per mode); null = a fresh <see cref="Seed.Random"/> per mode, as
    /// training draws them. Fix it only in tests.
    /// </summary>
    public Seed? HidingSeed { get; init; }
}
