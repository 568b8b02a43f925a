namespace Imguard.Contracts.Privacy;

/// <summary>
/// One attack of the privacy report: mean PSNR (dB, data range 1; null when a recovery is exact, PSNR +∞) and SSIM of the
/// recoveries, and the per-image values in image order. <c>absoluteValue</c>: the line compares |x̃| with |x|.
/// </summary>
public sealed record PrivacyReportRowView(
    string Name, string Description, bool AbsoluteValue, double? MeanPsnr, IReadOnlyList<double?> Psnr, double MeanSsim, IReadOnlyList<double> Ssim);
