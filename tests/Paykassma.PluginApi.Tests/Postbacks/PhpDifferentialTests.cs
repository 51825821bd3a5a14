using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Paykassma.PluginApi.Postbacks;
using Paykassma.Tests.Shared;
using Xunit.Abstractions;

namespace Paykassma.PluginApi.Tests.Postbacks;

/// <summary>
/// Asks real PHP at test time (tests/php-crosscheck/differential.php) to json_encode thousands of fresh
/// random values, then parses each of PHP's outputs and writes it again with <see cref="PhpJson"/> in
/// every flag set, expecting PHP's bytes exactly. The committed corpus (<see cref="PhpJsonCorpusTests"/>)
/// holds a fixed few hundred values; this sees new ones every day.
/// </summary>
public sealed class PhpDifferentialTests(ITestOutputHelper output)
{
    // The fixed seed checks the same values on every run; the varying one (the date, or the
    // environment variable to replay a failure) reaches values no run has checked before.
    private const int FixedSeed = 20260127;
    private const string SeedVariable = "PHP_DIFFERENTIAL_SEED";
    private const int ValuesPerSeed = 2000;
    private const int MismatchesShown = 5;

    // The order differential.php writes them in, one base64 column each.
    private static readonly (string Name, PhpJsonFlags Flags)[] Encodings =
    [
        ("no flags", PhpJsonFlags.None),
        ("UNESCAPED_SLASHES|UNESCAPED_UNICODE", PhpJsonFlags.Signing),
        ("PRETTY_PRINT", PhpJsonFlags.PrettyPrint),
    ];

    // Kinds of value the random ones must include, seen in PHP's no-flags output: if the generator
    // stopped producing one, every comparison could pass while checking nothing of that kind.
    private static readonly (string Kind, Regex Pattern)[] RequiredKinds =
    [
        ("a control character as \\u00xx", new Regex(@"\\u00[01][0-9a-f]")),
        ("a control character as \\b \\f \\n \\r or \\t", new Regex(@"\\[bfnrt]")),
        ("an escaped quote", new Regex(@"\\""")),
        ("an escaped backslash", new Regex(@"\\\\")),
        ("an escaped slash", new Regex(@"\\/")),
        ("DEL", new Regex("\x7f")),
        ("< > & ' +", new Regex("[<>&'+]")),
        ("U+2028 or U+2029", new Regex(@"\\u202[89]")),
        ("an astral character as a surrogate pair", new Regex(@"\\ud[89ab][0-9a-f]{2}\\ud[c-f][0-9a-f]{2}")),
        ("a non-ASCII BMP character", new Regex(@"\\u(?!00[01]|d[89a-f]|202[89])[0-9a-f]{4}")),
        ("an integer past 2^53", new Regex(@"[\[:,]-?\d{17,19}[,\]}]")),
        ("a float with a fraction", new Regex(@"[\[:,]-?\d+\.\d+[,\]}]")),
        ("a float with a positive exponent", new Regex(@"\d\.\d+e\+\d+")),
        ("a float with a negative exponent", new Regex(@"\d\.\d+e-\d+")),
        ("negative zero", new Regex(@"[\[:,]-0[,\]}]")),
        ("an object with integer keys", new Regex(@"\{""-?\d+"":[^{}\[\]]*,""-?\d+"":")),
        ("a string of digits", new Regex(@"[\[:,]""\d+""[,\]}]")),
        ("an empty list", new Regex(@"\[\]")),
        ("an empty object", new Regex(@"\{\}")),
        ("true", new Regex("true")),
        ("false", new Regex("false")),
        ("null", new Regex("null")),
    ];

    public static TheoryData<int> Seeds
    {
        get
        {
            var seeds = new TheoryData<int> { FixedSeed };
            var varyingSeed = VaryingSeed();
            if (varyingSeed != FixedSeed)
            {
                seeds.Add(varyingSeed);
            }

            return seeds;
        }
    }

    [PhpTheory]
    [MemberData(nameof(Seeds))]
    public async Task PHP_json_encode_output_is_written_back_byte_for_byte_in_every_flag_set(int seed)
    {
        Assert.True(PhpCli.Executable is not null, PhpCli.MissingMessage);
        var replay = $"replay with {SeedVariable}={seed} dotnet test tests/Paykassma.PluginApi.Tests --filter FullyQualifiedName~PhpDifferential, "
            + $"or see PHP's encodings (base64) with: php -d serialize_precision=-1 tests/php-crosscheck/differential.php {seed} {ValuesPerSeed}";
        output.WriteLine($"seed {seed}; {replay}");

        var (phpVersion, cases) = ParseCases(await PhpCli.RunScriptAsync(DifferentialScript, Invariant(seed), Invariant(ValuesPerSeed)));
        var randomCount = cases.Count(c => c.Name.StartsWith("random-", StringComparison.Ordinal));
        Assert.True(randomCount == ValuesPerSeed, $"PHP wrote {randomCount} random values, expected {ValuesPerSeed}");

        var (comparisons, mismatchCount, firstMismatches) = CompareAll(cases);

        output.WriteLine($"{phpVersion}: {cases.Count} values, {comparisons} re-encodings compared, {mismatchCount} differ");
        Assert.True(mismatchCount == 0,
            $"{mismatchCount} of {comparisons} re-encodings differ from {phpVersion} json_encode (seed {seed}; {replay}). "
            + $"The first of each of the first {firstMismatches.Count} values:\n\n{string.Join("\n\n", firstMismatches)}");

        var randomNoFlagOutputs = cases.Where(c => c.Name.StartsWith("random-", StringComparison.Ordinal))
            .Select(c => Encoding.UTF8.GetString(c.Encodings[0]))
            .ToList();
        var missingKinds = RequiredKinds.Where(kind => !randomNoFlagOutputs.Any(kind.Pattern.IsMatch)).Select(kind => kind.Kind).ToList();
        Assert.True(missingKinds.Count == 0,
            $"None of the {ValuesPerSeed} random values (seed {seed}) holds: {string.Join("; ", missingKinds)}. "
            + "tests/php-crosscheck/random-values.php no longer generates them.");
    }

