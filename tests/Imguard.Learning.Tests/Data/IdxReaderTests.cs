using Imguard.Learning.Data;

namespace Imguard.Learning.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private static readonly string[] ThreeClasses = ["a", "b", "c"];
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string name, byte[] bytes)
    {
        string path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Plain_images_and_labels_read_back()
    {
        byte[] images = IdxFiles.Images(3, 2, 4);
        string path = Write("images-idx3-ubyte", images);
        var (count, rows, columns, pixels) = IdxReader.LoadImages(path);
        Assert.Equal((3, 2, 4), (count, rows, columns));
        Assert.Equal(images.AsSpan(16).ToArray(), pixels);
        Assert.Equal([2, 0, 1], IdxReader.LoadLabels(Write("labels", IdxFiles.Labels(2, 0, 1))));
    }

    [Theory]
    [InlineData("images.gz")]
    [InlineData("images-without-gz-extension")]
    public void Gzipped_files_are_detected_by_magic_not_extension(string name)
    {
        byte[] images = IdxFiles.Images(5, 3, 3);
        var (count, _, _, pixels) = IdxReader.LoadImages(Write(name, IdxFiles.Gzip(images)));
        Assert.Equal(5, count);
        Assert.Equal(images.AsSpan(16).ToArray(), pixels);
    }

    [Fact]
    public void A_plain_file_named_gz_is_read_as_plain() =>
        Assert.Equal([1, 2], IdxReader.LoadLabels(Write("labels.gz", IdxFiles.Labels(1, 2))));

    [Fact]
    public void Dataset_has_raw_pixel_values_one_channel_and_labels()
    {
        string images = Write("i", IdxFiles.Gzip(IdxFiles.Images(2, 2, 3, i => (byte)(250 + i % 6))));
        string labels = Write("l", IdxFiles.Labels(2, 1));
        var data = IdxReader.LoadDataset(images, labels, ThreeClasses);
        Assert.Equal((2, 1, 2, 3, 3), (data.Count, data.Channels, data.Height, data.Width, data.ClassCount));
        Assert.Equal([2, 1], data.Labels);
        Assert.Equal(250f, data.Pixels[0]);
        Assert.Equal(255f, data.Pixels[5]);
        Assert.Equal(ThreeClasses, data.ClassNames);
    }

    [Fact]
    public void Zero_images_is_a_valid_empty_file()
    {
        var (count, _, _, pixels) = IdxReader.LoadImages(Write("empty", IdxFiles.Images(0, 28, 28)));
        Assert.Equal(0, count);
        Assert.Empty(pixels);
    }

    [Fact]
    public void Bad_magic_is_rejected_naming_the_file()
    {
        string path = Write("bad", IdxFiles.Build(0x12345678, [1, 1, 1], [0]));
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.LoadImages(path));
        Assert.Contains("bad magic 0x12345678", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_element_type_is_bad_magic() =>
        Assert.Contains("bad magic", Assert.Throws<InvalidDataException>(
            () => IdxReader.LoadImages(Write("f32", IdxFiles.Build(0x00000D03, [1, 1, 1], [0, 0, 0, 0])))).Message, StringComparison.Ordinal);

    [Fact]
    public void Wrong_dimension_count_is_reported()
    {
        // A label file (1 dimension) passed as images, and an image file passed as labels.
        string labels = Write("labels", IdxFiles.Labels(1, 2, 3));
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.LoadImages(labels));
        Assert.Contains("has 1 dimensions", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected 3", e.Message, StringComparison.Ordinal);

        string images = Write("images", IdxFiles.Images(1, 2, 2));
        Assert.Contains("has 3 dimensions", Assert.Throws<InvalidDataException>(() => IdxReader.LoadLabels(images)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(16)]
    [InlineData(20)]
    public void Truncated_image_files_are_rejected(int keep)
    {
        byte[] full = IdxFiles.Images(2, 3, 3);
        string path = Write("cut", full.AsSpan(0, keep).ToArray());
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => IdxReader.LoadImages(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_gzip_is_rejected()
    {
        byte[] gz = IdxFiles.Gzip(IdxFiles.Images(20, 10, 10));
        string path = Write("cut.gz", gz.AsSpan(0, gz.Length / 2).ToArray());
        Assert.Throws<InvalidDataException>(() => IdxReader.LoadImages(path));
    }

    [Fact]
    public void A_header_claiming_gigabytes_in_a_tiny_file_fails_as_truncated()
    {
        string path = Write("liar", IdxFiles.Build(0x00000803, [40_000, 200, 200], [1, 2, 3]));
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => IdxReader.LoadImages(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trailing_bytes_are_rejected()
    {
        string path = Write("long", [.. IdxFiles.Labels(1, 2), 9]);
        Assert.Contains("data after", Assert.Throws<InvalidDataException>(() => IdxReader.LoadLabels(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Count_mismatch_between_images_and_labels_is_rejected()
    {
        string images = Write("i", IdxFiles.Images(3, 2, 2));
        string labels = Write("l", IdxFiles.Labels(0, 1));
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.LoadDataset(images, labels, ThreeClasses));
        Assert.Contains("3 images", e.Message, StringComparison.Ordinal);
        Assert.Contains("2 labels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Label_not_below_class_count_is_rejected()
    {
        string images = Write("i", IdxFiles.Images(2, 2, 2));
        string labels = Write("l", IdxFiles.Labels(0, 3));
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.LoadDataset(images, labels, ThreeClasses));
        Assert.Contains("label 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("class count 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_file_not_found() =>
        Assert.Throws<FileNotFoundException>(() => IdxReader.LoadLabels(_dir.File("nothing")));
}
