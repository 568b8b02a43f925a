// What: PSNR and SSIM of a reconstructed grayscale image against its original, both with values in [0, 1].
// Source: spec.md §9. PSNR = 10·log10(L² / MSE) with data range L = 1. SSIM: Wang, Bovik, Sheikh, Simoncelli, "Image
// quality assessment: from error visibility to structural similarity", IEEE TIP 13(4), 2004, §III-B/C: an 11×11
// circular-symmetric Gaussian window with σ = 1.5 (normalised to sum 1), K1 = 0.01, K2 = 0.03, L = 1, local statistics
// weighted by the window (eq. 14-16), the map over the positions where the window lies wholly inside the image (as in
// the authors' ssim_index.m, 'valid' filtering), and the mean of the map (MSSIM, eq. 17). The same choice as
// scikit-image's structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1),
// i.e. spec.md §9's "SSIM gauss11" column.
namespace Imguard.Learning.Privacy;

/// <summary>
/// Reconstruction-quality metrics for gradient-inversion reports (spec.md §9): <see cref="Psnr"/> and <see cref="Ssim"/>
/// on grayscale images with values in [0, 1] (data range 1).
/// </summary>
public static class ImageQuality
{
    /// <summary>The data range L: images lie in [0, 1].</summary>
    public const double DataRange = 1.0;

    /// <summary>Side of the SSIM window (Wang et al. 2004 use 11×11).</summary>
    public const int SsimWindowSide = 11;

    /// <summary>Standard deviation of the Gaussian SSIM window, in pixels.</summary>
    public const double SsimWindowSigma = 1.5;

    /// <summary>SSIM's luminance stabiliser constant: C1 = (K1·L)².</summary>
    public const double SsimK1 = 0.01;

    /// <summary>SSIM's contrast stabiliser constant: C2 = (K2·L)².</summary>
    public const double SsimK2 = 0.03;

    private static readonly double[] Window = GaussianWindow(SsimWindowSide, SsimWindowSigma);

    /// <summary>
    /// Peak signal-to-noise ratio in dB, 10·log10(1 / MSE). Identical images give <see cref="double.PositiveInfinity"/>
    /// (an exact recovery; report it as such, not as a large number).
    /// </summary>
    /// <param name="reference">The original image, values in [0, 1].</param>
    /// <param name="test">The reconstruction, same length, values in [0, 1].</param>
    /// <exception cref="ArgumentException">Lengths differ, an image is empty, or a value lies outside [0, 1] (or is NaN).</exception>
    public static double Psnr(ReadOnlySpan<double> reference, ReadOnlySpan<double> test)
    {
        CheckPair(reference, test);
        return PsnrCore(reference, test);
    }

    /// <summary>
    /// Mean structural similarity (MSSIM) of two <paramref name="width"/>×<paramref name="height"/> row-major images:
    /// 1 for identical images, near 0 for unrelated ones, negative for anti-correlated ones (e.g. 1 − x).
    /// </summary>
    /// <param name="reference">The original image, values in [0, 1].</param>
    /// <param name="test">The reconstruction, same length, values in [0, 1].</param>
    /// <param name="width">Columns; at least <see cref="SsimWindowSide"/>.</param>
    /// <param name="height">Rows; at least <see cref="SsimWindowSide"/>.</param>
    /// <exception cref="ArgumentException">
    /// Lengths differ or are not width·height, the image is smaller than the window, or a value lies outside [0, 1].
    /// </exception>
    public static double Ssim(ReadOnlySpan<double> reference, ReadOnlySpan<double> test, int width, int height)
    {
        if (width < SsimWindowSide || height < SsimWindowSide)
        {
            throw LearningError.InvalidArgument(
                $"SSIM needs images of at least {SsimWindowSide}×{SsimWindowSide} pixels (its Gaussian window); got {width}×{height}.");
        }
        if (reference.Length != (long)width * height)
        {
            throw LearningError.ShapeMismatch("SSIM image", [height, width], [reference.Length]);
        }
        CheckPair(reference, test);
        return SsimCore(reference, test, width, height);
    }

    internal static double PsnrCore(ReadOnlySpan<double> reference, ReadOnlySpan<double> test)
    {
        double sum = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double d = reference[i] - test[i];
            sum += d * d;
        }
        double mse = sum / reference.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(DataRange * DataRange / mse); // PSNR = 10·log10(L²/MSE)
    }

    internal static double SsimCore(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int width, int height)
    {
        const double c1 = SsimK1 * DataRange * (SsimK1 * DataRange); // C1 = (K1·L)²
        const double c2 = SsimK2 * DataRange * (SsimK2 * DataRange); // C2 = (K2·L)²
        int side = SsimWindowSide;
        int rows = height - side + 1, columns = width - side + 1; // 'valid' positions only
        double total = 0;
        for (int top = 0; top < rows; top++)
        {
            for (int left = 0; left < columns; left++)
            {
                double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
                for (int v = 0; v < side; v++)
                {
                    int rowStart = (top + v) * width + left;
                    for (int u = 0; u < side; u++)
                    {
                        double w = Window[v * side + u];
                        double a = x[rowStart + u], b = y[rowStart + u];
                        mx += w * a;
                        my += w * b;
                        xx += w * a * a;
                        xy += w * a * b;
                        yy += w * b * b;
                    }
                }
                double vx = xx - mx * mx, vy = yy - my * my, cov = xy - mx * my; // weighted σx², σy², σxy (eq. 14-16)
                total += (2 * mx * my + c1) * (2 * cov + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2)); // eq. 13
            }
        }
        return total / (rows * columns); // MSSIM, eq. 17
    }

    private static void CheckPair(ReadOnlySpan<double> reference, ReadOnlySpan<double> test)
    {
        if (reference.IsEmpty)
        {
            throw LearningError.InvalidArgument("Image quality needs non-empty images.");
        }
        if (test.Length != reference.Length)
        {
            throw LearningError.LengthMismatch("image quality (test vs reference)", reference.Length, test.Length);
        }
        CheckRange(reference, nameof(reference));
        CheckRange(test, nameof(test));
    }

    private static void CheckRange(ReadOnlySpan<double> image, string name)
    {
        foreach (double v in image)
        {
            if (!(v >= 0 && v <= DataRange))
            {
                // The value itself is image data and is not reported.
                throw LearningError.InvalidArgument($"Image quality expects {name} values in [0, {DataRange}]; map images to pixel range and clamp first.");
            }
        }
    }

    private static double[] GaussianWindow(int side, double sigma)
    {
        var w = new double[side * side];
        int c = side / 2;
        double sum = 0;
        for (int v = 0; v < side; v++)
        {
            for (int u = 0; u < side; u++)
            {
                double r2 = (u - c) * (u - c) + (v - c) * (v - c);
                w[v * side + u] = Math.Exp(-r2 / (2 * sigma * sigma));
                sum += w[v * side + u];
            }
        }
        for (int i = 0; i < w.Length; i++)
        {
            w[i] /= sum; // Σw = 1
        }
        return w;
    }
}
