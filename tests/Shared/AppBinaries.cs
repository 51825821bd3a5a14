using System.Reflection;
using System.Runtime.Versioning;

namespace Paykassma.Tests.Shared;

/// <summary>
/// Where the build put the two apps, to run them as processes (<see cref="AppHost"/>): each app's own
/// output folder in the repository, <c>src/&lt;App&gt;/bin/&lt;Configuration&gt;/&lt;framework&gt;/</c>, in the
/// configuration and for the framework this test assembly was built with. A test project that starts
/// an app references its project (a plain or a <c>ReferenceOutputAssembly="false"</c> reference), so
/// building the tests builds the app there first.
/// </summary>
public static class AppBinaries
{
    public static string MerchantApi => Find("Paykassma.Merchant.Api");

    public static string Sandbox => Find("Paykassma.Sandbox");

    private static string Find(string name)
    {
        var path = Path.Combine(Repository.Root, "src", name, "bin", Configuration, TargetFramework, name + ".dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{name} is not built at {path}; build the test project (it references the app) first.", path);
    }

    private static Assembly TestAssembly => typeof(AppBinaries).Assembly;

    private static string Configuration =>
        TestAssembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } configuration
            ? configuration
            : throw new InvalidOperationException($"{TestAssembly.GetName().Name} does not say which configuration built it.");

    /// <summary>".NETCoreApp,Version=v10.0" → "net10.0", the folder name the SDK gives that framework.</summary>
    private static string TargetFramework =>
        TestAssembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName is { } framework
            ? "net" + new FrameworkName(framework).Version.ToString(2)
            : throw new InvalidOperationException($"{TestAssembly.GetName().Name} does not say which framework it targets.");
}
