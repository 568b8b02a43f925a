using System.Xml.Linq;

namespace Imguard.Architecture.Tests;

/// <summary>
/// The <c>src/*/*.csproj</c> files against <see cref="ProjectGraph"/>: a reference the graph does not allow (a
/// wrong-way edge, such as the engine or the service defaults reaching up into a service) fails the build's tests.
/// </summary>
public sealed class ProjectGraphTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlySet<string>>> Actual = new(ReadProjectReferences);

    [Fact]
    public void Every_project_under_src_has_its_place_in_the_graph()
    {
        Assert.Equal(ProjectGraph.Projects.Keys.Order(StringComparer.Ordinal), Actual.Value.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void No_project_references_another_the_graph_does_not_allow()
    {
        string[] wrongWay = WrongWay(Actual.Value);
        Assert.True(wrongWay.Length == 0,
            "References the project graph does not allow (tests/Imguard.Architecture.Tests/ProjectGraph.cs, docs/ARCHITECTURE.md): "
            + string.Join(", ", wrongWay));
    }

    [Fact]
    public void Every_allowed_edge_and_temporary_exception_is_still_a_reference()
    {
        // The table is the map a reader trusts: an edge that is gone (a temporary exception removed at last) is taken
        // out of it too.
        HashSet<(string, string)> actual = [.. Edges(Actual.Value)];
        string[] stale = ProjectGraph.Allowed.Keys.Concat(ProjectGraph.TemporaryExceptions.Keys)
            .Where(edge => !actual.Contains(edge))
            .Select(edge => $"{edge.From} -> {edge.To}")
            .ToArray();
        Assert.True(stale.Length == 0, "Edges in ProjectGraph.cs that no .csproj has any more: " + string.Join(", ", stale));
    }

    [Fact]
    public void The_allowed_graph_has_no_cycle_and_its_bottom_is_Contracts_and_Mpc()
    {
        var edges = ProjectGraph.Allowed.Keys.Concat(ProjectGraph.TemporaryExceptions.Keys).ToArray();
        Assert.DoesNotContain(edges, edge => edge.From is "Imguard.Contracts" or "Imguard.Mpc");
        Assert.Empty(ProjectGraph.Allowed.Keys.Intersect(ProjectGraph.TemporaryExceptions.Keys));
        // Kahn's algorithm: every project leaves once everything it references has left.
        var remaining = ProjectGraph.Projects.Keys.ToHashSet(StringComparer.Ordinal);
        bool progress = true;
        while (remaining.Count > 0 && progress)
        {
            string[] free = remaining.Where(p => !edges.Any(e => e.From == p && remaining.Contains(e.To))).ToArray();
            progress = free.Length > 0;
            remaining.ExceptWith(free);
        }
        Assert.Empty(remaining);
    }

    [Fact]
    public void A_wrong_way_reference_is_reported()
    {
        // The check above, run on a graph with one reference added the wrong way: the engine reaching into the services.
        var withWrongEdge = Actual.Value.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        withWrongEdge["Imguard.Mpc"] = new HashSet<string>(withWrongEdge["Imguard.Mpc"]) { "Imguard.ServiceDefaults" };
        Assert.Contains("Imguard.Mpc -> Imguard.ServiceDefaults", WrongWay(withWrongEdge));
    }

    private static string[] WrongWay(IReadOnlyDictionary<string, IReadOnlySet<string>> graph) =>
        Edges(graph)
            .Where(edge => !ProjectGraph.Allowed.ContainsKey(edge) && !ProjectGraph.TemporaryExceptions.ContainsKey(edge))
            .Select(edge => $"{edge.From} -> {edge.To}")
            .Order(StringComparer.Ordinal)
            .ToArray();

    private static IEnumerable<(string From, string To)> Edges(IReadOnlyDictionary<string, IReadOnlySet<string>> graph) =>
        graph.SelectMany(p => p.Value.Select(to => (p.Key, to)));

    /// <summary>Each <c>src/*/*.csproj</c>'s ProjectReference items, by project name.</summary>
    private static IReadOnlyDictionary<string, IReadOnlySet<string>> ReadProjectReferences()
    {
        string src = Path.Combine(RepositoryRoot(), "src");
        var graph = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (string project in Directory.EnumerateDirectories(src).SelectMany(folder => Directory.EnumerateFiles(folder, "*.csproj")))
        {
            var references = XDocument.Load(project).Descendants()
                .Where(e => e.Name.LocalName == "ProjectReference")
                .Select(e => (string?)e.Attribute("Include") ?? throw new InvalidDataException($"{project}: a ProjectReference without Include."))
                .Select(include => Path.GetFileNameWithoutExtension(include.Replace('\\', '/')))
                .ToHashSet(StringComparer.Ordinal);
            graph.Add(Path.GetFileNameWithoutExtension(project), references);
        }
        return graph;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Imguard.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Imguard.slnx not found above " + AppContext.BaseDirectory);
    }
}
