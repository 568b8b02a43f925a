using System.Globalization;
using System.Text;
using StbImageWriteSharp;

namespace Imguard.Learning.Privacy;

/// <summary>
/// The outcome of <see cref="PrivacyReport.RunAsync"/>: the originals, one <see cref="PrivacyReportRow"/> per attack
/// (raw, mixup, InstaHide, InstaHide under |x|), a text table and a PNG grid.
/// </summary>
public sealed class PrivacyReportResult
{
    /// <summary>Column order of <see cref="ToPng"/>, for people reading the picture (it carries no text).</summary>
    public const string PngLayout =
        "one row per attacked image; columns: original | raw recovery | mixup recovery | InstaHide recovery | |InstaHide recovery| | |original| (the reference of the |x| column)";

    /// <summary>The columns of this report's <see cref="ToPng"/> in words (<see cref="PngLayout"/> for the default model).</summary>
    public string Layout =>
        "one row per attacked image; columns: original | "
        + string.Join(" | ", Rows.Select(r => r.AbsoluteValue && r.Name != "instahide_abs" ? $"|{r.Name} recovery|" : r.Name == "instahide_abs" ? "|InstaHide recovery|" : $"{r.Name} recovery"))
        + (Rows.Any(r => r.AbsoluteValue) ? " | |original| (the reference of the |x| columns)" : "");

    internal PrivacyReportResult(int k, int channels, int height, int width, IReadOnlyList<double[]> originals, IReadOnlyList<PrivacyReportRow> rows)
    {
        K = k;
        Channels = channels;
        Height = height;
        Width = width;
        Originals = originals;
        Rows = rows;
    }

    /// <summary>Number of attacked images.</summary>
    public int Count => Originals.Count;

    /// <summary>Images mixed per encoding in the mixup and InstaHide rows.</summary>
    public int K { get; }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    /// <summary>The attacked images in pixel range [0, 1] (C·H·W each, the standardized image mapped back).</summary>
    public IReadOnlyList<double[]> Originals { get; }

    /// <summary>raw, mixup, instahide, instahide_abs, in that order.</summary>
    public IReadOnlyList<PrivacyReportRow> Rows { get; }

    /// <summary>The row named <paramref name="name"/> (raw, mixup, instahide or instahide_abs).</summary>
    public PrivacyReportRow Row(string name) =>
        Rows.FirstOrDefault(r => r.Name == name) ?? throw LearningError.InvalidArgument($"The privacy report has no row '{name}'.");

    /// <summary>PSNR as printed: one decimal, or ∞ for an exact recovery.</summary>
    public static string FormatPsnr(double psnr) =>
        double.IsPositiveInfinity(psnr) ? "∞" : psnr.ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>A fixed-width table: one line per row with mean PSNR, mean SSIM and the per-image PSNR range.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Analytic inversion of the first linear layer, x = ∂L/∂W[:,r] / ∂L/∂b_r, on the gradient of one example; {Count} images.");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"PSNR (data range 1) and SSIM (Wang et al. 2004, {ImageQuality.SsimWindowSide}×{ImageQuality.SsimWindowSide} Gaussian window, σ = {ImageQuality.SsimWindowSigma.ToString(CultureInfo.InvariantCulture)}) of the recovery against the original image in [0, 1]; means over the images.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"gradients of",-58} {"PSNR dB",8} {"SSIM",7}   {"PSNR min … max",-18}");
        foreach (var row in Rows)
        {
            string range = $"{FormatPsnr(row.Psnr.Min())} … {FormatPsnr(row.Psnr.Max())}";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{row.Description,-58} {FormatPsnr(row.MeanPsnr),8} {row.MeanSsim.ToString("F3", CultureInfo.InvariantCulture),7}   {range,-18}");
        }
        return text.ToString();
    }

    /// <summary>
    /// The images side by side as a PNG (<see cref="PngLayout"/>): each image scaled up <paramref name="scale"/> times
    /// (nearest neighbour), cells separated by a gray gutter. Grayscale for 1 channel, RGB for 3.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Scale outside 1..16.</exception>
    /// <exception cref="ArgumentException">The images have neither 1 nor 3 channels.</exception>
    public byte[] ToPng(int scale = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, 16);
        if (Channels is not (1 or 3))
        {
            throw LearningError.InvalidArgument($"The report picture supports 1 or 3 channels; these images have {Channels}.");
        }

        var columns = new List<IReadOnlyList<double[]>> { Originals };
        foreach (var row in Rows)
        {
            columns.Add(row.Recovered);
        }
        // The |original| column once per reference set (a model that takes |x| first scores every row against the same one).
        foreach (var references in Rows.Where(r => r.AbsoluteValue).Select(r => r.References).Distinct())
        {
            columns.Add(references);
        }

        const byte Gutter = 128;
        int gutter = Math.Max(2, scale);
        int cellWidth = Width * scale, cellHeight = Height * scale;
        int width = columns.Count * (cellWidth + gutter) + gutter;
        int height = Count * (cellHeight + gutter) + gutter;
        var pixels = new byte[width * height * Channels];
        Array.Fill(pixels, Gutter);
        int plane = Height * Width;
        for (int column = 0; column < columns.Count; column++)
        {
            for (int image = 0; image < Count; image++)
            {
                double[] values = columns[column][image];
                int left = gutter + column * (cellWidth + gutter), top = gutter + image * (cellHeight + gutter);
                for (int y = 0; y < cellHeight; y++)
                {
                    for (int x = 0; x < cellWidth; x++)
                    {
                        int source = (y / scale) * Width + x / scale;
                        int target = ((top + y) * width + left + x) * Channels;
                        for (int c = 0; c < Channels; c++)
                        {
                            pixels[target + c] = (byte)Math.Round(Math.Clamp(values[c * plane + source], 0, 1) * 255); // CHW → interleaved
                        }
                    }
                }
            }
        }

        using var stream = new MemoryStream();
        new ImageWriter().WritePng(pixels, width, height, Channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue, stream);
        return stream.ToArray();
    }
}
