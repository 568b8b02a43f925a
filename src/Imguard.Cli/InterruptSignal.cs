using System.Runtime.InteropServices;

namespace Imguard.Cli;

/// <summary>
/// Makes SIGINT stop an <c>imguard</c> command like Ctrl-C whatever disposition the process inherited.
/// </summary>
/// <remarks>
/// A non-interactive shell (a script, <c>bash -c</c>) starts its background jobs with SIGINT and SIGQUIT ignored
/// (POSIX, for shells without job control), and an ignored signal stays ignored across exec. .NET respects that: when
/// it first sets up signal handling (System.Native's <c>InstallSignalHandler</c>, on the first use of
/// <see cref="Console"/>, <see cref="System.Diagnostics.Process"/> or <see cref="PosixSignalRegistration"/>) it leaves a
/// signal that is SIG_IGN alone, so neither System.CommandLine's handler nor any <see cref="PosixSignalRegistration"/>
/// ever hears it. <c>kill -INT</c>, the way a script or a supervisor stops <c>imguard up</c>, then did nothing, and the
/// roles outlived the script that started them. Setting SIGINT back to its default before that first set-up lets .NET
/// install its handler, and SIGINT cancels the command's token like Ctrl-C (<c>up</c> stops its roles in order, exit 0).
/// SIGQUIT stays as inherited: it is a request for a core dump, not a stop.
/// </remarks>
internal static class InterruptSignal
{
    private const int Sigint = 2; // the same number on Linux and macOS

    private static readonly nint Ignored = 1; // SIG_IGN on Linux and macOS; SIG_DFL is 0

    /// <summary>Call first thing in Main, before anything touches the console. Returns whether SIGINT had been ignored.</summary>
    public static bool Restore()
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }
        // The handler is the first field of struct sigaction on Linux and macOS; an all-zero struct is SIG_DFL, no
        // flags, an empty mask.
        if (sigaction(Sigint, IntPtr.Zero, out SigactionRecord current) != 0 || current.Handler != Ignored)
        {
            return false;
        }
        var defaults = default(SigactionRecord);
        return sigaction(Sigint, in defaults, IntPtr.Zero) == 0;
    }

    /// <summary>struct sigaction, larger than it is on any platform we run on (152 bytes on Linux x64, 16 on macOS).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 512)]
    private struct SigactionRecord
    {
        [FieldOffset(0)]
        public nint Handler;
    }

#pragma warning disable SYSLIB1054 // blittable libc calls; LibraryImport would need unsafe code in this project
    [DllImport("libc", EntryPoint = "sigaction", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int sigaction(int signal, IntPtr action, out SigactionRecord previous);

    [DllImport("libc", EntryPoint = "sigaction", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int sigaction(int signal, in SigactionRecord action, IntPtr previous);
#pragma warning restore SYSLIB1054
}
