namespace Imguard.Learning.Data;

/// <summary>
/// Deterministic separable resizing of decoded 8-bit images into planar float output: area averaging (box filter over the
/// exact source footprint) along an axis that shrinks, bilinear interpolation with half-pixel centres along an axis that
/// grows, identity along an axis that keeps its size. Arithmetic is in double; weights of each output pixel sum to 1.
/// </summary>
internal static class Resampler
{
    // BT.601 luma weights (ITU-R BT.601, as in JPEG/JFIF Y).
    internal const double LumaR = 0.299;
    internal const double LumaG = 0.587;
    internal const double LumaB = 0.114;

    /// <summary>For each destination index, the first source index and the weights of the consecutive sources from there.</summary>
    internal static (int Start, double[] Weights)[] AxisWeights(int source, int destination)
    {
        var taps = new (int, double[])[destination];
        for (int i = 0; i < destination; i++)
        {
            taps[i] = source == destination ? (i, [1.0])
                : destination < source ? AreaTaps(source, destination, i)
                : BilinearTaps(source, destination, i);
        }

        return taps;
    }

    /// <summary>
    /// Converts <paramref name="data"/> (<paramref name="sourceHeight"/>×<paramref name="sourceWidth"/> pixels of
    /// <paramref name="components"/> interleaved bytes: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA) to <paramref name="channels"/>
    /// planes (1 = BT.601 luma, 3 = RGB; alpha dropped) of <paramref name="height"/>×<paramref name="width"/>, values 0..255.
    /// </summary>
    internal static void Resize(
        ReadOnlySpan<byte> data, int components, int sourceHeight, int sourceWidth,
        int channels, int height, int width, Span<float> destination)
    {
        var rows = AxisWeights(sourceHeight, height);
        var columns = AxisWeights(sourceWidth, width);
        var line = new double[sourceWidth];
        var accumulated = new double[sourceWidth];
        for (int c = 0; c < channels; c++)
        {
            var plane = destination.Slice(c * height * width, height * width);
            for (int yd = 0; yd < height; yd++)
            {
                Array.Clear(accumulated);
                var (y0, wy) = rows[yd];
                for (int t = 0; t < wy.Length; t++)
                {
                    ConvertRow(data, components, sourceWidth, y0 + t, channels, c, line);
                    double weight = wy[t];
                    for (int x = 0; x < sourceWidth; x++)
                    {
                        accumulated[x] += weight * line[x];
                    }
                }

                for (int xd = 0; xd < width; xd++)
                {
                    var (x0, wx) = columns[xd];
                    double sum = 0;
                    for (int t = 0; t < wx.Length; t++)
                    {
                        sum += wx[t] * accumulated[x0 + t];
                    }

                    plane[yd * width + xd] = (float)sum;
                }
            }
        }
    }

    private static void ConvertRow(ReadOnlySpan<byte> data, int components, int sourceWidth, int y, int channels, int channel, Span<double> line)
    {
        var row = data.Slice(y * sourceWidth * components, sourceWidth * components);
        if (components <= 2)
        {
            // Gray (with or without alpha): the value is the luma, and each RGB channel equals it.
            for (int x = 0; x < sourceWidth; x++)
            {
                line[x] = row[x * components];
            }
        }
        else if (channels == 3)
        {
            for (int x = 0; x < sourceWidth; x++)
            {
                line[x] = row[x * components + channel];
            }
        }
        else
        {
            for (int x = 0; x < sourceWidth; x++)
            {
                int p = x * components;
                line[x] = LumaR * row[p] + LumaG * row[p + 1] + LumaB * row[p + 2];
            }
        }
    }

    // Destination pixel i covers the source interval [i·s/d, (i+1)·s/d); each source pixel weighs its overlap with it.
    private static (int, double[]) AreaTaps(int source, int destination, int i)
    {
        double lo = (double)i * source / destination;
        double hi = (double)(i + 1) * source / destination;
        int first = (int)Math.Floor(lo);
        int last = Math.Min(source - 1, (int)Math.Ceiling(hi) - 1);
        var weights = new double[last - first + 1];
        double total = 0;
        for (int x = first; x <= last; x++)
        {
            double overlap = Math.Min(hi, x + 1) - Math.Max(lo, x);
            weights[x - first] = Math.Max(0, overlap);
            total += weights[x - first];
        }

        for (int k = 0; k < weights.Length; k++)
        {
            weights[k] /= total;
        }

        return (first, weights);
    }

    // Source coordinate of destination centre i: (i + 0.5)·s/d − 0.5, clamped to the image (edges replicate).
    private static (int, double[]) BilinearTaps(int source, int destination, int i)
    {
        double x = ((i + 0.5) * source / destination) - 0.5;
        x = Math.Clamp(x, 0, source - 1);
        int x0 = (int)Math.Floor(x);
        double f = x - x0;
        if (x0 >= source - 1 || f == 0)
        {
            return (x0, [1.0]);
        }

        return (x0, [1 - f, f]);
    }
}
