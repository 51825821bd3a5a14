using System.Reflection;
using System.Text.RegularExpressions;

namespace Paykassma.Merchant.Api.Tests.Docs;

/// <summary>
/// What a doc may name as code: the types of the built assemblies (ours, and every assembly they
/// reference, so `NpgsqlDataSource` or `ProblemDetails` count), their members, the namespaces, the
/// classes of test projects this one does not reference (the drills), the names the code declares
/// as text (OpenAPI schema ids), the alert names of deploy/prometheus, and the repository's files and folders.
/// </summary>
internal static partial class CodeNames
{
    private static readonly Lazy<Universe> Known = new(Build);

    public static Universe Get() => Known.Value;

    public sealed class Universe
    {
        /// <summary>Simple type names (generic arity dropped), namespaces' segments, test classes, alert names.</summary>
        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);

        /// <summary>Member names of every type, ours with any visibility, others public.</summary>
        public HashSet<string> Members { get; } = new(StringComparer.Ordinal);

        /// <summary>Our own types (Paykassma.*) by simple name, for `Type.Member` checks.</summary>
        public Dictionary<string, List<Type>> OwnTypes { get; } = new(StringComparer.Ordinal);

        /// <summary>Every file and folder of the repository (bin, obj, node_modules, .git left out), relative, '/' separated; folders end with '/'.</summary>
        public HashSet<string> Paths { get; } = new(StringComparer.Ordinal);

        /// <summary>Folder names found under src/ and tests/ (a path written from a feature folder starts with one).</summary>
        public HashSet<string> SourceFolders { get; } = new(StringComparer.Ordinal);
    }

    private static Universe Build()
    {
        var universe = new Universe();
        foreach (var assembly in Assemblies())
        {
            var own = assembly.GetName().Name!.StartsWith("Paykassma.", StringComparison.Ordinal);
            foreach (var type in TypesOf(assembly))
            {
                if (!own && !type.IsPublic && !type.IsNestedPublic)
                {
                    continue;
                }
                var name = SimpleName(type);
                universe.Names.Add(name);
                foreach (var segment in (type.Namespace ?? "").Split('.'))
                {
                    universe.Names.Add(segment);
                }
                if (own)
                {
                    if (!universe.OwnTypes.TryGetValue(name, out var list))
                    {
                        universe.OwnTypes[name] = list = [];
                    }
                    list.Add(type);
                }
                var flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly
                            | (own ? BindingFlags.NonPublic : 0);
                try
                {
                    foreach (var member in type.GetMembers(flags))
                    {
                        universe.Members.Add(member.Name);
                    }
                }
                catch (Exception exception) when (exception is TypeLoadException or FileNotFoundException or FileLoadException)
                {
                    // A type whose members need an assembly that is not deployed: its name still counts.
                }
            }
        }

        var root = DocText.Root;
        foreach (var path in Walk(root))
        {
            universe.Paths.Add(path);
        }
        foreach (var path in universe.Paths.Where(path => path.EndsWith('/') && (path.StartsWith("src/", StringComparison.Ordinal) || path.StartsWith("tests/", StringComparison.Ordinal))))
        {
            universe.SourceFolders.Add(path.TrimEnd('/').Split('/')[^1]);
        }
        foreach (var path in universe.Paths.Where(path => path.StartsWith("tests/", StringComparison.Ordinal) && path.EndsWith(".cs", StringComparison.Ordinal)))
        {
            foreach (Match declaration in TypeDeclaration().Matches(File.ReadAllText(Path.Combine(root, path))))
            {
                universe.Names.Add(declaration.Groups[1].Value);
            }
        }
        // Names the code declares as text: the OpenAPI document's schema ids (`DepositEventData`).
        foreach (var path in universe.Paths.Where(path => path.StartsWith("src/", StringComparison.Ordinal) && path.EndsWith(".cs", StringComparison.Ordinal)))
        {
            foreach (Match literal in NameLiteral().Matches(File.ReadAllText(Path.Combine(root, path))))
            {
                universe.Names.Add(literal.Groups[1].Value);
            }
        }
        foreach (var path in universe.Paths.Where(path => path.StartsWith("deploy/prometheus/", StringComparison.Ordinal) && path.EndsWith(".yml", StringComparison.Ordinal)))
        {
            foreach (Match alert in AlertName().Matches(File.ReadAllText(Path.Combine(root, path))))
            {
                universe.Names.Add(alert.Groups[1].Value);
            }
        }
        return universe;
    }

    /// <summary>Our assemblies in the test's output, and everything they reference, transitively.</summary>
    private static List<Assembly> Assemblies()
    {
        var seen = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var pending = new Queue<Assembly>();
        foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory, "Paykassma.*.dll"))
        {
            pending.Enqueue(Assembly.LoadFrom(file));
        }
        while (pending.TryDequeue(out var assembly))
        {
            if (!seen.TryAdd(assembly.GetName().Name!, assembly))
            {
                continue;
            }
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (seen.ContainsKey(reference.Name!))
                {
                    continue;
                }
                try
                {
                    pending.Enqueue(Assembly.Load(reference));
                }
                catch (Exception exception) when (exception is FileNotFoundException or FileLoadException or BadImageFormatException)
                {
                    // Not deployed with the tests (a design-time reference): nothing of it can be named here.
                }
            }
        }
        return [.. seen.Values];
    }

    private static IEnumerable<Type> TypesOf(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException exception)
        {
            return exception.Types.OfType<Type>();
        }
    }

    private static string SimpleName(Type type)
    {
        var tick = type.Name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? type.Name : type.Name[..tick];
    }

    private static IEnumerable<string> Walk(string root)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.TryPop(out var directory))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(directory))
            {
                var name = Path.GetFileName(entry);
                var relative = Path.GetRelativePath(root, entry).Replace('\\', '/');
                if (Directory.Exists(entry))
                {
                    if (name is "bin" or "obj" or "node_modules" or ".git" or ".work" or "TestResults")
                    {
                        continue;
                    }
                    pending.Push(entry);
                    yield return relative + "/";
                }
                else
                {
                    yield return relative;
                }
            }
        }
    }

    [GeneratedRegex(@"\b(?:class|record|struct|interface|enum)\s+([A-Z]\w*)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex("\"([A-Z][A-Za-z0-9]+)\"")]
    private static partial Regex NameLiteral();

    [GeneratedRegex(@"^\s*-\s*alert:\s*([A-Za-z0-9_]+)", RegexOptions.Multiline)]
    private static partial Regex AlertName();
}
