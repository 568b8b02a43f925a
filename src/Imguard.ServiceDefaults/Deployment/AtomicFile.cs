namespace Imguard.ServiceDefaults.Deployment;

/// <summary>
/// Writes a file whole or not at all (temp file in the same folder, flushed to disk, renamed over the target), and
/// creates private files (keys) readable by their owner only.
/// </summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string text, bool privateFile) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text), privateFile);

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes, bool privateFile)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (privateFile && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
