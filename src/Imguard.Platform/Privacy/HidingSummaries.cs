using System.Globalization;
using Imguard.Contracts.Privacy;

namespace Imguard.Platform.Privacy;

/// <summary>
/// The hiding settings of a job in plain words, with the measured leakage of that mode where the platform's public
/// privacy report has been computed (gradient inversion on public Fashion-MNIST images): what an owner reads before
/// signing. Not part of the signed terms (the mode and k are); only shown.
/// </summary>
public static class HidingSummaries
{
    public static string For(string? hiding, int k, PrivacyReportView? report)
    {
        string mode = (hiding ?? "off").ToLowerInvariant();
        string words = mode switch
        {
            "mixup" => $"Mixup with k = {k}: each training image is mixed with {k - 1} others drawn from the whole union (other owners' images too); "
                + "the mixing coefficients stay secret to the dealer.",
            "instahide" => $"InstaHide with k = {k}: each training image is mixed with {k - 1} others drawn from the whole union (other owners' images too) "
                + "and its pixels' signs are flipped by a random mask; coefficients and masks stay secret to the dealer.",
            _ => "No hiding: the parties train on the secret-shared images as they are; nothing is mixed.",
        };
        string row = mode switch { "mixup" => "mixup", "instahide" => "instahide", _ => "raw" };
        PrivacyReportRowView? measured = report?.Rows.FirstOrDefault(r => r.Name == row);
        if (measured is null)
        {
            return words + " The measured leakage of each mode is in the privacy report (GET /api/privacy-report).";
        }
        string psnr = measured.MeanPsnr is { } p ? p.ToString("0.0", CultureInfo.InvariantCulture) + " dB" : "∞ (exact recovery)";
        return words + $" Measured leakage of this mode (a gradient-inversion attack on {report!.Count} public Fashion-MNIST images, k = {report.K}): "
            + $"mean PSNR {psnr}, mean SSIM {measured.MeanSsim.ToString("0.00", CultureInfo.InvariantCulture)}."
            + (mode == "instahide" ? " " + report.Warning : "");
    }
}
