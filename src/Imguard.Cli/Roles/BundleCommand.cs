using System.CommandLine;
using Imguard.ServiceDefaults.Deployment;

namespace Imguard.Cli.Roles;

/// <summary>
/// <c>imguard bundle --role ROLE --out DIR</c>: exports one role's bundle (<see cref="RoleBundle"/>) from the
/// deployment made by <c>imguard init</c>, for the host that runs that role: settings, the CA certificate, that role's
/// certificate and key only. On that host: <c>imguard ROLE --data-dir DIR</c>.
/// </summary>
internal static class BundleCommand
{
    public static Command Create()
    {
        Option<string> dataDir = DataDirOption.Create();
        var role = new Option<string>("--role")
        {
            Description = "Which role's bundle: platform, party-0, party-1, audit, or dealer (a deployment whose dealer runs on its own).",
            Required = true,
        };
        role.AcceptOnlyFromAmong([.. ServiceRoles.All.Select(ServiceRoles.Name)]);
        var output = new Option<string>("--out") { Description = "A new (or empty) folder for the bundle; copy it to the role's host.", Required = true };
        var command = new Command("bundle",
            "Export one role's files for its own host: imguard.json, the CA certificate (not its key), the role's own certificate and key, " +
            "and what the role stores. No other role's private key goes in. Run the role there with --data-dir pointing at the bundle.")
        {
            dataDir, role, output,
        };
        command.SetAction(parse =>
        {
            var source = new DataDirectory(parse.GetValue(dataDir)!);
            if (!ServiceRoles.TryParse(parse.GetValue(role), out ServiceRole which))
            {
                throw new InvalidOperationException("--role is platform, party-0, party-1, audit or dealer."); // unreachable: the option accepts only these
            }
            string target = parse.GetValue(output)!;
            IReadOnlyList<string> files = RoleBundle.Export(source, which, target);
            Console.WriteLine($"{ServiceRoles.Name(which)} bundle written to {Path.GetFullPath(target)}:");
            foreach (string file in files)
            {
                Console.WriteLine($"  {file}");
            }
            Console.WriteLine($"on its host: imguard {RunCommand(which)} --data-dir <this folder>");
            return 0;
        });
        return command;
    }

    private static string RunCommand(ServiceRole role) => role switch
    {
        ServiceRole.Party0 => "party --id 0",
        ServiceRole.Party1 => "party --id 1",
        _ => ServiceRoles.Name(role),
    };
}
