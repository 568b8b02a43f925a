using System.Globalization;

namespace Imguard.Contracts.Datasets;

/// <summary>
/// What a dataset's shared values are, as its owner's client scaled the pixels before sharing (docs/multi-owner.md,
/// "One standardisation for the union"): <see cref="PixelScalings.Raw"/> x/255 per channel, nothing of the owner's
/// statistics used; <see cref="PixelScalings.Own"/> (x/255 − m)/s with the owner's own per-channel m and s, kept on the
/// owner's device (today's default: a single owner's job trains on it as shared); <see cref="PixelScalings.Disclosed"/>
/// the same with m = <see cref="Mean"/> and s = <see cref="Std"/>, which the owner chose to disclose so the dataset can
/// join a job standardised over the union (the parties map it back on shares with that public scale and shift).
/// </summary>
public sealed record PixelScaling(string Kind, IReadOnlyList<double>? Mean = null, IReadOnlyList<double>? Std = null)
{
    /// <summary>x/255: what an owner shares for a job with other owners.</summary>
    public static PixelScaling Raw { get; } = new(PixelScalings.Raw);

    /// <summary>Standardised with the owner's own statistics, which stay on the owner's device.</summary>
    public static PixelScaling Own { get; } = new(PixelScalings.Own);

    /// <summary>Standardised with statistics the owner disclosed (one mean and one deviation per channel).</summary>
    public static PixelScaling Disclose(IReadOnlyList<double> mean, IReadOnlyList<double> std) => new(PixelScalings.Disclosed, [.. mean], [.. std]);

    /// <summary>Whether a job standardised over the union can use the dataset (it is raw or its statistics are public).</summary>
    public bool JoinsUnion => Kind is PixelScalings.Raw or PixelScalings.Disclosed;

    /// <summary>Problems for a dataset of <paramref name="channels"/> channels (null: any count, 1 to 64), or null.</summary>
    public string? Check(int? channels)
    {
        switch (Kind)
        {
            case PixelScalings.Raw or PixelScalings.Own:
                return Mean is null && Std is null ? null : $"a '{Kind}' scaling carries no statistics.";
            case PixelScalings.Disclosed:
                if (Mean is null || Std is null || Mean.Count != Std.Count || Mean.Count is < 1 or > 64 || (channels is { } c && Mean.Count != c))
                {
                    return $"a disclosed scaling carries one mean and one standard deviation per channel{(channels is { } n ? $" ({n})" : "")}.";
                }
                if (Mean.Any(m => !double.IsFinite(m) || Math.Abs(m) > 1e6) || Std.Any(s => !(s > 1e-6 && s < 1e6)))
                {
                    return "a disclosed mean must be finite and a disclosed standard deviation positive (1e-6 to 1e6).";
                }
                return null;
            default:
                return $"the pixel scaling must be '{PixelScalings.Raw}', '{PixelScalings.Own}' or '{PixelScalings.Disclosed}'.";
        }
    }

    /// <summary>
    /// The scaling as an approver signs it (<c>JobConsentTerms</c>): the kind, and for a disclosed one its numbers in
    /// round-trip form (<c>disclosed mean=0.2860406 std=0.3530241</c>; channels separated by commas).
    /// </summary>
    public string ToConsentText() => Kind == PixelScalings.Disclosed
        ? $"{Kind} mean={Numbers(Mean!)} std={Numbers(Std!)}"
        : Kind;

    private static string Numbers(IReadOnlyList<double> values) => string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    /// <summary>Content equality (a record compares the lists by reference).</summary>
    public bool Equals(PixelScaling? other) => other is not null && ToConsentText() == other.ToConsentText();

    public override int GetHashCode() => ToConsentText().GetHashCode(StringComparison.Ordinal);
}

/// <summary>The kinds of <see cref="PixelScaling"/>, as they travel.</summary>
public static class PixelScalings
{
    public const string Raw = "raw";
    public const string Own = "own";
    public const string Disclosed = "disclosed";
}
