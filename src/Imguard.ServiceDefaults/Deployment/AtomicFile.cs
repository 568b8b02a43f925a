using Imguard.Contracts.Files;

namespace Imguard.ServiceDefaults.Deployment;

/// <summary>
/// Writes a file whole or not at all (temp file in the same folder, flushed to disk, renamed over the target). Every
/// file a deployment holds is its owner's only (0600, folders 0700): keys, and also the settings, which may carry a
/// database connection string with its password, and the certificates, which sit with them.
/// </summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string text) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        OwnerOnly.CreateDirectory(directory);
        string temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            // The rename keeps the temp file's mode: the target is 0600 from its first byte.
            using (FileStream stream = OwnerOnly.Create(temp))
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
