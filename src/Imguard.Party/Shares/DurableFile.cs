using Imguard.Contracts.Files;

namespace Imguard.Party.Shares;

/// <summary>
/// The party's name for <see cref="AtomicFile"/>, the one durable writer: small state files replaced atomically
/// (temp, fsync, rename, fsync of the folder) and folders flushed after a create, rename or delete.
/// </summary>
/// <remarks>
/// Only the job folder (<c>Jobs/JobFolder.cs</c>) still calls it, and it is being split apart on another branch; once
/// that lands, its calls go straight to <see cref="AtomicFile"/> and this file goes.
/// </remarks>
internal static class DurableFile
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="bytes"/> atomically and durably.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes) => AtomicFile.WriteAllBytes(path, bytes);

    /// <summary>Flushes a directory's entries to disk (POSIX only).</summary>
    public static void FlushDirectory(string directory) => AtomicFile.FlushDirectory(directory);
}
