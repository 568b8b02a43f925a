using System.Collections.ObjectModel;
using Imguard.Mpc.Randomness;

namespace Imguard.Learning.Data;

/// <summary>
/// A deterministic stand-in for a grayscale image dataset when no real one is installed: square images of simple shapes
/// (rectangles, disks, rings, stripes, gradients, crosses, triangles, checkerboards) on a dim background gradient, one
/// class per kind of shape, raw values 0..255 like <see cref="FashionMnist"/>. Structured enough that PSNR and SSIM of a
/// reconstruction mean something (unlike uniform noise), and the same on every machine.
/// </summary>
/// <remarks>
/// Image i has label i mod 10; its position, size, intensity and pattern come from an AES-CTR PRG with a fixed public
/// seed and stream i, so image i does not depend on how many images are generated. Nothing here is secret.
/// </remarks>
public static class SyntheticShapes
{
    /// <summary>Default side, as Fashion-MNIST (28×28), so the mlp preset fits.</summary>
    public const int DefaultSide = 28;

    private static readonly Seed FixedSeed = new(0x5359_4e54_4845_5449UL, 0x4320_5348_4150_4553UL); // "SYNTHETIC SHAPES"

    /// <summary>The ten class names, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = new ReadOnlyCollection<string>(
    [
        "filled rectangle", "rectangle outline", "disk", "ring", "horizontal stripes",
        "vertical stripes", "gradient", "cross", "triangle", "checkerboard",
    ]);

    /// <summary>Generates <paramref name="count"/> images of 1×<paramref name="side"/>×<paramref name="side"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Count is negative or side is below 8.</exception>
    public static LabeledImages Generate(int count, int side = DefaultSide)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(side, 8);
        int size = side * side;
        var pixels = new float[(long)count * size];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % ClassNames.Count;
            using var prg = new AesCtrPrg(FixedSeed, (ulong)i);
            Draw(labels[i], side, prg, pixels.AsSpan(i * size, size));
        }
        return new LabeledImages(pixels, labels, 1, side, side, ClassNames);
    }

    private static void Draw(int kind, int side, AesCtrPrg prg, Span<float> image)
    {
        double Uniform(double low, double high) => low + (high - low) * ((prg.NextUInt64() >> 11) * (1.0 / (1UL << 53)));

        double cx = Uniform(0.35, 0.65) * side, cy = Uniform(0.35, 0.65) * side;
        double halfWidth = Uniform(0.18, 0.32) * side, halfHeight = Uniform(0.18, 0.32) * side;
        double radius = Math.Min(halfWidth, halfHeight);
        double foreground = Uniform(150, 255);
        double period = Math.Round(Uniform(3, 7));
        double angle = Uniform(0, 2 * Math.PI);
        double backgroundSlope = Uniform(-1, 1), backgroundLevel = Uniform(0, 30);

        for (int y = 0; y < side; y++)
        {
            for (int x = 0; x < side; x++)
            {
                double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
                bool inBox = Math.Abs(dx) <= halfWidth && Math.Abs(dy) <= halfHeight;
                double r = Math.Sqrt(dx * dx + dy * dy);
                double coverage = kind switch
                {
                    0 => inBox ? 1 : 0,
                    1 => inBox && (Math.Abs(dx) > halfWidth - 2 || Math.Abs(dy) > halfHeight - 2) ? 1 : 0,
                    2 => r <= radius ? 1 : 0,
                    3 => Math.Abs(r - radius) <= 1.5 ? 1 : 0,
                    4 => inBox && Math.Floor((y - cy + side) / period) % 2 == 0 ? 1 : 0,
                    5 => inBox && Math.Floor((x - cx + side) / period) % 2 == 0 ? 1 : 0,
                    6 => inBox ? 0.5 + 0.5 * ((dx * Math.Cos(angle) + dy * Math.Sin(angle)) / Math.Max(halfWidth, halfHeight)) : 0,
                    7 => inBox && (Math.Abs(dx) <= 2 || Math.Abs(dy) <= 2) ? 1 : 0,
                    8 => inBox && Math.Abs(dx) <= (dy + halfHeight) * halfWidth / (2 * halfHeight) ? 1 : 0,
                    _ => inBox && (Math.Floor((x - cx + side) / period) + Math.Floor((y - cy + side) / period)) % 2 == 0 ? 1 : 0,
                };
                double background = backgroundLevel + 10 * backgroundSlope * (x - y) / side;
                double value = background + Math.Clamp(coverage, 0, 1) * (foreground - background);
                image[y * side + x] = (float)Math.Round(Math.Clamp(value, 0, 255));
            }
        }
    }
}
