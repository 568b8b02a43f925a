// What: one row of InstaHide mixing coefficients, λ = |g| / Σ|g| with g ~ N(0, I_K), whole row redrawn while max λ > upper.
// Source: spec.md §3 steps 1-3 (R1 train_inside.py `mixup_data`, L109-119); §11 pseudo-code.
namespace Imguard.Learning.Hiding;

/// <summary>The reference λ sampler of spec.md §3 (not the Dirichlet variant of R5).</summary>
internal static class CoefficientSampler
{
    /// <summary>Draws before giving up; only reachable when UpperBound is barely above 1/K (acceptance below ~1e-5).</summary>
    internal const int MaxAttemptsPerRow = 1 << 20;

    /// <summary>
    /// Writes one λ row (length K) and returns the number of draws it took (1 = first draw accepted).
    /// K = 1 gives λ = [1] without consuming randomness (spec.md §3 step 3 applies only to K &gt; 1).
    /// </summary>
    public static int DrawRow(PrgSampler sampler, double upperBound, Span<double> row)
    {
        if (row.Length == 1)
        {
            row[0] = 1.0;
            return 1;
        }
        for (int attempt = 1; attempt <= MaxAttemptsPerRow; attempt++)
        {
            double sum = 0.0;
            for (int j = 0; j < row.Length; j++)
            {
                row[j] = Math.Abs(sampler.NextStandardNormal()); // step 1: g_j ~ N(0,1), keep |g_j|
                sum += row[j];
            }
            if (sum == 0.0)
            {
                continue;
            }
            double max = 0.0;
            for (int j = 0; j < row.Length; j++)
            {
                row[j] /= sum; // step 2: λ = |g| / Σ|g|
                max = Math.Max(max, row[j]);
            }
            if (max <= upperBound)
            {
                return attempt; // step 3: accept; otherwise redraw the whole row
            }
        }
        throw LearningError.CoefficientRejectionLimit(row.Length, upperBound, MaxAttemptsPerRow);
    }
}
