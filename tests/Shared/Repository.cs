namespace Paykassma.Tests.Shared;

/// <summary>
/// The repository a test runs from: the folder holding Paykassma.Merchant.sln, found above the test
/// assembly. The one way the kit and its users (source scans, docs checks, the built apps' paths) find it.
/// </summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Paykassma.Merchant.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException($"Paykassma.Merchant.sln not found above {AppContext.BaseDirectory}.");
    }
}
