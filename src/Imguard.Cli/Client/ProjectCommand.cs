using System.CommandLine;
using Imguard.Client.Platform;
using Imguard.Contracts.Projects;

namespace Imguard.Cli.Client;

/// <summary><c>imguard project create|list</c>.</summary>
internal static class ProjectCommand
{
    public static Command Create()
    {
        var project = new Command("project", "Create and list projects.");
        project.Subcommands.Add(CreateCreate());
        project.Subcommands.Add(CreateList());
        return project;
    }

    private static Command CreateCreate()
    {
        Option<string?> profile = ProfileOptions.Create();
        var name = new Option<string>("--name") { Required = true };
        var description = new Option<string?>("--description");
        var shape = new Option<string>("--shape") { Description = "Input shape C,H,W.", DefaultValueFactory = _ => "1,28,28" };
        var classes = new Option<int>("--classes") { DefaultValueFactory = _ => 10 };
        var command = new Command("create", "Create a project (you become its owner).") { profile, name, description, shape, classes };
        command.SetAction(async (parse, ct) =>
        {
            (int c, int h, int w) = DatasetCommand.ParseShape(parse.GetValue(shape)!);
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            ProjectView created = await api.CreateProjectAsync(new CreateProjectRequest(parse.GetValue(name)!, parse.GetValue(description), c, h, w, parse.GetValue(classes)), ct);
            Console.WriteLine(created.Id);
            return 0;
        });
        return command;
    }

    private static Command CreateList()
    {
        Option<string?> profile = ProfileOptions.Create();
        var command = new Command("list", "List the projects you are a member of.") { profile };
        command.SetAction(async (parse, ct) =>
        {
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            foreach (ProjectView p in await api.ListProjectsAsync(ct))
            {
                // Names come from other users: escaped, so control and bidi characters cannot rewrite what is shown.
                Console.WriteLine($"{p.Id}  {TerminalText.Escape(p.Name)}  {p.Channels}×{p.Height}×{p.Width}, {p.Classes} classes  ({p.Role})");
            }
            return 0;
        });
        return command;
    }
}
