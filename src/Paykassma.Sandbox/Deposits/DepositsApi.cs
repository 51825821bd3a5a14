using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Paykassma.Sandbox.Gateway;

namespace Paykassma.Sandbox.Deposits;

/// <summary><c>POST /api/v1/transaction/create/{wallet_type}</c>: hands out requisites for a deposit.</summary>
internal static partial class DepositsApi
{
    /// <summary>Labels that start with these (any case) pick a failure path, so it can be tried from a browser.</summary>
    public const string FailLabelPrefix = "fail";
    public const string DownLabelPrefix = "down";
    public const string StallLabelPrefix = "stall";
    public const string FailLabelMessage = "Requisites are temporarily unavailable";

    public static RouteGroupBuilder MapDepositsApi(this RouteGroupBuilder gateway)
    {
        gateway.MapPost("/transaction/create/{wallet_type}", CreateAsync);
        return gateway;
    }

    internal sealed record Services(
        IOptions<SandboxOptions> Options,
        DepositRequestLog Log,
        TimeProvider Time,
        ILogger<DepositRequestLog> Logger);

    private static async Task<IResult> CreateAsync(
        [FromRoute(Name = "wallet_type")] string walletType,
        HttpRequest request,
        [AsParameters] Services services)
    {
        var options = services.Options.Value;
        var receivedAt = services.Time.GetUtcNow();
        var aborted = request.HttpContext.RequestAborted;
        var (currency, label, problems) = await ReadAsync(request, options, aborted);
        if (!string.Equals(walletType, options.WalletType, StringComparison.Ordinal))
        {
            problems.Insert(0, $"wallet_type must be {options.WalletType}");
        }

        var answer = problems.Count > 0
            ? GatewayAnswers.Fail(FieldRules.Join(problems), options.FailHttpStatus)
            : AnswerFor(label!, options);
        services.Log.Record(receivedAt, walletType, currency, label, answer);
        LogAnswered(services.Logger, label, answer.StatusCode, answer.Body);

        var stallFirst = problems.Count == 0 && HasPrefix(label, StallLabelPrefix);
        if (stallFirst && !await Stall.HoldAsync(options.StallDuration, services.Time, aborted))
        {
            return Results.Empty;
        }

        return answer.ToResult();
    }

    private static GatewayAnswer AnswerFor(string label, SandboxOptions options) => label switch
    {
        _ when HasPrefix(label, FailLabelPrefix) => GatewayAnswers.Fail(FailLabelMessage, options.FailHttpStatus),
        _ when HasPrefix(label, DownLabelPrefix) => GatewayAnswers.ServiceUnavailable,
        _ => GatewayAnswers.RequisitesOk(Requisites.For(label, options)),
    };

    private static bool HasPrefix(string? label, string prefix) =>
        label?.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// Reads the body by hand rather than by model binding: a malformed body must get the gateway's
    /// <c>{"status":"fail"}</c>, not ASP.NET Core's 400, and a field of the wrong JSON type must be named.
    /// </summary>
    private static async Task<(string? Currency, string? Label, List<string> Problems)> ReadAsync(
        HttpRequest request, SandboxOptions options, CancellationToken aborted)
    {
        const string expectedShape = """request body must be a JSON object like {"currency":"BTN","label":"user-1"}""";
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, default, aborted);
            if (body.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null, [expectedShape]);
            }

            var currencyProblem = ReadString(body.RootElement, "currency", out var currency)
                ?? FieldRules.CheckExactly("currency", currency, 3, options.Currency);
            var labelProblem = ReadString(body.RootElement, "label", out var label)
                ?? FieldRules.CheckText("label", label, FieldRules.MaxTextLength);
            return (currency, label, new[] { currencyProblem, labelProblem }.OfType<string>().ToList());
        }
        catch (JsonException)
        {
            return (null, null, [expectedShape]);
        }
        catch (IOException exception) when (!aborted.IsCancellationRequested)
        {
            return (null, null, [$"request body could not be read: {exception.Message}"]);
        }
    }

    /// <returns>A problem when the field is there but not a string; a missing field is left to the field rules.</returns>
    private static string? ReadString(JsonElement body, string field, out string? value)
    {
        value = null;
        if (!body.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return $"{field} must be a string";
        }

        value = element.GetString();
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Create deposit for label {Label} answered {StatusCode} {Body}")]
    private static partial void LogAnswered(ILogger logger, string? label, int statusCode, string body);
}
