namespace Imguard.Learning;

/// <summary>The one place the learning library makes its exceptions; messages name shapes and settings, never values.</summary>
internal static class LearningError
{
    public static ArgumentException ShapeMismatch(string what, ReadOnlySpan<int> expected, ReadOnlySpan<int> actual) =>
        new($"Shape mismatch in {what}: expected [{string.Join(", ", expected.ToArray())}], got [{string.Join(", ", actual.ToArray())}].");

    public static ArgumentException InvalidArgument(string message) => new(message);

    public static InvalidDataException InvalidData(string message) => new(message);

    public static InvalidDataException InvalidData(string message, Exception inner) => new(message, inner);

    public static FileNotFoundException DatasetFileMissing(string dataset, string path, string debianPackage) =>
        new($"{dataset} file '{path}' not found. Install the Debian package '{debianPackage}' (apt-get install {debianPackage}) or pass the directory that holds the files.", path);

    /// <summary>An output file that must not be replaced (e.g. a share file whose digest may already be registered).</summary>
    public static IOException FileExists(string path) => new($"File '{path}' already exists; it is not overwritten.");

    public static DirectoryNotFoundException FolderMissing(string path) => new($"Folder '{path}' does not exist.");

    public static Data.ImageDecodeException ImageDecode(string? path, string reason, Exception? inner) => new(path, reason, inner);

    public static ArgumentException LengthMismatch(string what, long expected, long actual) =>
        new($"Length mismatch in {what}: expected {expected}, got {actual}.");

    /// <summary>An <see cref="Hiding.InstaHideOptions"/> setting that cannot be honoured (names the setting and its bound, never data).</summary>
    public static ArgumentException InvalidHidingOption(string setting, string requirement) =>
        new($"Invalid InstaHide option {setting}: {requirement}.");

    /// <summary>A layer type that an exporter has no mapping for (names the format, the layer and what is supported).</summary>
    public static NotSupportedException UnsupportedExportLayer(string format, int index, string type, string supported) =>
        new($"{format} export: layer {index} ({type}) has no {format} mapping; the exporter supports {supported}.");

    public static ArgumentException BuffersOverlap(string first, string second) =>
        new($"{first} and {second} must not overlap.");

    /// <summary>A label outside [0, classCount); the label value itself is private and is not reported.</summary>
    public static ArgumentException LabelOutOfRange(string what, int classCount) =>
        new($"A label in {what} lies outside [0, {classCount}).");

    public static ArgumentOutOfRangeException IndexOutOfRange(string what, int count) =>
        new(what, $"An index in {what} lies outside [0, {count}).");

    /// <summary>The coefficient rejection sampler gave up: the upper bound is so close to 1/K that acceptance is negligible.</summary>
    public static InvalidOperationException CoefficientRejectionLimit(int k, double upperBound, int attempts) =>
        new($"No coefficient row with max <= {upperBound} for K = {k} after {attempts} draws; raise UpperBound further above 1/K.");

    /// <summary>Gradient inversion found no output unit with a non-zero bias gradient (e.g. every ReLU after it inactive).</summary>
    public static InvalidOperationException NoGradientToInvert() =>
        new("Every bias gradient of the first linear layer is zero; there is no unit to invert.");
}
