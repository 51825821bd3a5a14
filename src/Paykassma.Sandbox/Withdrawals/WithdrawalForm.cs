using System.Text.Json;
using Paykassma.Sandbox.Gateway;

namespace Paykassma.Sandbox.Withdrawals;

/// <summary>The fields of one valid withdrawal request, named as on the wire.</summary>
internal sealed record SubmittedWithdrawal(
    string WithdrawalId,
    string PaymentSystem,
    long Amount,
    string CurrencyCode,
    bool IsTest,
    string Label,
    string AccountNumber,
    string AccountName,
    IReadOnlyDictionary<string, string>? BankDetails);

/// <summary>
/// Reads the withdrawal-create body and checks every field with the rules of the gateway's pages, worded as
/// Laravel words them. Read by hand, not bound: a malformed body must get the gateway's
/// <c>{"status":"fail"}</c>, and the signature covers the values exactly as they arrived.
/// </summary>
internal static partial class WithdrawalForm
{
    public const int MaxIdLength = 36;
    public const int MaxLabelLength = 36;

    /// <param name="Body">The body as received when it was JSON, for the request log.</param>
    /// <param name="WithdrawalId">The withdrawal_id when it was valid, even if other fields were not (for the "already taken" rule).</param>
    /// <param name="Withdrawal">The fields when every rule passed.</param>
    /// <param name="JoinedValues">What the signature covers; null when the body is not a JSON object.</param>
    public sealed record Result(
        JsonElement? Body,
        string? WithdrawalId,
        SubmittedWithdrawal? Withdrawal,
        string? Signature,
        string? JoinedValues,
        FieldErrors Errors);

    public static async Task<Result> ReadAsync(
        HttpRequest request, SandboxOptions sandbox, WithdrawalOptions options, CancellationToken aborted)
    {
        // Laravel reads a JSON body only when it is labelled JSON; any other body reaches its rules as no fields at all.
        if (!request.HasJsonContentType())
        {
            return Refused(null, "The request must be JSON (Content-Type: application/json).");
        }

        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, default, aborted);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Refused(null, "The request body must be a JSON object.");
        }
        catch (IOException exception) when (!aborted.IsCancellationRequested)
        {
            return Refused(null, $"The request body could not be read: {exception.Message}");
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return Refused(body, "The request body must be a JSON object.");
        }

        // PHP's json_decode refuses a lone surrogate escape ("\ud800"): to the gateway such a body is no JSON at all.
        if (HasLoneSurrogate(body))
        {
            return Refused(body, "The request body must be valid JSON (it has a lone surrogate escape).");
        }

        var errors = new FieldErrors();
        var fields = Fields(body, errors);
        var withdrawalId = Text(fields, "withdrawal_id", errors, MaxIdLength);
        var paymentSystem = OneOf(fields, "payment_system", errors, options.WithdrawalPaymentSystem);
        var amount = Amount(fields, errors);
        var currencyCode = CurrencyCode(fields, errors, sandbox.Currency);
        var isTest = IsTest(fields, errors);
        var label = Text(fields, "label", errors, MaxLabelLength);
        var accountNumber = AccountNumber(fields, errors);
        var accountName = AccountName(fields, errors);
        var bankDetails = BankDetails(fields, errors);
        var signature = Text(fields, GatewayWithdrawalSignature.SignatureField, errors, int.MaxValue);

        // Repeated keys are refused above, so the joined values are those of a well-defined request.
        var joined = errors.Any ? null : GatewayWithdrawalSignature.JoinedValues(body);
        var withdrawal = errors.Any
            ? null
            : new SubmittedWithdrawal(withdrawalId!, paymentSystem!, amount!.Value, currencyCode!, isTest, label!, accountNumber!, accountName!, bankDetails);
        return new(body, withdrawalId, withdrawal, signature, joined, errors);
    }

    private static Result Refused(JsonElement? body, string message) =>
        new(body, null, null, null, null, FieldErrors.Of("body", message));

    private static bool HasLoneSurrogate(JsonElement body)
    {
        try
        {
            return HasLoneSurrogateIn(body);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to turn most lone surrogate escapes into a string at all.
            return true;
        }
    }

    private static bool HasLoneSurrogateIn(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => FieldRules.HasLoneSurrogate(value.GetString()!),
        JsonValueKind.Object => value.EnumerateObject().Any(property => FieldRules.HasLoneSurrogate(property.Name) || HasLoneSurrogateIn(property.Value)),
        JsonValueKind.Array => value.EnumerateArray().Any(HasLoneSurrogateIn),
        _ => false,
    };
}
