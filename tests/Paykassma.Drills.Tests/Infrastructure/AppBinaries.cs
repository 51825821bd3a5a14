using System.Reflection;

namespace Paykassma.Drills.Tests.Infrastructure;

/// <summary>Where the build put the two apps: paths embedded by the project file at build time.</summary>
public static class AppBinaries
{
    public static string MerchantApi => Find("Paykassma.Merchant.Api");

    public static string Sandbox => Find("Paykassma.Sandbox");

    private static string Find(string name)
    {
        var path = typeof(AppBinaries).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "DrillApp:" + name)?.Value
            ?? throw new InvalidOperationException($"The build did not record where {name} is; rebuild the drills project.");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{name} is not built at {path}; run `dotnet build` first.", path);
    }
}
