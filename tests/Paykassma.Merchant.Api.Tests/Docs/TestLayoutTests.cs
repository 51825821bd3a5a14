using System.Text.RegularExpressions;

namespace Paykassma.Merchant.Api.Tests.Docs;

/// <summary>
/// Where a test goes (tests/Shared/README.md): a test project's folders mirror its project's folders in
/// src/, each file in the namespace of its folder, a test of a type next to that type's folder; a test
/// class's name is declared in one test project only; no test file over 300 lines.
/// </summary>
public sealed partial class TestLayoutTests
{
    private const int MaxLines = 300;

    /// <summary>Folders with no counterpart in src/: what crosses features (README, "Where a test goes").</summary>
    private static readonly string[] CrossCutting = ["Architecture", "Docs", "EndToEnd", "Infrastructure", "Sweep"];

    /// <summary>Each test project and the source project it mirrors (none: the drills run the whole system).</summary>
    private static readonly (string Tests, string? Source)[] Projects =
    [
        ("tests/Paykassma.Merchant.Api.Tests", "src/Paykassma.Merchant.Api"),
        ("tests/Paykassma.PluginApi.Tests", "src/Paykassma.PluginApi"),
        ("tests/Paykassma.Sandbox.Tests", "src/Paykassma.Sandbox"),
        ("tests/Paykassma.Drills.Tests", null),
    ];

    [Fact]
    public void Test_folders_mirror_the_folders_of_their_project_in_src()
    {
        Assert.Equal(
            Directory.GetDirectories(Path.Combine(DocText.Root, "tests"), "*.Tests").Select(Relative).Order(StringComparer.Ordinal),
            Projects.Select(project => project.Tests).Order(StringComparer.Ordinal));
        var problems = new List<string>();
        foreach (var (tests, source) in Projects)
        {
            foreach (var folder in SourceFiles(tests).Select(file => Folder(tests, file)).Distinct().Where(folder => folder.Length > 0))
            {
                var mirrored = source is not null && Directory.Exists(Path.Combine(DocText.Root, source, folder));
                if (!mirrored && !CrossCutting.Contains(folder.Split('/')[0]))
                {
                    problems.Add($"{tests}/{folder}/: no {source ?? "source"}/{folder}/ to mirror, and not one of the cross-cutting folders ({string.Join(", ", CrossCutting)})");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Each_test_file_is_in_the_namespace_of_its_folder()
    {
        var problems = new List<string>();
        foreach (var (tests, _) in Projects)
        {
            var root = Path.GetFileName(tests);
            foreach (var file in SourceFiles(tests))
            {
                var folder = Folder(tests, file);
                var expected = folder.Length == 0 ? root : $"{root}.{folder.Replace('/', '.')}";
                var declared = FileNamespace().Match(File.ReadAllText(Path.Combine(DocText.Root, file)));
                if (declared.Success && declared.Groups[1].Value != expected)
                {
                    problems.Add($"{file}: namespace {declared.Groups[1].Value}, its folder says {expected}");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void A_test_class_named_after_a_source_type_is_in_the_folder_of_that_type()
    {
        // FooTests tests Foo: it sits where Foo's folder is mirrored, not filed under another feature.
        var problems = new List<string>();
        foreach (var (tests, source) in Projects.Where(project => project.Source is not null))
        {
            var sourceFolders = SourceFiles(source!).Where(file => !file.Contains("/Migrations/", StringComparison.Ordinal))
                .SelectMany(file => DeclaredTypes(file).Select(type => (type, Folder: Folder(source!, file))))
                .GroupBy(found => found.type, found => found.Folder)
                .ToDictionary(group => group.Key, group => group.Distinct().ToList());
            foreach (var file in SourceFiles(tests))
            {
                foreach (var type in DeclaredTypes(file).Where(type => type.EndsWith("Tests", StringComparison.Ordinal)))
                {
                    if (sourceFolders.TryGetValue(type[..^"Tests".Length], out var folders) && folders.Count == 1
                        && folders[0] != Folder(tests, file))
                    {
                        problems.Add($"{file}: {type} tests {source}/{folders[0]}/{type[..^"Tests".Length]}; it belongs in {tests}/{folders[0]}/");
                    }
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void A_test_class_name_is_declared_in_one_test_project_only()
    {
        // The kit (tests/Shared) is compiled into several projects but written once: it counts as one.
        var projects = Projects.Select(project => project.Tests).Append("tests/Shared");
        var problems = projects
            .SelectMany(project => SourceFiles(project).SelectMany(DeclaredTypes).Distinct().Select(type => (type, project)))
            .GroupBy(found => found.type, found => found.project)
            .Where(group => group.Count() > 1)
            .Select(group => $"{group.Key} is declared in {string.Join(" and ", group)}: name each after its project's subject (e.g. SandboxCreateDepositTests)")
            .ToList();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void No_test_file_is_over_300_lines()
    {
        var problems = SourceFiles("tests")
            .Select(file => (file, Lines: File.ReadLines(Path.Combine(DocText.Root, file)).Count()))
            .Where(found => found.Lines > MaxLines)
            .Select(found => $"{found.file}: {found.Lines} lines; split it into partial files by behaviour, or its tests and their arrangement")
            .ToList();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    /// <summary>The .cs files under a folder of the repository (build output left out), relative to the root, with '/'.</summary>
    private static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(Path.Combine(DocText.Root, folder), "*.cs", SearchOption.AllDirectories)
            .Select(Relative)
            .Where(file => !file.Split('/').Any(part => part is "bin" or "obj" or "node_modules"))
            .Order(StringComparer.Ordinal);

    private static string Relative(string path) => Path.GetRelativePath(DocText.Root, path).Replace('\\', '/');

    /// <summary>The file's folder inside its project ("" at the project's root).</summary>
    private static string Folder(string project, string file) =>
        Path.GetDirectoryName(Path.GetRelativePath(project, file))!.Replace('\\', '/');

    /// <summary>The top-level types a file declares (file-scoped namespaces: at the start of a line), file-local ones left out.</summary>
    private static IEnumerable<string> DeclaredTypes(string file) =>
        TopLevelType().Matches(File.ReadAllText(Path.Combine(DocText.Root, file))).Select(match => match.Groups[1].Value);

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();

    [GeneratedRegex(@"^(?:public |internal )?(?:(?:static|sealed|abstract|partial|readonly|ref) )*(?:class|record struct|record class|record|struct|interface|enum) (\w+)", RegexOptions.Multiline)]
    private static partial Regex TopLevelType();
}
