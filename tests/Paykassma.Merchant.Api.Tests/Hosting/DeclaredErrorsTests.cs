using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Paykassma.Merchant.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Paykassma.Merchant.Api.Tests.Hosting;

/// <summary>
/// The error contract as a client meets it: for every operation of /openapi/v1.json and every 4xx
/// and 5xx it declares, a real answer is provoked (a missing token, a wrong role, a rate limit, a
/// database that refuses or never answers, a gateway that refuses or stalls, a body too large, each
/// operation's own refusals) and compared with the operation's example for that status: the status,
/// the media type, the problem <c>type</c>, the members, and the fields named in <c>errors</c>. A
/// status declared without a way to provoke it here fails the test, so a new declaration needs one.
/// </summary>
public sealed partial class DeclaredErrorsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Owner = "both-roles-owner";

    /// <summary>The service as most answers need it, on Kestrel (the server's own 413 comes from Kestrel).</summary>
    private readonly MerchantApiFactory _main = new MerchantApiFactory()
        .With("Payouts:ApprovalThreshold", "100")
        .With("Payouts:DailyLimitPerLabel", "5000")
        .With("Deposits:IdempotencyWait", "00:00:00.300")
        .With("Deposits:LiveStatus:MaxStreamsPerUser", "1")
        .With("Deposits:LiveStatus:MaxStreams", "2");

    /// <summary>One request a minute per user: the second is the rate limiter's.</summary>
    private readonly MerchantApiFactory _limited = new MerchantApiFactory()
        .With("RateLimits:FrontendPerMinute", "1")
        .With("RateLimits:ProofUploadsPerMinute", "1")
        .With("RateLimits:OpsPerMinute", "1");

    /// <summary>Payouts off and no payment window: their own 403s.</summary>
    private readonly MerchantApiFactory _disabled = new MerchantApiFactory()
        .With("Payouts:Enabled", "false")
        .With("Paykassma:PluginBaseUrl", null);

    /// <summary>A gateway timeout within seconds (the others give the gateway 30 s per attempt).</summary>
    private readonly MerchantApiFactory _impatient = new MerchantApiFactory().WithShortGatewayTimeouts();

    private readonly BrokenDatabase _refusing = BrokenDatabase.Refusing();
    private readonly BrokenDatabase _silent = BrokenDatabase.Silent();
    private MerchantApiFactory _down = null!;
    private MerchantApiFactory _stuck = null!;
    private IPEndPoint _kestrel = null!;
    private Arranged _data = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(_main.InitializeAsync(), _limited.InitializeAsync(), _disabled.InitializeAsync(), _impatient.InitializeAsync());
        _down = _refusing.Service();
        _stuck = _silent.Service(requestTimeLimit: TimeSpan.FromSeconds(1));
        _main.UseKestrel(0);
        _main.StartServer();
        var address = new Uri(_main.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        _kestrel = new IPEndPoint(IPAddress.Loopback, address.Port);
        _data = await ArrangeAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var api in new[] { _main, _limited, _disabled, _impatient, _down, _stuck })
        {
            await ((IAsyncLifetime)api).DisposeAsync();
        }
        _refusing.Dispose();
        _silent.Dispose();
    }

    [Fact]
    public async Task Every_declared_error_of_every_operation_answers_as_its_example_shows()
    {
        using var ops = _main.ClientFor("ops", ops: true);
        var document = await ops.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var declared = Declared(document).ToList();

        var checks = declared.Select(async error =>
        {
            if (Provoker(error) is not { } provoke)
            {
                return $"{error}: no way to provoke it here (add one to DeclaredErrorsTests)";
            }
            var answer = await provoke();
            output.WriteLine($"{error} → {answer.Status} {answer.Body[..Math.Min(answer.Body.Length, 240)]}");
            return Mismatch(error, answer);
        });
        var failures = (await Task.WhenAll(checks)).OfType<string>().ToList();

        Assert.True(declared.Count > 150, $"only {declared.Count} declared error answers found");
        Assert.True(failures.Count == 0, $"{failures.Count} of {declared.Count} declared error answers differ from their examples:\n"
                                         + string.Join("\n", failures));
    }

    /// <summary>One declared error answer: the operation, the status, and the example that documents it.</summary>
    private sealed record DeclaredError(string Operation, string Method, string Path, int Status, string MediaType, JsonElement Example)
    {
        public string? ExampleType => Example.ValueKind == JsonValueKind.Object && Example.TryGetProperty("type", out var type)
            ? type.GetString()!.Split('/')[^1] : null;

        public override string ToString() => $"{Operation} {Status} ({ExampleType ?? "gateway shape"})";
    }

    private static IEnumerable<DeclaredError> Declared(JsonElement document)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                foreach (var response in operation.Value.GetProperty("responses").EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
                {
                    var media = response.Value.GetProperty("content").EnumerateObject().Single();
                    yield return new DeclaredError(operation.Value.GetProperty("operationId").GetString()!, operation.Name.ToUpperInvariant(),
                        path.Name, int.Parse(response.Name, System.Globalization.CultureInfo.InvariantCulture), media.Name,
                        media.Value.GetProperty("example").Clone());
                }
            }
        }
    }

    /// <summary>What a real answer must share with its example; null when it does.</summary>
    private static string? Mismatch(DeclaredError error, Answer answer)
    {
        if (answer.Status != error.Status)
        {
            return $"{error}: answered {answer.Status} {answer.Body}";
        }
        if (answer.MediaType != error.MediaType)
        {
            return $"{error}: answered as {answer.MediaType}, the document says {error.MediaType}";
        }
        JsonElement body;
        try
        {
            body = JsonDocument.Parse(answer.Body).RootElement.Clone();
        }
        catch (JsonException)
        {
            return $"{error}: the body is not JSON: {answer.Body}";
        }
        var example = error.Example;
        if (error.ExampleType is { } type && body.GetProperty("type").GetString() != example.GetProperty("type").GetString())
        {
            return $"{error}: type {body.GetProperty("type").GetString()}, the example says {type}: {answer.Body}";
        }
        var members = Members(body);
        var documented = Members(example);
        if (!members.SetEquals(documented))
        {
            return $"{error}: members [{string.Join(", ", members.Order())}], the example shows [{string.Join(", ", documented.Order())}]: {answer.Body}";
        }
        if (example.TryGetProperty("errors", out var exampleErrors)
            && !Members(exampleErrors).SetEquals(Members(body.GetProperty("errors"))))
        {
            return $"{error}: errors for [{string.Join(", ", Members(body.GetProperty("errors")))}], the example names [{string.Join(", ", Members(exampleErrors))}]";
        }
        if (error.ExampleType is not null && (!body.TryGetProperty("detail", out var detail) || string.IsNullOrWhiteSpace(detail.GetString())))
        {
            return $"{error}: no detail saying what to change: {answer.Body}";
        }
        return null;
    }

    private static HashSet<string> Members(JsonElement value) => value.EnumerateObject().Select(p => p.Name).ToHashSet();

    /// <summary>An answer as received, by HttpClient or over a bare socket.</summary>
    private sealed record Answer(int Status, string? MediaType, string Body)
    {
        public static async Task<Answer> Of(HttpResponseMessage response)
        {
            using (response)
            {
                return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
            }
        }
    }

}
