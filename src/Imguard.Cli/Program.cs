using System.CommandLine;
using Imguard.Cli;

// Before anything touches the console: a background job of a script inherits SIGINT ignored, and .NET keeps an ignored
// signal ignored once it has set up its handlers (InterruptSignal).
InterruptSignal.Restore();
ParseResult parse = ImguardCommand.Create().Parse(args);
try
{
    // System.CommandLine's own handler prints "Unhandled exception" and the stack trace: CommandErrors decides instead.
    // Ctrl-C/SIGTERM cancel the action's token; the process is ended only if the action has not returned a minute later
    // (the default two seconds cut `imguard up` short while it stopped its roles in order, 15 s grace each).
    return await parse.InvokeAsync(new InvocationConfiguration
    {
        EnableDefaultExceptionHandler = false,
        ProcessTerminationTimeout = TimeSpan.FromMinutes(1),
    });
}
#pragma warning disable CA1031 // the process boundary: every exception becomes one line and an exit code (CommandErrors)
catch (Exception e)
#pragma warning restore CA1031
{
    return CommandErrors.Report(e, parse.GetValue(ImguardCommand.Verbose), Console.Error);
}
