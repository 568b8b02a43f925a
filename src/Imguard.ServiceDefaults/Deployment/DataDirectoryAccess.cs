using System.Globalization;
using Imguard.Contracts.Files;

namespace Imguard.ServiceDefaults.Deployment;

/// <summary>
/// The start-up check of a data directory: nobody but the user a role runs as may read, write or enter anything in
/// it (it holds both halves of datasets on a one-host deployment, private keys and databases), and everything in it
/// belongs to that user (so a role run by root cannot leave files its own user later cannot read, and one role's user
/// cannot start in another's folder). Symbolic links are followed to what they point at (a share folder moved to a
/// larger disk is checked where it is), each target once. On Windows, which has no such modes, nothing is checked.
/// </summary>
public static class DataDirectoryAccess
{
    private const int Shown = 3;

    /// <summary>Walks <paramref name="root"/> (the root first, then depth first in name order).</summary>
    public static DataDirectoryAccessReport Inspect(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        string full = Path.GetFullPath(root);
        uint? user = UnixOwner.ProcessUser;
        var open = new List<string>();
        var foreign = new List<string>();
        if (OperatingSystem.IsWindows() || !(Directory.Exists(full) || File.Exists(full)))
        {
            return new DataDirectoryAccessReport(full, open, foreign, user);
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(full);
        while (pending.TryPop(out string? path))
        {
            try
            {
                if (new FileInfo(path).LinkTarget is not null)
                {
                    string? target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName;
                    if (target is null || !(File.Exists(target) || Directory.Exists(target)))
                    {
                        continue; // a dangling link gives nobody anything
                    }
                    path = target;
                }
                if (!seen.Add(path))
                {
                    continue;
                }
                if ((File.GetUnixFileMode(path) & OwnerOnly.GroupAndOthers) != 0)
                {
                    open.Add(path);
                }
                if (user is uint me && UnixOwner.Of(path) is uint owner && owner != me)
                {
                    foreign.Add(path);
                }
                if (Directory.Exists(path))
                {
                    foreach (string entry in Directory.EnumerateFileSystemEntries(path).OrderDescending(StringComparer.Ordinal))
                    {
                        pending.Push(entry);
                    }
                }
            }
            catch (UnauthorizedAccessException)
            {
                // This user cannot even look: someone else's.
                if (!foreign.Contains(path))
                {
                    foreign.Add(path);
                }
            }
        }
        return new DataDirectoryAccessReport(full, open, foreign, user);
    }

    /// <summary>
    /// Takes group and others' access away from every path the report found open (<c>chmod go-rwx</c>: folders come
    /// out 0700, files 0600) and returns how many it changed. Paths that belong to another user are left alone.
    /// </summary>
    public static int Repair(DataDirectoryAccessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        int repaired = 0;
        foreach (string path in report.OpenToOthers.Where(p => !report.OwnedByOthers.Contains(p)))
        {
            if (OwnerOnly.Narrow(path))
            {
                repaired++;
            }
        }
        return repaired;
    }

    /// <summary>One line saying what is open and how to close it; <paramref name="repairCommand"/> is the command that does.</summary>
    public static string DescribeOpen(DataDirectoryAccessReport report, string repairCommand)
    {
        ArgumentNullException.ThrowIfNull(report);
        return $"The data directory {report.Root} is open to other users of this host: {Paths(report.OpenToOthers.Count)} give group or others " +
            $"access ({First(report, report.OpenToOthers)}), so anyone who can log in here may read its shares, keys and databases. " +
            $"Run `{repairCommand}` to make its folders 0700 and its files 0600 (the same as `chmod -R go-rwx {report.Root}`).";
    }

    /// <summary>One line saying which paths belong to another user and what to do about it.</summary>
    public static string DescribeForeign(DataDirectoryAccessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        string me = report.ProcessUser is uint user ? UnixOwner.Describe(user) : "this user";
        string chownTo = report.ProcessUser?.ToString(CultureInfo.InvariantCulture) ?? "USER";
        string what = report.OwnedByOthers[0] == report.Root && UnixOwner.Of(report.Root) is uint owner
            ? $"The data directory {report.Root} belongs to {UnixOwner.Describe(owner)}, but this runs as {me}"
            : $"The data directory {report.Root} holds files of another user than {me}, the user this runs as";
        string paths = string.Join(", ", report.OwnedByOthers.Take(Shown).Select(p =>
            $"{Relative(report, p)}: {(UnixOwner.Of(p) is uint o ? UnixOwner.Describe(o) : "not readable")}")) + (report.OwnedByOthers.Count > Shown ? ", …" : "");
        return $"{what} ({Paths(report.OwnedByOthers.Count)}: {paths}). Run each role as the user that owns its data directory " +
            $"(e.g. `runuser -u OWNER -- imguard ...`), or hand the folder to this user with `chown -R {chownTo} {report.Root}`.";
    }

    private static string Paths(int count) => count == 1 ? "1 path" : $"{count} paths";

    private static string First(DataDirectoryAccessReport report, IReadOnlyList<string> paths) =>
        string.Join(", ", paths.Take(Shown).Select(p => Relative(report, p))) + (paths.Count > Shown ? ", …" : "");

    private static string Relative(DataDirectoryAccessReport report, string path) =>
        Path.GetRelativePath(report.Root, path) is "." ? "the folder itself" : Path.GetRelativePath(report.Root, path);
}
