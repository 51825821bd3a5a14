using System.Text;
using System.Text.Json;

namespace Paykassma.PluginApi.Tests.Postbacks;

/// <summary>Reads the JSON fixtures copied beside the test assembly.</summary>
internal static class Fixtures
{
    public static JsonDocument Load(string fileName)
        => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", fileName)));

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
