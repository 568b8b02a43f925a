// What: the "DLG test" of the seed documents — how much of a training image the plaintext gradient of one example leaks
// under plain training, k-image mixup and InstaHide, measured by analytic inversion of the first linear layer.
// Source: spec.md §8b (attack), §9 (metrics and their baselines: InstaHide k=4 ≈ 7.9 dB / SSIM 0.031, mixup ≈ 12.2 dB /
// 0.327, raw batch of 1 ≈ exact), §8a (Carlini et al.: |x̃| = |Σλx| removes the mask), §2 (mixing on standardized values).
using Imguard.Learning.Data;
using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using Imguard.Mpc.Randomness;

namespace Imguard.Learning.Privacy;

/// <summary>
/// Runs the privacy report: for each hiding mode (off, mixup, InstaHide) draws one epoch's <see cref="EpochHidingPlan"/>
/// over the whole dataset from a CSPRNG-seeded AES-CTR PRG, encodes the first N images with <see cref="InstaHideEncoder"/>
/// exactly as training does (standardized values, partners from the whole set, soft labels), inverts the gradient of
/// each single encoded example (<see cref="GradientInversion"/>) and scores the recovery against the original image.
/// </summary>
/// <remarks>
/// Pixel space: a standardized value z of channel c maps to clamp(z·Std[c] + Mean[c], 0, 1), for the recovery and the
/// original alike. The extra InstaHide line applies the same map to |z| of both (so it compares |x̃| with |x|, Carlini et
/// al.'s first step); since the map is a shift, its PSNR equals that of |x̃|·Std against |x|·Std.
/// What the numbers mean: the attack returns exactly what the first layer saw. For raw images that is the image; for
/// InstaHide it is the encoding, which looks like noise against the original — but the mask is removable by |x|, and
/// Carlini et al. recover recognisable images from many encodings. Hence <see cref="InstaHideWarning"/>.
/// </remarks>
public static class PrivacyReport
{
    /// <summary>Printed with every report so that nobody over-trusts the InstaHide numbers.</summary>
    public const string InstaHideWarning =
        "InstaHide's sign mask is removable by taking |x| (Carlini et al. 2021, 'Is Private Learning Possible with Instance Encoding?'); " +
        "treat InstaHide as obfuscation, not a guarantee; the secret sharing is what protects images from the servers.";

    /// <summary>The mlp preset's layers (flatten, linear 128, ReLU, linear 128, ReLU, linear classes) for the data's shape.</summary>
    public static ModelSpec MlpFor(LabeledImages images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return new ModelSpec([images.Channels, images.Height, images.Width], images.ClassCount,
        [
            new("flatten"), new("linear", Out: 128), new("relu"), new("linear", Out: 128), new("relu"), new("linear", Out: images.ClassCount),
        ]);
    }

