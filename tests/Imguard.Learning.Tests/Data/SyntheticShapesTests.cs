using Imguard.Learning.Data;

namespace Imguard.Learning.Tests.Data;

public sealed class SyntheticShapesTests
{
    [Fact]
    public void Images_are_deterministic_and_do_not_depend_on_the_count()
    {
        var few = SyntheticShapes.Generate(12);
        var more = SyntheticShapes.Generate(30);
        Assert.Equal(few.Pixels, more.Slice(0, 12).Pixels);
        Assert.Equal(few.Pixels, SyntheticShapes.Generate(12).Pixels);
        Assert.Equal((1, 28, 28, 10), (few.Channels, few.Height, few.Width, few.ClassCount));
        Assert.Equal(Enumerable.Range(0, 30).Select(i => i % 10), more.Labels);
    }

    [Fact]
    public void Images_are_structured_raw_pixels()
    {
        var images = SyntheticShapes.Generate(20, side: 16);
        Assert.All(images.Pixels, v => Assert.InRange(v, 0f, 255f));
        for (int i = 0; i < images.Count; i++)
        {
            var image = images.GetImage(i).ToArray();
            Assert.True(image.Max() - image.Min() > 100, $"image {i} has too little contrast");
            Assert.True(image.Distinct().Count() < image.Length / 2, $"image {i} looks like noise, not a shape");
        }
        Assert.NotEqual(images.GetImage(0).ToArray(), images.GetImage(10).ToArray()); // same class, different shape
    }
}
