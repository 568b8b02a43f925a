using Imguard.Learning.Data;

namespace Imguard.Learning.Tests.Data;

public sealed class ImageFolderReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ImageLoadOptions Options(int channels, int height, int width) =>
        new() { Channels = channels, Height = height, Width = width };

    private static byte Pattern(int x, int y, int c) => (byte)((x * 37 + y * 11 + c * 80) % 256);

    private string Write(string relative, byte[] bytes)
    {
        string path = _dir.File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // Three classes × four images of various sizes and kinds, plus files and folders that must be ignored.
    private void WriteThreeClasses()
    {
        Write("dog/a.png", TestImages.Png(5, 7, 3, Pattern));
        Write("dog/b.jpg", TestImages.Jpeg(40, 30, 3, Pattern));
        Write("dog/c.PNG", TestImages.Png(12, 9, 1, Pattern));
        Write("dog/d.jpeg", TestImages.Jpeg(16, 16, 1, Pattern));
        Write("cat/1.png", TestImages.Png(8, 8, 4, Pattern));
        Write("cat/2.bmp", TestImages.Bmp(10, 6, 3, Pattern));
        Write("cat/3.JPG", TestImages.Jpeg(7, 5, 3, Pattern));
        Write("cat/4.png", TestImages.Png(20, 11, 2, Pattern));
        Write("bird/x.png", TestImages.Png(6, 6, 3, Pattern));
        Write("bird/y.png", TestImages.Png(33, 17, 3, Pattern));
        Write("bird/z.bmp", TestImages.Bmp(9, 13, 1, Pattern));
        Write("bird/w.jpg", TestImages.Jpeg(25, 25, 3, Pattern));
        Write("bird/notes.txt", "not an image"u8.ToArray());
        Write("bird/.hidden.png", "not an image either"u8.ToArray());
        Write(".git/junk.png", "ignored folder"u8.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Loads_classes_in_ordinal_order_with_labels_and_counts(int channels)
    {
        WriteThreeClasses();
        var result = ImageFolderReader.Load(_dir.Path, Options(channels, 8, 8));
        var images = result.Images;
        Assert.Empty(result.Errors);
        Assert.Equal(["bird", "cat", "dog"], images.ClassNames);
        Assert.Equal((12, channels, 8, 8), (images.Count, images.Channels, images.Height, images.Width));
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2], images.Labels);
        Assert.Equal(12 * channels * 64, images.Pixels.Length);
        Assert.All(images.Pixels, v => Assert.InRange(v, 0f, 255f));
    }

    [Fact]
    public void Loading_is_deterministic()
    {
        WriteThreeClasses();
        var first = ImageFolderReader.Load(_dir.Path, Options(3, 8, 8)).Images.Pixels;
        var second = ImageFolderReader.Load(_dir.Path, Options(3, 8, 8)).Images.Pixels;
        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData(37, 23, 8, 8)]
    [InlineData(5, 7, 16, 16)]
    [InlineData(5, 40, 16, 4)]
    public void Resizing_a_constant_image_keeps_it_constant(int width, int height, int outHeight, int outWidth)
    {
        byte[] png = TestImages.Png(width, height, 3, (_, _, c) => (byte)(10 + 20 * c));
        float[] pixels = ImageFolderReader.DecodeImage(png, Options(3, outHeight, outWidth));
        int plane = outHeight * outWidth;
        Assert.All(pixels.AsSpan(0, plane).ToArray(), v => Assert.Equal(10f, v));
        Assert.All(pixels.AsSpan(plane, plane).ToArray(), v => Assert.Equal(30f, v));
        Assert.All(pixels.AsSpan(2 * plane, plane).ToArray(), v => Assert.Equal(50f, v));
    }

    [Fact]
    public void Two_by_two_to_one_by_one_is_the_mean()
    {
        byte[] values = [0, 10, 20, 50];
        byte[] png = TestImages.Png(2, 2, 1, (x, y, _) => values[y * 2 + x]);
        Assert.Equal([20f], ImageFolderReader.DecodeImage(png, Options(1, 1, 1)));
    }

    [Fact]
    public void Same_size_keeps_pixels_exactly_and_in_chw_order()
    {
        byte[] png = TestImages.Png(3, 2, 3, Pattern);
        float[] pixels = ImageFolderReader.DecodeImage(png, Options(3, 2, 3));
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < 2; y++)
            {
                for (int x = 0; x < 3; x++)
                {
                    Assert.Equal(Pattern(x, y, c), pixels[(c * 2 + y) * 3 + x]);
                }
            }
        }
    }

    [Fact]
    public void Gray_conversion_uses_bt601_luma_and_gray_to_rgb_replicates()
    {
        byte[] rgb = TestImages.Png(1, 1, 3, (_, _, c) => (byte)(100 + 50 * c));
        float luma = ImageFolderReader.DecodeImage(rgb, Options(1, 1, 1))[0];
        Assert.Equal((float)((0.299 * 100) + (0.587 * 150) + (0.114 * 200)), luma);

        byte[] gray = TestImages.Png(1, 1, 1, (_, _, _) => 77);
        Assert.Equal([77f, 77f, 77f], ImageFolderReader.DecodeImage(gray, Options(3, 1, 1)));
    }

    [Fact]
    public void Alpha_is_dropped_not_blended()
    {
        byte[] rgba = TestImages.Png(2, 2, 4, (_, _, c) => c == 3 ? (byte)0 : (byte)(60 * (c + 1)));
        Assert.Equal([60f, 120f, 180f], ImageFolderReader.DecodeImage(rgba, Options(3, 1, 1)));
    }

    [Fact]
    public void Area_weights_cover_the_exact_footprint_and_bilinear_uses_half_pixel_centres()
    {
        var area = Resampler.AxisWeights(3, 2);
        Assert.Equal(0, area[0].Start);
        Assert.Equal([2.0 / 3, 1.0 / 3], area[0].Weights, new ToleranceComparer(1e-12));
        Assert.Equal(1, area[1].Start);
        Assert.Equal([1.0 / 3, 2.0 / 3], area[1].Weights, new ToleranceComparer(1e-12));

        var bilinear = Resampler.AxisWeights(2, 4);
        Assert.Equal([0, 0, 0, 1], bilinear.Select(t => t.Start));
        Assert.Equal([1.0], bilinear[0].Weights);
        Assert.Equal([0.75, 0.25], bilinear[1].Weights);
        Assert.Equal([0.25, 0.75], bilinear[2].Weights);
        Assert.Equal([1.0], bilinear[3].Weights);
    }

    [Fact]
    public void A_corrupt_file_fails_naming_it()
    {
        WriteThreeClasses();
        string bad = Write("cat/broken.png", "\x89PNG\r\n\x1a\n this is not really a PNG"u8.ToArray());
        var e = Assert.Throws<ImageDecodeException>(() => ImageFolderReader.Load(_dir.Path, Options(1, 8, 8)));
        Assert.Equal(bad, e.FilePath);
        Assert.Contains(bad, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Skip_invalid_loads_the_others_and_lists_the_bad_files()
    {
        WriteThreeClasses();
        byte[] good = TestImages.Png(30, 30, 3, Pattern);
        string garbage = Write("cat/broken.png", [1, 2, 3, 4, 5]);
        string truncated = Write("dog/truncated.png", good.AsSpan(0, good.Length / 2).ToArray());
        var result = ImageFolderReader.Load(_dir.Path, new ImageLoadOptions { Channels = 3, Height = 8, Width = 8, SkipInvalid = true });
        Assert.Equal(12, result.Images.Count);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2], result.Images.Labels);
        Assert.Equal([garbage, truncated], result.Errors.Select(e => e.FilePath));
        Assert.All(result.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Reason)));

        // The kept images are exactly those of a clean load.
        File.Delete(garbage);
        File.Delete(truncated);
        Assert.Equal(ImageFolderReader.Load(_dir.Path, Options(3, 8, 8)).Images.Pixels, result.Images.Pixels);
    }

    [Fact]
    public void A_file_over_max_file_bytes_is_rejected()
    {
        string big = Write("a/big.png", TestImages.Png(40, 30, 3, Pattern));
        var options = new ImageLoadOptions { Channels = 1, Height = 4, Width = 4, MaxFileBytes = 100 };
        var e = Assert.Throws<ImageDecodeException>(() => ImageFolderReader.Load(_dir.Path, options));
        Assert.Equal(big, e.FilePath);
        Assert.Equal($"it is too large ({new FileInfo(big).Length:N0} bytes; the limit is 100 bytes).", e.Reason);
        Assert.Throws<ImageDecodeException>(() => ImageFolderReader.DecodeImage(File.ReadAllBytes(big), options));
    }

    [Fact]
    public void An_image_over_max_pixels_is_rejected_before_decoding()
    {
        byte[] png = TestImages.Png(40, 30, 3, Pattern);
        var e = Assert.Throws<ImageDecodeException>(
            () => ImageFolderReader.DecodeImage(png, new ImageLoadOptions { Channels = 3, Height = 4, Width = 4, MaxPixels = 1000 }));
        Assert.Null(e.FilePath);
        Assert.Equal("it is too large (40×30 pixels; the limit is 1,000 pixels).", e.Reason);
    }

    [Fact]
    public void Exif_metadata_does_not_change_the_pixels()
    {
        byte[] jpeg = TestImages.Jpeg(24, 18, 3, Pattern);
        byte[] withExif = TestImages.WithExif(jpeg);
        Assert.Equal([0xFF, 0xD8, 0xFF, 0xE1], withExif.AsSpan(0, 4).ToArray());
        Assert.Equal("Exif"u8.ToArray(), withExif.AsSpan(6, 4).ToArray());
        var options = Options(3, 18, 24);
        Assert.Equal(ImageFolderReader.DecodeImage(jpeg, options), ImageFolderReader.DecodeImage(withExif, options));
    }

    [Fact]
    public void Garbage_bytes_give_a_decode_error_without_a_path() =>
        Assert.Null(Assert.Throws<ImageDecodeException>(() => ImageFolderReader.DecodeImage([0, 1, 2, 3, 4, 5, 6, 7], Options(1, 2, 2))).FilePath);

    [Theory]
    [InlineData(2, 8, 8)]
    [InlineData(4, 8, 8)]
    [InlineData(1, 0, 8)]
    [InlineData(3, 8, -1)]
    public void Invalid_options_are_rejected(int channels, int height, int width) =>
        Assert.Throws<ArgumentException>(() => ImageFolderReader.DecodeImage(TestImages.Png(2, 2, 3, Pattern), Options(channels, height, width)));

    [Fact]
    public void A_folder_without_class_folders_or_images_or_missing_is_rejected()
    {
        Assert.Throws<InvalidDataException>(() => ImageFolderReader.Load(_dir.Path, Options(1, 4, 4)));
        Write("cat/notes.txt", "not an image"u8.ToArray());
        Assert.Contains("no .png, .jpg, .jpeg, .bmp files",
            Assert.Throws<InvalidDataException>(() => ImageFolderReader.Load(_dir.Path, Options(1, 4, 4))).Message, StringComparison.Ordinal);
        Assert.Throws<DirectoryNotFoundException>(() => ImageFolderReader.Load(_dir.File("absent"), Options(1, 4, 4)));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
