// What: validated settings of inside-dataset InstaHide (mode, K, coefficient upper bound).
// Source: spec.md §3 (λ sampler, `--upper` default 0.65), §4a (`--klam 4`), §6 (modes); test-properties.md #2-#3.
namespace Imguard.Learning.Hiding;

/// <summary>
/// Settings of inside-dataset InstaHide (spec.md §3, §4a, §6). The constructor validates; properties are get-only, so a
/// <c>with</c> expression cannot bypass validation.
/// </summary>
/// <remarks>
/// Feasibility (test-properties.md #3): for K &gt; 1 every row of λ has max(λ) ≥ 1/K, so the whole-row rejection of
/// spec.md §3 step 3 would loop forever when <see cref="UpperBound"/> ≤ 1/K; such settings throw here. For K = 1 the
/// reference does not reject at all (λ = [1]), so <see cref="UpperBound"/> is not checked against 1/K there.
/// Cross-dataset settings (`dom`, public images, spec.md §4b) are not supported yet.
/// </remarks>
public sealed record InstaHideOptions
{
    /// <summary>Reference default of `--klam` (spec.md §4a).</summary>
    public const int DefaultK = 4;

    /// <summary>Reference default of `--upper` (spec.md §3; README's c1).</summary>
    public const double DefaultUpperBound = 0.65;

    /// <summary>Creates validated options.</summary>
    /// <exception cref="ArgumentException">
    /// Undefined mode; K &lt; 1; UpperBound not in (0, 1]; or K &gt; 1 and UpperBound ≤ 1/K (infeasible).
    /// </exception>
    public InstaHideOptions(HidingMode mode = HidingMode.InstaHide, int k = DefaultK, double upperBound = DefaultUpperBound)
    {
        if (!Enum.IsDefined(mode))
        {
            throw LearningError.InvalidHidingOption(nameof(Mode), "must be Off, Mixup or InstaHide");
        }
        if (k < 1)
        {
            throw LearningError.InvalidHidingOption(nameof(K), $"must be at least 1, got {k}");
        }
        if (!(upperBound > 0.0 && upperBound <= 1.0))
        {
            throw LearningError.InvalidHidingOption(nameof(UpperBound), $"must lie in (0, 1], got {upperBound}");
        }
        if (k > 1 && upperBound * k <= 1.0)
        {
            throw LearningError.InvalidHidingOption(
                nameof(UpperBound),
                $"{upperBound} is infeasible for K = {k}: the largest of K coefficients summing to 1 is at least 1/K, so UpperBound must exceed 1/K");
        }
        Mode = mode;
        K = k;
        UpperBound = upperBound;
    }

    /// <summary>Reference InstaHide: K = 4, upper 0.65, mask on.</summary>
    public static InstaHideOptions Default { get; } = new();

    /// <summary>Vanilla training (identity encoding).</summary>
    public static InstaHideOptions Off { get; } = new(HidingMode.Off);

    public HidingMode Mode { get; }

    /// <summary>Images mixed into one encoding ("klam"); ignored when <see cref="Mode"/> is <see cref="HidingMode.Off"/>.</summary>
    public int K { get; }

    /// <summary>Rows of λ with max(λ) above this bound are redrawn whole (spec.md §3 step 3).</summary>
    public double UpperBound { get; }

    /// <summary>Number of slots actually mixed: 1 when <see cref="Mode"/> is <see cref="HidingMode.Off"/>, else <see cref="K"/>.</summary>
    public int SlotCount => Mode == HidingMode.Off ? 1 : K;

    /// <summary>Whether a ±1 sign mask is applied (only <see cref="HidingMode.InstaHide"/>, spec.md §6).</summary>
    public bool HasMask => Mode == HidingMode.InstaHide;
}
