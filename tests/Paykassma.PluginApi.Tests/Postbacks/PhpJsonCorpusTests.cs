using System.Text.Json;
using Paykassma.PluginApi.Postbacks;

namespace Paykassma.PluginApi.Tests.Postbacks;

/// <summary>
/// Random values encoded by real PHP in all eight flag combinations (tests/php-crosscheck/generate.php):
/// whichever encoding arrives, re-encoding it with any flags must give PHP's bytes for those flags.
/// </summary>
public sealed class PhpJsonCorpusTests
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<PhpJsonFlags, string>> Entries = LoadCorpus();

    public static TheoryData<string> EntryIds => new(Entries.Keys);

    [Fact]
    public void Corpus_is_large_and_covers_every_flag_combination()
    {
        Assert.True(Entries.Count >= 400, $"only {Entries.Count} entries");
        Assert.All(Entries.Values, encodings => Assert.Equal(8, encodings.Count));
    }

    [Theory]
    [MemberData(nameof(EntryIds))]
    public void Signed_form_is_reproduced_from_every_wire_form(string id)
    {
        var encodings = Entries[id];
        var signed = encodings[PhpJsonFlags.Signing];

        foreach (var wire in encodings.Values)
        {
            using var parsed = JsonDocument.Parse(Fixtures.Utf8(wire));
            Utf8Assert.Equal(signed, PhpJson.Encode(parsed.RootElement, PhpJsonFlags.Signing));
        }
    }

    [Theory]
    [MemberData(nameof(EntryIds))]
    public void Every_flag_combination_is_reproduced_from_every_wire_form(string id)
    {
        var encodings = Entries[id];

        foreach (var wire in encodings.Values)
        {
            using var parsed = JsonDocument.Parse(Fixtures.Utf8(wire));
            foreach (var (flags, expected) in encodings)
            {
                Utf8Assert.Equal(expected, PhpJson.Encode(parsed.RootElement, flags));
            }
        }
    }

    private static Dictionary<string, IReadOnlyDictionary<PhpJsonFlags, string>> LoadCorpus()
    {
        using var document = Fixtures.Load("php-json-corpus.json");
        return document.RootElement.GetProperty("entries").EnumerateArray().ToDictionary(
            entry => entry.GetProperty("id").GetString()!,
            entry => (IReadOnlyDictionary<PhpJsonFlags, string>)entry.GetProperty("encodings").EnumerateObject().ToDictionary(
                encoding => (PhpJsonFlags)int.Parse(encoding.Name, System.Globalization.CultureInfo.InvariantCulture),
                encoding => encoding.Value.GetString()!));
    }
}
