using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Primitives;
using Paykassma.Sandbox.Gateway;

namespace Paykassma.Sandbox.Proofs;

/// <summary>
/// Reads the possible-transaction form and checks every field as the gateway's page describes it.
/// The form is read by hand, not bound: binding an <see cref="IFormFile"/> would turn malformed
/// input into ASP.NET Core's 400 (and add antiforgery), where the gateway answers <c>{"status":"fail"}</c>.
/// </summary>
internal static class ProofForm
{
    public const int TransactionNumberLength = 12;
    private const string ExpectedShape =
        "request must be multipart/form-data with the fields currency_code, wallet_type, label, key1, "
        + "screenshot (a file), amount and custom_transaction_id";

    public sealed record Result(SubmittedProof? Proof, string? Problem);

    public static async Task<Result> ReadAsync(HttpRequest request, SandboxOptions options, CancellationToken aborted)
    {
        if (!request.HasFormContentType)
        {
            return new(null, ExpectedShape);
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(aborted);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException && !aborted.IsCancellationRequested)
        {
            // A missing boundary, a truncated part or a body over Kestrel's limit: the sender's fault, never a 500.
            return new(null, $"multipart/form-data body could not be read: {exception.Message}");
        }

        List<string> problems = [];
        var currencyCode = Single(form, "currency_code", problems);
        var walletType = Single(form, "wallet_type", problems);
        var label = Single(form, "label", problems);
        var key1 = Single(form, "key1", problems);
        var amountText = Single(form, "amount", problems);
        var customTransactionId = Single(form, "custom_transaction_id", problems);

        problems.AddRange(new[]
        {
            FieldRules.CheckExactly("currency_code", currencyCode, 3, options.Currency),
            FieldRules.CheckExactly("wallet_type", walletType, FieldRules.MaxTextLength, options.WalletType),
            FieldRules.CheckText("label", label, FieldRules.MaxTextLength),
            CheckTransactionNumber(key1),
            CheckAmount(amountText, out var amount),
            FieldRules.CheckText("custom_transaction_id", customTransactionId, FieldRules.MaxTextLength),
        }.OfType<string>());

        var screenshot = await ReadScreenshotAsync(form, options, problems, aborted);
        if (problems.Count > 0)
        {
            return new(null, FieldRules.Join(problems));
        }

        return new(new SubmittedProof(currencyCode!, walletType!, label!, key1!, amount, customTransactionId!, screenshot!), null);
    }

    /// <summary>A field sent twice is ambiguous (which one would the gateway take?), so it is refused.</summary>
    private static string? Single(IFormCollection form, string field, List<string> problems)
    {
        var values = form.TryGetValue(field, out var found) ? found : StringValues.Empty;
        if (values.Count > 1)
        {
            problems.Add($"{field} must be sent once");
        }

        return values.Count == 0 ? null : values[0];
    }

    private static string? CheckTransactionNumber(string? key1) => key1 switch
    {
        null => "key1 is required",
        // char.IsAsciiDigit, not char.IsDigit: the gateway's 12 digits are 0-9, not Arabic-Indic or full-width ones.
        _ when key1.Length != TransactionNumberLength || !key1.All(char.IsAsciiDigit) =>
            $"key1 must be exactly {TransactionNumberLength} digits (0-9)",
        _ => null,
    };

    private static string? CheckAmount(string? text, out long amount)
    {
        amount = 0;
        if (text is null)
        {
            return "amount is required";
        }

        // NumberStyles.None: digits only, so "1.5", "-5", " 5" and "1e3" are all refused as not whole.
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out amount))
        {
            return "amount must be a whole number of ngultrum (digits only)";
        }

        return amount > 0 ? null : "amount must be greater than 0";
    }

    private static async Task<ReceivedScreenshot?> ReadScreenshotAsync(
        IFormCollection form, SandboxOptions options, List<string> problems, CancellationToken aborted)
    {
        var files = form.Files.GetFiles("screenshot");
        string? problem = files.Count switch
        {
            0 when form.ContainsKey("screenshot") => "screenshot must be sent as a file, not as a text field",
            0 => "screenshot is required (a file)",
            > 1 => "screenshot must be sent once",
            _ when files[0].Length == 0 => "screenshot must not be empty",
            _ when files[0].Length > options.MaxScreenshotBytes =>
                $"screenshot must be at most {options.MaxScreenshotBytes} bytes",
            _ => null,
        };
        if (problem is not null)
        {
            problems.Add(problem);
            return null;
        }

        var file = files[0];
        var bytes = new byte[file.Length];
        await using (var content = file.OpenReadStream())
        {
            await content.ReadExactlyAsync(bytes, aborted);
        }

        return new ReceivedScreenshot(
            file.FileName,
            string.IsNullOrEmpty(file.ContentType) ? null : file.ContentType,
            bytes.LongLength,
            Convert.ToHexStringLower(SHA256.HashData(bytes)))
        {
            Bytes = options.KeepScreenshotBytes ? bytes : null,
        };
    }
}
