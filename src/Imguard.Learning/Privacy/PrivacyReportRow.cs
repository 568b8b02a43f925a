using Imguard.Learning.Hiding;

namespace Imguard.Learning.Privacy;

/// <summary>
/// One line of the privacy report: the gradient-inversion recoveries under one hiding mode, each scored against its
/// reference image (the original, or |original| for the <see cref="AbsoluteValue"/> line), all in pixel range [0, 1].
/// </summary>
public sealed class PrivacyReportRow
{
    internal PrivacyReportRow(string name, string description, HidingMode mode, bool absoluteValue, IReadOnlyList<double[]> recovered, IReadOnlyList<double[]> references, IReadOnlyList<double> psnr, IReadOnlyList<double> ssim)
    {
        Name = name;
        Description = description;
        Mode = mode;
        AbsoluteValue = absoluteValue;
        Recovered = recovered;
        References = references;
        Psnr = psnr;
        Ssim = ssim;
    }

    /// <summary>Short machine name: raw, mixup, instahide or instahide_abs.</summary>
    public string Name { get; }

    /// <summary>What the line measures, for people.</summary>
    public string Description { get; }

    /// <summary>The hiding mode the attacked gradients were trained with.</summary>
    public HidingMode Mode { get; }

    /// <summary>
    /// Whether this line compares |x̃| with |x| (Carlini et al. 2021's first step: the ±1 mask disappears under the
    /// absolute value) instead of x̃ with x; both are mapped to pixel range by the same undo of the standardization.
    /// </summary>
    public bool AbsoluteValue { get; }

    /// <summary>The recovered images in pixel range [0, 1], C·H·W each, one per attacked image.</summary>
    public IReadOnlyList<double[]> Recovered { get; }

    /// <summary>What each recovery is scored against: the original image, or |original| when <see cref="AbsoluteValue"/>.</summary>
    public IReadOnlyList<double[]> References { get; }

    /// <summary>PSNR in dB per image (+∞ for an exact recovery).</summary>
    public IReadOnlyList<double> Psnr { get; }

    /// <summary>SSIM per image (mean over channels).</summary>
    public IReadOnlyList<double> Ssim { get; }

    /// <summary>Mean PSNR over the images; +∞ if any recovery is exact.</summary>
    public double MeanPsnr => Psnr.Average();

    /// <summary>Mean SSIM over the images.</summary>
    public double MeanSsim => Ssim.Average();
}
