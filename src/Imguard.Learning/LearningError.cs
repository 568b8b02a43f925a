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

    public static DirectoryNotFoundException FolderMissing(string path) => new($"Folder '{path}' does not exist.");

    public static Data.ImageDecodeException ImageDecode(string? path, string reason, Exception? inner) => new(path, reason, inner);
}
