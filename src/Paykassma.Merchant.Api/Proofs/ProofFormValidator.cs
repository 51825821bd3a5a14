namespace Paykassma.Merchant.Api.Proofs;

/// <summary>A proof that passed every check, ready to be stored. Dispose it to return the screenshot's buffer.</summary>
public sealed record ValidProof(
    string TransactionNumber,
    int Amount,
    PooledScreenshot Screenshot,
    ScreenshotKind Kind,
    string Sha256,
    string OriginalFileName) : IDisposable
{
    public void Dispose() => Screenshot.Dispose();
}

/// <summary>
/// Checks a proof upload field by field and reports every problem at once, keyed by field name.
/// Nothing is stored and nothing is sent unless all of it holds.
/// </summary>
public static class ProofFormValidator
{
    public const string TransactionNumberField = "transactionNumber";
    public const string AmountField = "amount";
    public const string ScreenshotField = "screenshot";
    private static readonly string[] KnownFields = [TransactionNumberField, AmountField, ScreenshotField];

    /// <summary>A bank transaction number: exactly this many ASCII digits (the OpenAPI document's pattern says the same).</summary>
    public const int TransactionNumberLength = 12;

    public static async Task<(ValidProof? Proof, Dictionary<string, string[]> Errors)> ValidateAsync(
        IFormCollection form, ProofOptions options, Deposits.DepositOptions deposits, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();

        // An unexpected field (say, "label") is refused rather than ignored: it would mean the
        // client believes it controls something it does not.
        foreach (var name in form.Keys.Concat(form.Files.Select(f => f.Name)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (!KnownFields.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                errors[name] = [$"Unknown field '{name}'. Send only {string.Join(", ", KnownFields)}."];
            }
        }

        var transactionNumber = SingleText(form, TransactionNumberField, errors);
        if (transactionNumber is not null && !IsTwelveAsciiDigits(transactionNumber))
        {
            errors[TransactionNumberField] = [$"The transaction number must be exactly {TransactionNumberLength} digits (0-9), as shown in the bank app."];
        }

        var amountText = SingleText(form, AmountField, errors);
        int amount = 0;
        if (amountText is not null && !TryParseAmount(amountText, deposits, out amount))
        {
            errors[AmountField] = [deposits.AmountRule];
        }

        var files = form.Files.GetFiles(ScreenshotField);
        IFormFile? screenshot = null;
        if (files.Count == 0)
        {
            errors[ScreenshotField] = [form.Keys.Contains(ScreenshotField, StringComparer.OrdinalIgnoreCase)
                ? "The screenshot must be sent as a file, not as text."
                : "The screenshot is required."];
        }
        else if (files.Count > 1)
        {
            errors[ScreenshotField] = ["Send exactly one screenshot."];
        }
        else if (files[0].Length == 0)
        {
            errors[ScreenshotField] = ["The screenshot is empty."];
        }
        else if (files[0].Length > options.MaxScreenshotBytes)
        {
            errors[ScreenshotField] = [ScreenshotLimit(options)];
        }
        else
        {
            screenshot = files[0];
        }

        if (screenshot is null)
        {
            return (null, errors);
        }

        // Read once into a pooled buffer; everything after (checks, storage, gateway) uses it.
        PooledScreenshot content;
        await using (var stream = screenshot.OpenReadStream())
        {
            content = await PooledScreenshot.ReadAsync(stream, screenshot.Length, cancellationToken);
        }
        var inspected = ScreenshotInspector.Inspect(content.Memory.Span);
        if (inspected.Kind is null)
        {
            errors[ScreenshotField] = ["The screenshot must be a JPEG, PNG, WebP, HEIC or PDF file (checked by its content)."];
        }
        if (errors.Count > 0)
        {
            content.Dispose();
            return (null, errors);
        }
        return (new ValidProof(transactionNumber!, amount, content, inspected.Kind!, inspected.Sha256,
            SafeFileName(screenshot.FileName)), errors);
    }

    /// <summary>The screenshot's size limit in words, as its field error and the upload's 413 say it.</summary>
    public static string ScreenshotLimit(ProofOptions options) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"The screenshot must be at most {options.MaxScreenshotBytes / (1024.0 * 1024):0.##} MB ({options.MaxScreenshotBytes} bytes).");

    private static string? SingleText(IFormCollection form, string field, Dictionary<string, string[]> errors)
    {
        if (!form.TryGetValue(field, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            errors[field] = [$"The {field} is required."];
            return null;
        }
        if (values.Count > 1)
        {
            errors[field] = [$"Send {field} once."];
            return null;
        }
        return values[0];
    }

    private static bool IsTwelveAsciiDigits(string value) => value.Length == TransactionNumberLength && value.All(char.IsAsciiDigit);

    private static bool TryParseAmount(string text, Deposits.DepositOptions deposits, out int amount)
    {
        amount = 0;
        // Digits only: no sign, spaces, separators or fractions ("1e3" and "300.00" are not whole BTN).
        if (text.Length is 0 or > 10 || !text.All(char.IsAsciiDigit) || !long.TryParse(text, out var value))
        {
            return false;
        }
        if (!deposits.AllowsAmount(value))
        {
            return false;
        }
        amount = (int)value;
        return true;
    }

    /// <summary>The client's file name, kept for ops only: no path, no control characters, bounded.</summary>
    private static string SafeFileName(string? name)
    {
        var baseName = Path.GetFileName(name ?? "") ?? "";
        var clean = new string(baseName.Where(c => !char.IsControl(c)).ToArray());
        return clean.Length == 0 ? "screenshot" : clean[..Math.Min(clean.Length, 255)];
    }
}
