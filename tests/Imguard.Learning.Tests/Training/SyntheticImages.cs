using Imguard.Learning.Data;

namespace Imguard.Learning.Tests.Training;

/// <summary>
/// A small, learnable image set: class c is a bright 3×3 block in quadrant c of a 6×6 image, on a noisy background,
/// standardised with its own statistics (as the pipeline does with Fashion-MNIST).
/// </summary>
internal static class SyntheticImages
{
    public const int Classes = 4;
    public const int Side = 6;

    public static LabeledImages Make(int count, int seed)
    {
        var rng = new Random(seed);
        var pixels = new float[count * Side * Side];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int c = i % Classes;
            labels[i] = c;
            int top = c / 2 * 3, left = c % 2 * 3;
            for (int y = 0; y < Side; y++)
            {
                for (int x = 0; x < Side; x++)
                {
                    bool inBlock = y >= top && y < top + 3 && x >= left && x < left + 3;
                    double v = (inBlock ? 200 : 30) + rng.NextDouble() * 40;
                    pixels[i * Side * Side + y * Side + x] = (float)(v / 255);
                }
            }
        }
        var images = new LabeledImages(pixels, labels, 1, Side, Side, ["a", "b", "c", "d"]);
        return Standardization.Fit(images).Apply(images);
    }
}