    private static string DifferentialScript => Path.Combine(AppContext.BaseDirectory, "php-crosscheck", "differential.php");

    private static int VaryingSeed()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(SeedVariable);
        return string.IsNullOrEmpty(fromEnvironment)
            ? int.Parse(DateTime.UtcNow.ToString("yyyyMMdd", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
            : int.Parse(fromEnvironment, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private static (int Comparisons, int MismatchCount, List<string> FirstMismatches) CompareAll(List<PhpCase> cases)
    {
        var comparisons = 0;
        var mismatchCount = 0;
        var firstMismatches = new List<string>();
        foreach (var phpCase in cases)
        {
            var mismatches = Compare(phpCase, ref comparisons);
            mismatchCount += mismatches.Count;

            // One per value: a broken rule usually breaks all nine re-encodings of a value alike.
            if (mismatches.Count > 0 && firstMismatches.Count < MismatchesShown)
            {
                firstMismatches.Add(mismatches[0]);
            }
        }

        return (comparisons, mismatchCount, firstMismatches);
    }

    /// <summary>Parses each of PHP's encodings of one value and writes it back in every flag set.</summary>
    private static List<string> Compare(PhpCase phpCase, ref int comparisons)
    {
        var problems = new List<string>();
        for (var wire = 0; wire < Encodings.Length; wire++)
        {
            JsonDocument parsed;
            try
            {
                parsed = JsonDocument.Parse(phpCase.Encodings[wire], new JsonDocumentOptions { MaxDepth = PhpJson.MaxDepth });
            }
            catch (JsonException exception)
            {
                problems.Add($"{phpCase.Name}: System.Text.Json cannot parse PHP's {Encodings[wire].Name} output: {exception.Message}\n"
                    + $"  PHP: {Visible(phpCase.Encodings[wire])}");
                continue;
            }

            using (parsed)
            {
                for (var written = 0; written < Encodings.Length; written++)
                {
                    comparisons++;
                    var expected = phpCase.Encodings[written];
                    var heading = $"{phpCase.Name}: parsed from PHP's {Encodings[wire].Name} output, written with {Encodings[written].Name}";
                    byte[] actual;
                    try
                    {
                        actual = PhpJson.Encode(parsed.RootElement, Encodings[written].Flags);
                    }
                    catch (PhpJsonException exception)
                    {
                        problems.Add($"{heading}: PhpJson refused it ({exception.Error})\n  PHP: {Visible(expected)}");
                        continue;
                    }

                    if (!actual.AsSpan().SequenceEqual(expected))
                    {
                        var at = expected.AsSpan().CommonPrefixLength(actual);
                        problems.Add($"{heading}; first difference at byte {at}\n"
                            + $"  PHP: {Visible(expected)}\n"
                            + $"  C#:  {Visible(actual)}\n"
                            + $"  PHP bytes {at}..: {Hex(expected, at)}\n"
                            + $"  C#  bytes {at}..: {Hex(actual, at)}");
                    }
                }
            }
        }

        return problems;
    }

    private static (string PhpVersion, List<PhpCase> Cases) ParseCases(string phpOutput)
    {
        var lines = phpOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 0 && lines[0].StartsWith("# ", StringComparison.Ordinal), $"differential.php wrote no header line: {phpOutput[..Math.Min(200, phpOutput.Length)]}");
        var cases = lines.Skip(1).Select(line =>
        {
            var columns = line.Split(' ');
            Assert.True(columns.Length == 1 + Encodings.Length, $"differential.php wrote a malformed line: {line}");
            return new PhpCase(columns[0], [.. columns.Skip(1).Select(Convert.FromBase64String)]);
        }).ToList();
        return (lines[0][2..], cases);
    }

    // Control pictures for the newlines of pretty-printed output keep each report on one line.
    private static string Visible(byte[] utf8)
        => string.Concat(Encoding.UTF8.GetString(utf8).Select(c => c < 0x20 ? (char)(0x2400 + c) : c));

    private static string Hex(byte[] bytes, int from)
        => from >= bytes.Length ? "(end)" : Convert.ToHexString(bytes, from, Math.Min(16, bytes.Length - from));

    private static string Invariant(int number) => number.ToString(CultureInfo.InvariantCulture);

    /// <summary>One value as PHP encoded it, in the order of <see cref="Encodings"/>.</summary>
    private sealed record PhpCase(string Name, byte[][] Encodings);
}
