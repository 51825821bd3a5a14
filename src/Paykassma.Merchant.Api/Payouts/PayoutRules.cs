using System.Text.Json;
using System.Text.RegularExpressions;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>
/// The gateway's rules for a payout's fields (docs/gateway-protocol.md §4), checked before anything
/// is stored: a payout that the gateway would refuse for its shape is the caller's 422, not a
/// refused payout for ops.
/// </summary>
public static partial class PayoutRules
{
    public const int MaxLabelLength = 36;
    public const int MaxWithdrawalIdLength = 36;
    public const int MaxAccountNameLength = 30;
    public const int MaxAccountNumberLength = 34;
    public const int MaxBankDetails = 10;
    public const int MaxBankDetailNameLength = 64;
    public const int MaxBankDetailValueLength = 128;
    public const int MaxReasonLength = 500;

    // The patterns the checks below use, which the OpenAPI document states for the same fields.
    public const string AccountNumberPattern = "^[0-9 -]+$";
    public const string AccountNamePattern = "^[a-zA-Z ]{1,30}$";
    public const string BankDetailNamePattern = "^[a-z0-9_]{1,64}$";

    public static (ValidPayout? Valid, Dictionary<string, string[]> Errors) Validate(CreatePayoutRequest? request, PayoutOptions settings)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null)
        {
            errors[""] = ["A JSON body is required."];
            return (null, errors);
        }

        if (string.IsNullOrWhiteSpace(request.Label) || request.Label.Length > MaxLabelLength || request.Label.Any(char.IsControl))
        {
            errors["label"] = [$"Required: 1 to {MaxLabelLength} characters, no control characters."];
        }
        if (request.Amount is not { } amount || amount <= 0)
        {
            errors["amount"] = ["Required: a whole number greater than 0."];
        }
        else if (amount > settings.MaxAmount)
        {
            errors["amount"] = [$"At most {settings.MaxAmount} per payout."];
        }
        var accountNumber = AccountDigits(request.AccountNumber);
        if (accountNumber is null)
        {
            errors["accountNumber"] = [$"Required: 1 to {MaxAccountNumberLength} digits (spaces and dashes between them are ignored)."];
        }
        if (request.AccountName is not { } name || !AccountName().IsMatch(name) || string.IsNullOrWhiteSpace(name))
        {
            errors["accountName"] = [$"Required: 1 to {MaxAccountNameLength} Latin letters and spaces, not only spaces."];
        }
        var bankDetails = ValidateBankDetails(request.BankDetails, errors);

        return errors.Count > 0
            ? (null, errors)
            : (new ValidPayout(request.Label!, (int)request.Amount!.Value, accountNumber!, request.AccountName!, bankDetails), errors);
    }

    private static Dictionary<string, string>? ValidateBankDetails(Dictionary<string, JsonElement>? details, Dictionary<string, string[]> errors)
    {
        if (details is null)
        {
            return null;
        }
        if (details.Count is 0 or > MaxBankDetails)
        {
            errors["bankDetails"] = [$"When given: 1 to {MaxBankDetails} fields."];
            return null;
        }
        var valid = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in details)
        {
            if (!BankDetailName().IsMatch(key))
            {
                errors["bankDetails"] = [$"Field names are 1 to {MaxBankDetailNameLength} of a-z, 0-9 and _."];
                return null;
            }
            if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 and <= MaxBankDetailValueLength } text
                || text.Any(char.IsControl))
            {
                errors["bankDetails"] = [$"'{key}' must be a string of 1 to {MaxBankDetailValueLength} characters without control characters."];
                return null;
            }
            valid[key] = text;
        }
        return valid;
    }

    /// <summary>
    /// The account number as the gateway reads it: its digits. Spaces and dashes (as people copy a
    /// number: "9440 377-924") are dropped, so they never make another account of the same one (its
    /// daily total, its approval); what is left is stored, sent, fingerprinted and counted. Null when
    /// anything else is in it or there are not 1 to 34 digits.
    /// </summary>
    public static string? AccountDigits(string? number)
    {
        if (number is null || !AccountNumberAsTyped().IsMatch(number))
        {
            return null;
        }
        var digits = number.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return digits.Length is >= 1 and <= MaxAccountNumberLength ? digits : null;
    }

    /// <summary>The stored bank details (a JSON object of strings) as a map, or null.</summary>
    public static IReadOnlyDictionary<string, string>? ReadBankDetails(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(json);

    // ASCII digits, spaces and hyphen-minus only: \d would admit other scripts' digits, which the gateway does not read as these.
    [GeneratedRegex(AccountNumberPattern, RegexOptions.CultureInvariant)]
    private static partial Regex AccountNumberAsTyped();

    // The gateway's rule on its example payout method is ^[a-zA-Z\s]{1,30}$; plain spaces only here,
    // since .NET's and PHP's \s disagree (Unicode spaces) and a newline in a name is nobody's name.
    [GeneratedRegex(AccountNamePattern, RegexOptions.CultureInvariant)]
    private static partial Regex AccountName();

    [GeneratedRegex(BankDetailNamePattern, RegexOptions.CultureInvariant)]
    private static partial Regex BankDetailName();
}
