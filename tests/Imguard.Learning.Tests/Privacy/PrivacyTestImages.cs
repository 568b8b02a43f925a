namespace Imguard.Learning.Tests.Privacy;

/// <summary>Small structured grayscale test images in [0, 1] (a shaded background, a disk and a bar), made here rather than loaded.</summary>
internal static class PrivacyTestImages
{
    public static double[] Structured(int side, int variant)
    {
        var image = new double[side * side];
        double cx = side * (0.35 + 0.05 * (variant % 4)), cy = side * (0.6 - 0.05 * (variant % 3));
        double radius = side * (0.15 + 0.02 * (variant % 5));
        for (int y = 0; y < side; y++)
        {
            for (int x = 0; x < side; x++)
            {
                double value = 0.1 + 0.3 * x / side;
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius)
                {
                    value = 0.9;
                }
                if (y >= side / 5 && y < side / 5 + 3 && x > side / 4)
                {
                    value = 0.6 + 0.05 * (variant % 3);
                }
                image[y * side + x] = value;
            }
        }
        return image;
    }
}
