using System.Text;
using System.Text.Json.Nodes;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Paykassma.Merchant.Api.Tests.Hosting;

/// <summary>
/// The API contract as the merchant's frontend developers meet it: /openapi/v1.json fetched from the
/// running service, linted with Redocly's recommended rules, turned into TypeScript types by
/// openapi-typescript, and a typed usage of the frontend calls (tests/contract/usage.ts, through
/// openapi-fetch: create a deposit, upload its proof without a cast, follow its status live) compiled by
/// tsc --strict; and no <c>any</c> or <c>unknown</c> may stand in the generated types of our schemas. A
/// contract change that breaks their client fails here. A failed check keeps its folder under
/// tests/contract/.work (document, types, usage) to look at.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ContractTests(MerchantApiFactory api, ITestOutputHelper output)
{
    [Fact]
    public async Task The_document_lints_clean_under_Redocly_recommended_rules()
    {
        var tools = ContractToolchain.Locate();
        var work = tools.NewWorkFolder("lint");
        var document = await WriteDocumentAsync(work);

        var lint = await tools.LintAsync(document);

        output.WriteLine(lint.Transcript);
        var report = JsonNode.Parse(lint.StandardOutput)!;
        var problems = report["problems"]!.AsArray()
            .Select(p => $"{p!["severity"]} {p["ruleId"]}: {p["message"]} at {string.Join(", ", p["location"]!.AsArray().Select(l => l!["pointer"]))}")
            .ToList();
        // Warnings count too: one let through today is ten next year. A rule we disagree with is
        // turned down in tests/contract/redocly.yaml, with the reason next to it.
        Assert.True(lint.ExitCode == 0 && problems.Count == 0,
            $"Redocly lint of /openapi/v1.json: {report["totals"]?.ToJsonString()}{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
        Directory.Delete(work, recursive: true);
    }

    [Fact]
    public async Task The_generated_types_compile_the_frontend_usage_under_strict_tsc()
    {
        var tools = ContractToolchain.Locate();
        var work = tools.NewWorkFolder("client");
        await GenerateTypesAsync(tools, await WriteDocumentAsync(work), work);
        await File.WriteAllTextAsync(Path.Combine(work, "usage.ts"), File.ReadAllText(tools.UsageFile), Utf8);

        var compile = await tools.CompileAsync(work, "usage.ts");

        output.WriteLine(compile.Transcript);
        Assert.True(compile.ExitCode == 0, compile.Transcript);
        Directory.Delete(work, recursive: true);
    }

    /// <summary>
    /// A generated client is only as typed as the document: a schema without a type (an enum, a decimal
    /// behind a custom converter, a bare object) comes out <c>any</c>, <c>unknown</c> or an object that holds
    /// nothing, and the frontend's compiler then checks nothing there. None may be left in the types of our
    /// own schemas (ContractToolchain.UntypedLines says what is the generator's own scaffolding); and the
    /// check fails on one, shown with a field described as <c>{}</c>.
    /// </summary>
    [Fact]
    public async Task The_generated_types_of_our_schemas_hold_no_any_or_unknown()
    {
        var tools = ContractToolchain.Locate();
        var work = tools.NewWorkFolder("untyped");
        var untypedField = Directory.CreateDirectory(Path.Combine(work, "untyped-field")).FullName;
        await GenerateTypesAsync(tools, await WriteDocumentAsync(work), work);
        await GenerateTypesAsync(tools, await WriteDocumentAsync(untypedField, json =>
        {
            var document = JsonNode.Parse(json)!;
            document["components"]!["schemas"]!["DepositResponse"]!["properties"]!["currency"] = new JsonObject();
            return document.ToJsonString();
        }), untypedField);

        var untyped = ContractToolchain.UntypedLines(File.ReadAllText(Path.Combine(work, "merchant-api.ts")));
        var caught = ContractToolchain.UntypedLines(File.ReadAllText(Path.Combine(untypedField, "merchant-api.ts")));

        Assert.True(untyped.Count == 0, "Untyped in the generated types:\n" + string.Join("\n", untyped));
        Assert.Contains(caught, line => line.EndsWith("currency: unknown;", StringComparison.Ordinal));
        Directory.Delete(work, recursive: true);
    }

    /// <summary>
    /// The check above must be able to fail: a field renamed on either side (the frontend's usage, or
    /// the document the service serves) is a compile error naming that field. Both cases go through
    /// one tsc run (it is the slow step), each in a folder of its own with its own generated types.
    /// </summary>
    [Fact]
    public async Task A_renamed_field_on_either_side_fails_the_strict_compile()
    {
        var tools = ContractToolchain.Locate();
        var usage = File.ReadAllText(tools.UsageFile);
        Assert.Contains("requisites.walletNumber", usage, StringComparison.Ordinal);
        var work = tools.NewWorkFolder("broken");

        // The frontend misspells a field the document has.
        var renamedInUsage = Directory.CreateDirectory(Path.Combine(work, "renamed-in-usage")).FullName;
        await GenerateTypesAsync(tools, await WriteDocumentAsync(renamedInUsage), renamedInUsage);
        await File.WriteAllTextAsync(Path.Combine(renamedInUsage, "usage.ts"),
            usage.Replace("requisites.walletNumber", "requisites.walletNo", StringComparison.Ordinal), Utf8);
        // The service renames a field the frontend uses (as a C# rename of the record's property would).
        var renamedInDocument = Directory.CreateDirectory(Path.Combine(work, "renamed-in-document")).FullName;
        var document = await WriteDocumentAsync(renamedInDocument, json => json.Replace("\"walletNumber\"", "\"walletNo\"", StringComparison.Ordinal));
        await GenerateTypesAsync(tools, document, renamedInDocument);
        await File.WriteAllTextAsync(Path.Combine(renamedInDocument, "usage.ts"), usage, Utf8);

        var compile = await tools.CompileAsync(work, "renamed-in-usage/usage.ts", "renamed-in-document/usage.ts");

        output.WriteLine(compile.Transcript);
        Assert.NotEqual(0, compile.ExitCode);
        var errors = compile.Transcript.Split('\n').Where(line => line.Contains("error TS", StringComparison.Ordinal)).ToList();
        Assert.Contains(errors, line => line.Contains("renamed-in-usage/usage.ts(", StringComparison.Ordinal) && line.Contains("'walletNo'", StringComparison.Ordinal));
        Assert.Contains(errors, line => line.Contains("renamed-in-document/usage.ts(", StringComparison.Ordinal) && line.Contains("'walletNumber'", StringComparison.Ordinal));
        Directory.Delete(work, recursive: true);
    }

    /// <summary>The document as a frontend developer downloads it (outside Development it needs an ops token).</summary>
    private async Task<string> WriteDocumentAsync(string work, Func<string, string>? edit = null)
    {
        using var ops = api.ClientFor("ops", ops: true);
        using var response = await ops.GetAsync("/openapi/v1.json");
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadAsStringAsync();
        var path = Path.Combine(work, "openapi.json");
        await File.WriteAllTextAsync(path, edit is null ? json : edit(json), Utf8);
        return path;
    }

    /// <summary>openapi-typescript writes merchant-api.ts beside the usage file, which imports it as a frontend project would.</summary>
    private async Task GenerateTypesAsync(ContractToolchain tools, string document, string folder)
    {
        var generate = await tools.GenerateTypesAsync(document, Path.Combine(folder, "merchant-api.ts"));
        output.WriteLine(generate.Transcript);
        Assert.True(generate.ExitCode == 0, generate.Transcript);
    }

    private static readonly UTF8Encoding Utf8 = new(false);
}
