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

    [Fact]
    public void A_checked_project_uses_only_the_listed_types_of_projects_it_does_not_reference()
    {
        foreach (string project in ProjectGraph.TransitiveUseChecked)
        {
            string[] used = TransitivelyUsedTypes(project);
            string[] unlisted = used.Where(type => !ProjectGraph.TransitiveUses.ContainsKey((project, type))).ToArray();
            Assert.True(unlisted.Length == 0,
                $"{project} uses types of projects it does not reference that ProjectGraph.TransitiveUses does not list (give the reason there, "
                + "or ask through a project it references): " + string.Join(", ", unlisted));
            string[] stale = ProjectGraph.TransitiveUses.Keys.Where(use => use.From == project && !used.Contains(use.Type))
                .Select(use => use.Type).ToArray();
            Assert.True(stale.Length == 0, $"Types in ProjectGraph.TransitiveUses that {project} no longer uses: " + string.Join(", ", stale));
        }
    }

    [Fact]
    public void The_platform_s_compiled_references_are_read()
    {
        // The check above must see through the assembly: the dealer's surface and the privacy report are both there.
        string[] used = ReferencedTypes(Assembly("Imguard.Platform")).Select(r => $"{r.Assembly}:{r.Type}").ToArray();
        Assert.Contains("Imguard.Dealer:Imguard.Dealer.Planning.JobCostEstimator", used);
        Assert.Contains("Imguard.Learning:Imguard.Learning.Privacy.PrivacyReport", used);
    }

    /// <summary>The types <paramref name="project"/>'s assembly uses from our projects that it does not reference in its .csproj.</summary>
    private static string[] TransitivelyUsedTypes(string project)
    {
        IReadOnlySet<string> direct = Actual.Value[project];
        return ReferencedTypes(Assembly(project))
            .Where(r => ProjectGraph.Projects.ContainsKey(r.Assembly) && !direct.Contains(r.Assembly))
            .Select(r => r.Type)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The compiled assembly of <paramref name="project"/>, built beside this test (a ProjectReference).</summary>
    private static string Assembly(string project)
    {
        string path = Path.Combine(AppContext.BaseDirectory, project + ".dll");
        Assert.True(File.Exists(path), $"{project}.dll is not beside the test; reference its project from Imguard.Architecture.Tests.csproj.");
        return path;
    }

    /// <summary>Every type reference in an assembly's metadata: the assembly it resolves to and its full name (nested types as Outer+Inner).</summary>
    private static IEnumerable<(string Assembly, string Type)> ReferencedTypes(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
        var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        var result = new List<(string, string)>();
        foreach (var handle in metadata.TypeReferences)
        {
            var (assembly, name) = Resolve(metadata, handle);
            if (assembly is not null)
            {
                result.Add((assembly, name));
            }
        }
        return result;
    }

    private static (string? Assembly, string Name) Resolve(System.Reflection.Metadata.MetadataReader metadata, System.Reflection.Metadata.TypeReferenceHandle handle)
    {
        var type = metadata.GetTypeReference(handle);
        string name = metadata.GetString(type.Name);
        string ns = metadata.GetString(type.Namespace);
        switch (type.ResolutionScope.Kind)
        {
            case System.Reflection.Metadata.HandleKind.AssemblyReference:
                var assembly = metadata.GetAssemblyReference((System.Reflection.Metadata.AssemblyReferenceHandle)type.ResolutionScope);
                return (metadata.GetString(assembly.Name), ns.Length == 0 ? name : ns + "." + name);
            case System.Reflection.Metadata.HandleKind.TypeReference:
                var (outerAssembly, outer) = Resolve(metadata, (System.Reflection.Metadata.TypeReferenceHandle)type.ResolutionScope);
                return (outerAssembly, outer + "+" + name);
            default:
                return (null, name);
        }
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
