using System.CommandLine;
using Imguard.Contracts.Files;
using Imguard.ServiceDefaults.Deployment;

namespace Imguard.Cli.Roles;

/// <summary>
/// What <c>init</c>, <c>up</c> and the role commands do before they touch a data directory: this process's umask
/// becomes 077 (files a library creates without a mode of ours come out owner-only too), then the directory is checked
/// (<see cref="DataDirectoryAccess"/>). One that others can read or write is refused with one line that says how many
/// paths, the first few and the command that fixes it, unless <c>--repair-permissions</c> was given: then it is fixed
/// and a warning says the files were readable before. Refusing is the default because an open directory means the
/// shares in it may already have been copied, which the operator must learn rather than have quietly tidied away;
/// repairing is one flag on the same command. One that belongs to another user is always refused: running a role as
/// someone else is a mistake no chmod repairs.
/// </summary>
internal static class DataDirectoryGuard
{
    /// <summary>The exit code of a refused start.</summary>
    public const int RefusedExitCode = CommandErrors.InputError;

    public static Option<bool> RepairOption() => new("--repair-permissions")
    {
        Description = "If other users of this host can read or write anything in the data directory (made by an older build, or " +
            "by hand), make its folders 0700 and its files 0600 and go on, instead of refusing to start.",
    };

    /// <summary>
    /// Restricts the umask and checks <paramref name="directory"/>; returns false (after printing why) when the command
    /// must not go on. <paramref name="command"/> is how the operator ran it (e.g. <c>party --id 0</c>), for the fix.
    /// </summary>
    public static bool Admit(DataDirectory directory, bool repair, string command)
    {
        ArgumentNullException.ThrowIfNull(directory);
        OwnerOnly.RestrictProcessUmask();
        DataDirectoryAccessReport report = DataDirectoryAccess.Inspect(directory.Root);
        if (report.OwnedByOthers.Count > 0)
        {
            Console.Error.WriteLine(DataDirectoryAccess.DescribeForeign(report));
            return false;
        }
        if (report.OpenToOthers.Count == 0)
        {
            return true;
        }
        if (!repair)
        {
            Console.Error.WriteLine(DataDirectoryAccess.DescribeOpen(report, $"imguard {command} --repair-permissions --data-dir {directory.Root}"));
            return false;
        }
        DataDirectoryAccess.Repair(report);
        DataDirectoryAccessReport after = DataDirectoryAccess.Inspect(directory.Root);
        if (!after.IsPrivate)
        {
            Console.Error.WriteLine(after.OwnedByOthers.Count > 0 ? DataDirectoryAccess.DescribeForeign(after)
                : DataDirectoryAccess.DescribeOpen(after, $"chmod -R go-rwx {directory.Root}"));
            return false;
        }
        Console.Error.WriteLine($"warning: {report.OpenToOthers.Count} paths in {directory.Root} gave other users of this host access; its folders " +
            "are now 0700 and its files 0600, but until now anyone who could log in here could read what they held (shares, keys, databases).");
        return true;
    }
}
