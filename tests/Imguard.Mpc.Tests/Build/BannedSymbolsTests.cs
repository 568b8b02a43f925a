using System.Reflection;
using System.Text.RegularExpressions;

namespace Imguard.Mpc.Tests.Build;

/// <summary>
/// The banned-API list (src/BannedSymbols.txt, enforced as RS0030 on every project under src/) keeps working: every
/// entry names an API that exists (the analyzer silently ignores an ID that matches nothing, so a typo or a wrong
/// overload list would quietly let the API back in), the list still bans what it must, and no product file or project
/// switches the rule off. Product code has no exception to the rule today; one would have to be argued here first.
/// Whether the analyzer itself fires is the build's job: a banned use in src/ fails it with RS0030.
/// </summary>
public sealed partial class BannedSymbolsTests
{
    private static readonly string Root = RepositoryRoot();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Imguard.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (Imguard.slnx) was not found above the test's folder.");
    }

    /// <summary>The documentation comment IDs in the list, without comments and messages.</summary>
    private static List<string> Entries() =>
        File.ReadAllLines(Path.Combine(Root, "src", "BannedSymbols.txt"))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith("//", StringComparison.Ordinal))
            .Select(line => line.Split(';', 2)[0].Trim())
            .ToList();

    [Fact]
    public void Every_entry_names_an_api_that_exists()
    {
        var unresolved = Entries().Where(id => !Resolves(id)).ToList();
        Assert.True(unresolved.Count == 0, "These entries match no API (the analyzer would ignore them): " + string.Join(", ", unresolved));
    }

    [Fact]
    public void The_list_bans_random_and_every_overload_of_the_blocking_waits()
    {
        var entries = Entries().ToHashSet(StringComparer.Ordinal);
        Assert.Contains("T:System.Random", entries);
        Assert.Contains("P:System.Threading.Tasks.Task`1.Result", entries);
        Assert.Contains("M:System.Runtime.CompilerServices.TaskAwaiter.GetResult", entries);
        Assert.Contains("M:System.Runtime.CompilerServices.TaskAwaiter`1.GetResult", entries);
        // Each public overload is its own ID: a new overload in a later .NET must be added to the list.
        foreach (var method in typeof(Task).GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance)
                     .Where(m => m.Name is "Wait" or "WaitAll" or "WaitAny"))
        {
            Assert.Contains(MethodId(method), entries);
        }
    }

    [Fact]
    public void Every_product_project_is_under_the_rule_and_nothing_switches_it_off()
    {
        string src = Path.Combine(Root, "src");
        string props = File.ReadAllText(Path.Combine(src, "Directory.Build.props"));
        Assert.Contains("Microsoft.CodeAnalysis.BannedApiAnalyzers", props, StringComparison.Ordinal);
        Assert.Contains("BannedSymbols.txt", props, StringComparison.Ordinal);
        Assert.Contains("<AnalysisLevelSecurity>latest-all</AnalysisLevelSecurity>", props, StringComparison.Ordinal);

        var projects = Directory.GetFiles(src, "*.csproj", SearchOption.AllDirectories);
        Assert.NotEmpty(projects);
        foreach (var project in projects)
        {
            // MSBuild imports only the nearest Directory.Build.props: one between a project and src/ would replace ours.
            for (var dir = new DirectoryInfo(Path.GetDirectoryName(project)!); dir.FullName != new DirectoryInfo(src).FullName; dir = dir.Parent!)
            {
                Assert.False(File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")),
                    $"{Path.GetRelativePath(Root, dir.FullName)}/Directory.Build.props would hide src/Directory.Build.props from {Path.GetFileName(project)}.");
            }
        }

        // Only the rules' own switches may name them in src/Directory.Build.props, and none of them may turn them off.
        Assert.DoesNotMatch(@"<NoWarn>[^<]*(RS0030|CA5394)", props);

        // Anywhere else in product code: a suppression in source (#pragma, SuppressMessage), a project file or analyzer
        // configuration that names the rules, or a project that changes the analysis level or turns analyzers off.
        string ours = Path.Combine(src, "Directory.Build.props");
        var switches = Directory.GetFiles(src, "*", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(f) && f != ours && Path.GetFileName(f) != "BannedSymbols.txt")
            .Where(f => Path.GetExtension(f) switch
            {
                ".cs" => SourceSwitch().IsMatch(File.ReadAllText(f)),
                ".csproj" or ".props" or ".targets" or ".editorconfig" or ".globalconfig" => BuildSwitch().IsMatch(File.ReadAllText(f)),
                _ => false,
            })
            .Select(f => Path.GetRelativePath(Root, f))
            .ToList();
        Assert.True(switches.Count == 0, "Product code switches the banned-API or insecure-randomness rule off in: " + string.Join(", ", switches));
    }

    private static bool IsBuildOutput(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ||
        path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    [GeneratedRegex(@"RS0030|CA5394")]
    private static partial Regex SourceSwitch();

    [GeneratedRegex(@"RS0030|CA5394|BannedSymbols|AnalysisLevel|AnalysisMode|RunAnalyzers|EnableNETAnalyzers")]
    private static partial Regex BuildSwitch();

    // ---- Resolving a documentation comment ID against the framework's own assemblies ----

    private static readonly Lazy<Assembly[]> Framework = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) ||
                           Path.GetFileName(path) == "mscorlib.dll" || Path.GetFileName(path) == "netstandard.dll")
            .Select(path => { try { return Assembly.Load(AssemblyName.GetAssemblyName(path)); } catch (BadImageFormatException) { return null; } })
            .OfType<Assembly>()
            .ToArray());

    private static bool Resolves(string id)
    {
        if (id.Length < 3 || id[1] != ':')
        {
            return false;
        }
        string body = id[2..];
        switch (id[0])
        {
            case 'T':
                return FindType(body) is not null;
            case 'P':
            case 'F':
            {
                int dot = body.LastIndexOf('.');
                var type = FindType(body[..dot]);
                string name = body[(dot + 1)..];
                return type is not null && (id[0] == 'P' ? type.GetProperty(name) is not null : type.GetField(name) is not null);
            }
            case 'M':
            {
                int paren = body.IndexOf('(', StringComparison.Ordinal);
                string path = paren < 0 ? body : body[..paren];
                int dot = path.LastIndexOf('.');
                var type = FindType(path[..dot]);
                if (type is null)
                {
                    return false;
                }
                string name = path[(dot + 1)..];
                IEnumerable<MethodBase> candidates = name == "#ctor"
                    ? type.GetConstructors()
                    : type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance).Where(m => m.Name == name);
                return candidates.Any(m => MethodId(m) == id);
            }
            default:
                return false;
        }
    }

    /// <summary>A type by its documentation name: nested types are written with '.', which reflection spells '+'.</summary>
    private static Type? FindType(string name)
    {
        var parts = name.Split('.');
        for (int nested = 0; nested < parts.Length - 1; nested++)
        {
            string reflectionName = string.Join('.', parts[..(parts.Length - nested)]) +
                                    string.Concat(parts[(parts.Length - nested)..].Select(p => "+" + p));
            foreach (var assembly in Framework.Value)
            {
                var found = assembly.GetType(reflectionName);
                if (found is not null && (found.IsPublic || found.IsNestedPublic))
                {
                    return found;
                }
            }
        }
        return null;
    }

    private static string MethodId(MethodBase method)
    {
        var parameters = method.GetParameters();
        string name = method.IsConstructor ? "#ctor" : method.Name;
        string id = $"M:{TypeName(method.DeclaringType!)}.{name}";
        return parameters.Length == 0 ? id : $"{id}({string.Join(",", parameters.Select(p => ParameterName(p.ParameterType)))})";
    }

    /// <summary>A declaring type as the ID writes it: namespace, nesting with '.', arity as `n.</summary>
    private static string TypeName(Type type) =>
        type.IsNested ? $"{TypeName(type.DeclaringType!)}.{type.Name}" : $"{type.Namespace}.{type.Name}";

    /// <summary>A parameter type as the ID writes it: constructed generics with {…}, arrays with [].</summary>
    private static string ParameterName(Type type)
    {
        if (type.IsArray)
        {
            return ParameterName(type.GetElementType()!) + "[]";
        }
        if (type.IsGenericType)
        {
            string open = type.GetGenericTypeDefinition().FullName!;
            return $"{open[..open.IndexOf('`', StringComparison.Ordinal)]}{{{string.Join(",", type.GetGenericArguments().Select(ParameterName))}}}";
        }
        return type.FullName!;
    }
}