    /// <summary>Attacks the first <see cref="PrivacyReportOptions.Count"/> images of <paramref name="images"/>.</summary>
    /// <param name="images">Raw images (0..255, as loaded); all of them are the pool partners are drawn from.</param>
    /// <param name="options">Count, K, bound, optional model and seeds.</param>
    /// <param name="standardization">How training standardizes; null = fitted on <paramref name="images"/>.</param>
    /// <param name="cancellationToken">Cancels between examples.</param>
    /// <exception cref="ArgumentException">Fewer images than the count, images smaller than the SSIM window, a model
    /// that does not fit the data or does not start with a linear layer, or a standardization with other channels.</exception>
    public static async Task<PrivacyReportResult> RunAsync(LabeledImages images, PrivacyReportOptions options, Standardization? standardization = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Count > images.Count)
        {
            throw LearningError.InvalidArgument($"The privacy report attacks {options.Count} images but the dataset holds {images.Count}.");
        }
        if (images.Height < ImageQuality.SsimWindowSide || images.Width < ImageQuality.SsimWindowSide)
        {
            throw LearningError.InvalidArgument(
                $"The privacy report scores SSIM with a {ImageQuality.SsimWindowSide}×{ImageQuality.SsimWindowSide} window; images of {images.Height}×{images.Width} are too small.");
        }
        var spec = options.Model ?? MlpFor(images);
        spec.InferShapes();
        if (!spec.Input.AsSpan().SequenceEqual([images.Channels, images.Height, images.Width]) || spec.Classes != images.ClassCount)
        {
            throw LearningError.InvalidArgument(
                $"The model takes [{string.Join(", ", spec.Input)}] with {spec.Classes} classes; the data are [{images.Channels}, {images.Height}, {images.Width}] with {images.ClassCount}.");
        }
        standardization ??= Standardization.Fit(images);
        if (standardization.Channels != images.Channels)
        {
            throw LearningError.ShapeMismatch("privacy report standardization channels", [images.Channels], [standardization.Channels]);
        }
        return await RunCoreAsync(images, options, spec, standardization, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<PrivacyReportResult> RunCoreAsync(LabeledImages images, PrivacyReportOptions options, ModelSpec spec, Standardization standardization, CancellationToken cancellationToken)
    {
        var normalized = standardization.Apply(images); // what training mixes (spec.md §2)
        var model = BuildModel(spec, options.ModelSeed ?? Seed.Random());
        int n = options.Count;

        var originals = new double[n][];
        var absoluteOriginals = new double[n][];
        for (int i = 0; i < n; i++)
        {
            var z = ToDouble(normalized.GetImage(i));
            originals[i] = ToPixels(z, standardization, absolute: false);
            absoluteOriginals[i] = ToPixels(z, standardization, absolute: true);
        }

        // A model that takes |x| first (the InstaHide presets) hands its first linear layer |x̃|: that is all the attack can
        // recover, for every mode, so each row is scored against |original| and the separate |x| row would repeat one.
        bool takesAbsolute = spec.Layers.Count > 0 && spec.Layers[0].Type == "abs";
        var rows = new List<PrivacyReportRow>();
        foreach (var mode in (HidingMode[])[HidingMode.Off, HidingMode.Mixup, HidingMode.InstaHide])
        {
            var recovered = await AttackAsync(model, normalized, options, mode, cancellationToken).ConfigureAwait(false);
            if (takesAbsolute)
            {
                rows.Add(Score(Name(mode, false), Describe(mode, options.K, false) + ", model takes |x| first: vs |original|", mode, true, recovered,
                    absoluteOriginals, standardization, images));
                continue;
            }
            rows.Add(Score(Name(mode, false), Describe(mode, options.K, false), mode, false, recovered, originals, standardization, images));
            if (mode == HidingMode.InstaHide)
            {
                rows.Add(Score(Name(mode, true), Describe(mode, options.K, true), mode, true, recovered, absoluteOriginals, standardization, images));
            }
        }
        return new PrivacyReportResult(options.K, images.Channels, images.Height, images.Width, originals, rows);
    }

    /// <summary>One epoch's plan for <paramref name="mode"/> over the whole set, the first N rows encoded, each row's gradient inverted.</summary>
    private static async Task<double[][]> AttackAsync(Sequential<PlainTensor> model, LabeledImages normalized, PrivacyReportOptions options, HidingMode mode, CancellationToken cancellationToken)
    {
        int n = options.Count, d = normalized.ImageSize, classes = normalized.ClassCount;
        var hiding = new InstaHideOptions(mode, options.K, options.UpperBound);
        var rows = Enumerable.Range(0, n).ToArray();
        var encoded = new float[n * d];
        var softLabels = new float[n * classes];
        try
        {
            using (var prg = new AesCtrPrg(options.HidingSeed ?? Seed.Random(), stream: 1 + (ulong)mode))
            using (var plan = EpochHidingPlan.Draw(hiding, normalized.Count, d, prg))
            {
                InstaHideEncoder.EncodeBatch(plan, normalized.Pixels, normalized.Labels, classes, rows, encoded, softLabels);
            }

            var recovered = new double[n][];
            for (int i = 0; i < n; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var input = new PlainTensor(ToDouble(encoded.AsSpan(i * d, d)), 1, normalized.Channels, normalized.Height, normalized.Width);
                var label = new PlainTensor(ToDouble(softLabels.AsSpan(i * classes, classes)), 1, classes);
                recovered[i] = await GradientInversion.RecoverInputAsync(model, input, label, cancellationToken).ConfigureAwait(false);
            }
            return recovered;
        }
        finally
        {
            Array.Clear(encoded);
            Array.Clear(softLabels);
        }
    }

    private static PrivacyReportRow Score(string name, string description, HidingMode mode, bool absolute, double[][] recovered, double[][] references, Standardization standardization, LabeledImages images)
    {
        int n = recovered.Length, plane = images.Height * images.Width;
        var pixels = new double[n][];
        var psnr = new double[n];
        var ssim = new double[n];
        for (int i = 0; i < n; i++)
        {
            pixels[i] = ToPixels(recovered[i], standardization, absolute);
            psnr[i] = ImageQuality.Psnr(references[i], pixels[i]);
            double sum = 0;
            for (int c = 0; c < images.Channels; c++)
            {
                sum += ImageQuality.Ssim(references[i].AsSpan(c * plane, plane), pixels[i].AsSpan(c * plane, plane), images.Width, images.Height);
            }
            ssim[i] = sum / images.Channels;
        }
        return new PrivacyReportRow(name, description, mode, absolute, pixels, references, psnr, ssim);
    }

    /// <summary>Standardized CHW values → pixel range: clamp((|z| or z)·Std[c] + Mean[c], 0, 1).</summary>
    private static double[] ToPixels(ReadOnlySpan<double> z, Standardization standardization, bool absolute)
    {
        int plane = z.Length / standardization.Channels;
        var pixels = new double[z.Length];
        for (int c = 0; c < standardization.Channels; c++)
        {
            double mean = standardization.Mean[c], std = standardization.Std[c];
            for (int i = c * plane; i < (c + 1) * plane; i++)
            {
                double value = absolute ? Math.Abs(z[i]) : z[i];
                pixels[i] = Math.Clamp(value * std + mean, 0, 1); // undo x ↦ (x/255 − mean)/std, in units of 255
            }
        }
        return pixels;
    }

    private static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }
        return result;
    }

    private static Sequential<PlainTensor> BuildModel(ModelSpec spec, Seed seed)
    {
        using var prg = new AesCtrPrg(seed);
        return ModelBuilder.Build(spec, ModelBuilder.InitialParameters(spec, prg));
    }

    private static string Name(HidingMode mode, bool absolute) => mode switch
    {
        HidingMode.Off => "raw",
        HidingMode.Mixup => "mixup",
        _ => absolute ? "instahide_abs" : "instahide",
    };

    private static string Describe(HidingMode mode, int k, bool absolute) => mode switch
    {
        HidingMode.Off => "plain training on raw images",
        HidingMode.Mixup => $"mixup, k = {k}",
        _ => absolute ? $"InstaHide, k = {k}, |x| vs |original| (Carlini et al. 2021)" : $"InstaHide, k = {k}",
    };
}
