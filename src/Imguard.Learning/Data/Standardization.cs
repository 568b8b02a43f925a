namespace Imguard.Learning.Data;

/// <summary>
/// Per-channel standardization of raw 0..255 pixels: x ↦ (x/255 − Mean[c]) / Std[c], with Mean and Std the per-channel
/// mean and population standard deviation of x/255 over a training set (<see cref="Fit"/>).
/// </summary>
/// <remarks>The arrays are not copied; treat them as read-only. Equality of two instances compares array references.</remarks>
public sealed record Standardization
{
    /// <summary>Creates a standardization from per-channel means and standard deviations (of values scaled to 0..1).</summary>
    /// <exception cref="ArgumentException">The arrays are empty or differ in length, a mean is not finite, or a deviation is not finite and positive.</exception>
    public Standardization(double[] mean, double[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length == 0 || mean.Length != std.Length)
        {
            throw LearningError.ShapeMismatch("standardization mean and std (per channel)", [mean.Length], [std.Length]);
        }

        for (int c = 0; c < mean.Length; c++)
        {
            if (!double.IsFinite(mean[c]) || !double.IsFinite(std[c]) || std[c] <= 0)
            {
                throw LearningError.InvalidArgument(
                    $"Standardization channel {c} needs a finite mean and a finite positive standard deviation (a constant channel cannot be standardized).");
            }
        }

        Mean = mean;
        Std = std;
    }

    /// <summary>Per-channel mean of x/255.</summary>
    public double[] Mean { get; }

    /// <summary>Per-channel population standard deviation of x/255.</summary>
    public double[] Std { get; }

    /// <summary>Number of channels.</summary>
    public int Channels => Mean.Length;

    /// <summary>Computes per-channel mean and population standard deviation of x/255 over all of <paramref name="train"/> (two passes, in double).</summary>
    /// <exception cref="ArgumentException">The dataset is empty or a channel is constant.</exception>
    public static Standardization Fit(LabeledImages train)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count == 0)
        {
            throw LearningError.InvalidArgument("Cannot fit a standardization on an empty dataset.");
        }

        int channels = train.Channels;
        int plane = train.Height * train.Width;
        long perChannel = (long)train.Count * plane;
        var mean = new double[channels];
        var std = new double[channels];
        float[] pixels = train.Pixels;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int n = 0; n < train.Count; n++)
            {
                var values = pixels.AsSpan((n * channels + c) * plane, plane);
                foreach (float v in values)
                {
                    sum += v;
                }
            }

            double m = sum / 255.0 / perChannel;
            double squares = 0;
            for (int n = 0; n < train.Count; n++)
            {
                var values = pixels.AsSpan((n * channels + c) * plane, plane);
                foreach (float v in values)
                {
                    double d = (v / 255.0) - m;
                    squares += d * d;
                }
            }

            mean[c] = m;
            std[c] = Math.Sqrt(squares / perChannel);
        }

        return new Standardization(mean, std);
    }

    /// <summary>A new dataset with every value x of channel c replaced by (x/255 − Mean[c]) / Std[c]; labels are shared.</summary>
    public LabeledImages Apply(LabeledImages images)
    {
        ArgumentNullException.ThrowIfNull(images);
        RequireChannels(images.Channels);
        var pixels = (float[])images.Pixels.Clone();
        for (int n = 0; n < images.Count; n++)
        {
            ApplyCore(pixels.AsSpan(n * images.ImageSize, images.ImageSize));
        }

        return new LabeledImages(pixels, images.Labels, images.Channels, images.Height, images.Width, images.ClassNames);
    }

    /// <summary>Standardizes one CHW image in place; its length must be a multiple of <see cref="Channels"/>.</summary>
    public void Apply(Span<float> oneImage)
    {
        if (oneImage.Length == 0 || oneImage.Length % Channels != 0)
        {
            throw LearningError.InvalidArgument(
                $"An image of {oneImage.Length} values cannot be split into {Channels} equal channel planes.");
        }

        ApplyCore(oneImage);
    }

    private void RequireChannels(int channels)
    {
        if (channels != Channels)
        {
            throw LearningError.ShapeMismatch("standardization channels", [Channels], [channels]);
        }
    }

    private void ApplyCore(Span<float> image)
    {
        int plane = image.Length / Channels;
        for (int c = 0; c < Channels; c++)
        {
            double m = Mean[c];
            double s = Std[c];
            var values = image.Slice(c * plane, plane);
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)(((values[i] / 255.0) - m) / s);
            }
        }
    }
}
