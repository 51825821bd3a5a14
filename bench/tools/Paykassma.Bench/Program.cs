using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Paykassma.Bench;

// The bench scripts drive this tool; each command prints or writes one JSON object, except serve,
// which keeps an app running for a script (Serve.cs).
if (args.Length == 0)
{
    await Console.Error.WriteLineAsync("commands: serve | postbacks | token | paced | uploads | deposits | measure | record | report");
    return 2;
}

var separator = Array.IndexOf(args, "--");
var options = new Args(separator < 0 ? args.Skip(1) : args.Skip(1).Take(separator - 1));
var json = new JsonSerializerOptions { WriteIndented = true };

async Task Write(JsonObject result)
{
    var text = result.ToJsonString(json);
    if (options.Optional("out") is { } path)
    {
        await File.WriteAllTextAsync(path, text + "\n");
    }
    await Console.Out.WriteLineAsync(text);
}

switch (args[0])
{
    case "serve":
        return await Serve.RunAsync(options, separator < 0 ? [] : args[(separator + 1)..]);
    case "postbacks":
        PostbackBodies.Generate(options);
        return 0;
    case "token":
        await Console.Out.WriteLineAsync(Jwt.Mint(options.Text("key"), options.Text("issuer"), options.Text("audience"), options.Text("sub"),
            TimeSpan.FromHours(options.Double("hours", 2)), options.Optional("role")));
        return 0;
    case "paced":
        await Write(await PacedLoad.RunAsync(options));
        return 0;
    case "uploads":
        await Write(await Uploads.RunAsync(options));
        return 0;
    case "deposits":
        await Write(await DepositLatency.RunAsync(options));
        return 0;
    case "measure":
        await Write(await Measure.RunAsync(options, args[(separator + 1)..]));
        return 0;
    case "record":
        // record --out F key=value ...: merges numbers (or text) into a JSON file.
        var file = options.Text("out");
        var existing = File.Exists(file) ? JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject() : [];
        foreach (var pair in args[(separator + 1)..])
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var value = pair[(eq + 1)..];
            existing[pair[..eq]] = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? JsonValue.Create(number) : JsonValue.Create(value);
        }
        await File.WriteAllTextAsync(file, existing.ToJsonString(json) + "\n");
        return 0;
    case "report":
        var markdown = Report.Build(options.Text("dir"));
        await File.WriteAllTextAsync(options.Text("out"), markdown);
        await Console.Out.WriteLineAsync(markdown);
        return 0;
    default:
        await Console.Error.WriteLineAsync($"Unknown command '{args[0]}'.");
        return 2;
}
