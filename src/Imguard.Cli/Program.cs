using System.CommandLine;
using Imguard.Cli;

return await ImguardCommand.Create().Parse(args).InvokeAsync();
