using System.CommandLine;
using Imguard.Cli;

ParseResult parse = ImguardCommand.Create().Parse(args);
try
{
    // System.CommandLine's own handler prints "Unhandled exception" and the stack trace: CommandErrors decides instead.
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
#pragma warning disable CA1031 // the process boundary: every exception becomes one line and an exit code (CommandErrors)
catch (Exception e)
#pragma warning restore CA1031
{
    return CommandErrors.Report(e, parse.GetValue(ImguardCommand.Verbose), Console.Error);
}
