using Imguard.Learning.Data;
using Xunit.Abstractions;

namespace Imguard.Learning.Tests.Data;

public sealed class FashionMnistTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Class_names_are_the_ten_fashion_classes()
    {
        Assert.Equal(10, FashionMnist.ClassNames.Count);
        Assert.Equal("T-shirt/top", FashionMnist.ClassNames[0]);
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[9]);
    }

    [Fact]
    public void Missing_files_name_the_debian_package()
    {
        Assert.False(FashionMnist.IsInstalled(_dir.Path));
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.LoadTrain(_dir.Path));
        Assert.Contains("dataset-fashion-mnist", e.Message, StringComparison.Ordinal);
        Assert.Contains("train-images-idx3-ubyte", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_gzipped_and_plain_file_names_are_found()
    {
        File.WriteAllBytes(_dir.File("train-images-idx3-ubyte.gz"), IdxFiles.Gzip(IdxFiles.Images(3, 28, 28)));
        File.WriteAllBytes(_dir.File("train-labels-idx1-ubyte"), IdxFiles.Labels(9, 0, 4));
        File.WriteAllBytes(_dir.File("t10k-images-idx3-ubyte"), IdxFiles.Images(1, 28, 28));
        Assert.False(FashionMnist.IsInstalled(_dir.Path));
        File.WriteAllBytes(_dir.File("t10k-labels-idx1-ubyte.gz"), IdxFiles.Gzip(IdxFiles.Labels(5)));
        Assert.True(FashionMnist.IsInstalled(_dir.Path));

        var train = FashionMnist.LoadTrain(_dir.Path);
        Assert.Equal((3, 1, 28, 28, 10), (train.Count, train.Channels, train.Height, train.Width, train.ClassCount));
        Assert.Equal([9, 0, 4], train.Labels);
        Assert.Equal([5], FashionMnist.LoadTest(_dir.Path).Labels);
    }

    [Fact]
    public void Installed_dataset_has_the_published_shape_and_statistics()
    {
        if (!FashionMnist.IsInstalled())
        {
            // Not a failure: the data are optional on a build machine.
            output.WriteLine($"Fashion-MNIST not found in {FashionMnist.DefaultDirectory}; install '{FashionMnist.DebianPackage}' to run this check. Passing without it.");
            return;
        }

        var train = FashionMnist.LoadTrain();
        var test = FashionMnist.LoadTest();
        Assert.Equal((60_000, 1, 28, 28), (train.Count, train.Channels, train.Height, train.Width));
        Assert.Equal(10_000, test.Count);
        Assert.All(train.Labels.CountBy(l => l), pair => Assert.Equal(6_000, pair.Value));
        Assert.Equal(255f, train.Pixels.Max());

        var standardization = Standardization.Fit(train);
        output.WriteLine($"Fashion-MNIST train: mean {standardization.Mean[0]:F4}, std {standardization.Std[0]:F4}");
        Assert.InRange(standardization.Mean[0], 0.2855, 0.2865);
        Assert.InRange(standardization.Std[0], 0.3525, 0.3535);
    }
}
