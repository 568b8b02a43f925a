using Imguard.Learning.Data;

namespace Imguard.Learning.Tests.Data;

public sealed class LabeledImagesTests
{
    private static readonly string[] Names = ["zero", "one", "two"];

    // Four images of 2×1×2; image n holds values 10n .. 10n+3.
    private static LabeledImages Four() => new(
        Enumerable.Range(0, 4).SelectMany(n => Enumerable.Range(0, 4).Select(i => (float)(10 * n + i))).ToArray(),
        [2, 0, 1, 2], 2, 1, 2, Names);

    [Fact]
    public void Exposes_shape_and_names()
    {
        var data = Four();
        Assert.Equal((4, 2, 1, 2, 4, 3), (data.Count, data.Channels, data.Height, data.Width, data.ImageSize, data.ClassCount));
        Assert.Equal(Names, data.ClassNames);
        Assert.Equal([20f, 21f, 22f, 23f], data.GetImage(2).ToArray());
    }

    [Fact]
    public void Class_names_are_copied()
    {
        var data = Four();
        data.ClassNames[0] = "changed";
        Assert.Equal("zero", data.ClassNames[0]);
    }

    [Fact]
    public void Slice_copies_a_range()
    {
        var slice = Four().Slice(1, 2);
        Assert.Equal([0, 1], slice.Labels);
        Assert.Equal([10f, 11f, 12f, 13f, 20f, 21f, 22f, 23f], slice.Pixels);
        Assert.Equal(0, Four().Slice(4, 0).Count);
    }

    [Fact]
    public void Subset_copies_in_index_order()
    {
        var subset = Four().Subset([3, 0, 3]);
        Assert.Equal([2, 2, 2], subset.Labels);
        Assert.Equal([30f, 31f, 32f, 33f, 0f, 1f, 2f, 3f, 30f, 31f, 32f, 33f], subset.Pixels);
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(0, 5)]
    [InlineData(3, 2)]
    [InlineData(0, -1)]
    public void Slice_out_of_range_is_rejected(int start, int count) =>
        Assert.Throws<ArgumentException>(() => Four().Slice(start, count));

    [Fact]
    public void Subset_out_of_range_is_rejected() =>
        Assert.Throws<ArgumentException>(() => Four().Subset([0, 4]));

    [Fact]
    public void Pixel_count_must_match_the_shape() =>
        Assert.Throws<ArgumentException>(() => new LabeledImages(new float[7], [0, 1], 1, 2, 2, Names));

    [Fact]
    public void Labels_must_be_below_the_class_count()
    {
        var e = Assert.Throws<ArgumentException>(() => new LabeledImages(new float[8], [0, 3], 1, 2, 2, Names));
        Assert.Contains("image 1", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new LabeledImages(new float[8], [-1, 0], 1, 2, 2, Names));
    }

    [Fact]
    public void Dimensions_and_class_names_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new LabeledImages([], [], 0, 2, 2, Names));
        Assert.Throws<ArgumentException>(() => new LabeledImages([], [], 1, 2, 2, []));
        Assert.Throws<ArgumentException>(() => new LabeledImages([], [], 1, 2, 2, ["a", "a"]));
        Assert.Throws<ArgumentException>(() => new LabeledImages([], [], 1, 2, 2, ["a", " "]));
    }
}
