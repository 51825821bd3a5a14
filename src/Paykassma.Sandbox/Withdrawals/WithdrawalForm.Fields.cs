using System.Text.Json;
using System.Text.RegularExpressions;
using Paykassma.Sandbox.Gateway;

namespace Paykassma.Sandbox.Withdrawals;

/// <summary>The withdrawal request's field rules, one method per field, worded as the gateway's validation answers.</summary>
internal static partial class WithdrawalForm
{
    /// <summary>
    /// The fields by name. A key sent twice is ambiguous (PHP would keep the last, a signer might have
    /// used the first), so it is refused rather than guessed.
    /// </summary>
    private static Dictionary<string, JsonElement> Fields(JsonElement body, FieldErrors errors)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in body.EnumerateObject())
        {
            if (!fields.TryAdd(property.Name, property.Value) && !errors.Has(property.Name))
            {
                errors.Add(property.Name, $"The {Attribute(property.Name)} field must be sent once.");
            }
        }

        return fields;
    }

    /// <summary>Laravel names a field in its messages with spaces for underscores.</summary>
    private static string Attribute(string field) => field.Replace('_', ' ');

    /// <summary>
    /// A required string of at most <paramref name="maxLength"/> characters (code points, as PHP's
    /// mb_strlen counts them). Blank counts as missing: Laravel trims input and turns "" into null.
    /// </summary>
    private static string? Text(Dictionary<string, JsonElement> fields, string field, FieldErrors errors, int maxLength)
    {
        if (errors.Has(field))
        {
            return null;
        }

        if (!fields.TryGetValue(field, out var value) || value.ValueKind == JsonValueKind.Null
            || (value.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(value.GetString())))
        {
            errors.Add(field, $"The {Attribute(field)} field is required.");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(field, $"The {Attribute(field)} must be a string.");
            return null;
        }

        var text = value.GetString()!;
        if (FieldRules.TextLength(text) > maxLength)
        {
            errors.Add(field, $"The {Attribute(field)} must not be greater than {maxLength} characters.");
            return null;
        }

        return text;
    }

    private static string? OneOf(Dictionary<string, JsonElement> fields, string field, FieldErrors errors, string allowed)
    {
        var text = Text(fields, field, errors, FieldRules.MaxTextLength);
        if (text is not null && !string.Equals(text, allowed, StringComparison.Ordinal))
        {
            errors.Add(field, $"The selected {Attribute(field)} is invalid (this account pays out with {allowed} only).");
            return null;
        }

        return text;
    }

    private static string? CurrencyCode(Dictionary<string, JsonElement> fields, FieldErrors errors, string currency)
    {
        const string field = "currency_code";
        var text = Text(fields, field, errors, FieldRules.MaxTextLength);
        if (text is null)
        {
            return null;
        }

        if (FieldRules.TextLength(text) != 3)
        {
            errors.Add(field, "The currency code must be 3 characters.");
            return null;
        }

        if (!string.Equals(text, currency, StringComparison.Ordinal))
        {
            errors.Add(field, $"The selected currency code is invalid (this account pays out in {currency} only).");
            return null;
        }

        return text;
    }

    /// <summary>
    /// A JSON integer, not a string of digits and not 100.0: that is what the merchant must send, and a
    /// sandbox that took "100" would hide a client that writes amounts as strings.
    /// </summary>
    private static long? Amount(Dictionary<string, JsonElement> fields, FieldErrors errors)
    {
        const string field = "amount";
        if (errors.Has(field))
        {
            return null;
        }

        if (!fields.TryGetValue(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add(field, "The amount field is required.");
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var amount))
        {
            errors.Add(field, "The amount must be an integer.");
            return null;
        }

        if (amount <= 0)
        {
            errors.Add(field, "The amount must be greater than 0.");
            return null;
        }

        return amount;
    }

    /// <summary>Optional (false when left out); when sent, a JSON boolean, which is what the signature's "1" / "" stand for.</summary>
    private static bool IsTest(Dictionary<string, JsonElement> fields, FieldErrors errors)
    {
        const string field = "is_test";
        if (errors.Has(field) || !fields.TryGetValue(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add(field, "The is test field must be true or false.");
            return false;
        }

        return value.GetBoolean();
    }

    private static string? AccountNumber(Dictionary<string, JsonElement> fields, FieldErrors errors)
    {
        const string field = "account_number";
        var text = Text(fields, field, errors, FieldRules.MaxTextLength);
        if (text is not null && !text.All(char.IsAsciiDigit))
        {
            errors.Add(field, "The account number must contain digits only.");
            return null;
        }

        return text;
    }

    private static string? AccountName(Dictionary<string, JsonElement> fields, FieldErrors errors)
    {
        const string field = "account_name";
        var text = Text(fields, field, errors, FieldRules.MaxTextLength);
        if (text is not null && !AccountNamePattern().IsMatch(text))
        {
            errors.Add(field, "The account name format is invalid (1 to 30 Latin letters and spaces).");
            return null;
        }

        return text;
    }

    /// <summary>
    /// The pages' <c>^[a-zA-Z\s]{1,30}$</c> as PCRE reads it: <c>\s</c> is ASCII white space only (.NET's
    /// would take any Unicode space), and <c>\z</c> because PCRE's <c>$</c> never lets more through here.
    /// </summary>
    [GeneratedRegex(@"^[a-zA-Z \t\n\x0B\f\r]{1,30}\z", RegexOptions.CultureInvariant)]
    private static partial Regex AccountNamePattern();

    /// <summary>Optional; an object whose values are strings (the method's flat bank fields), or null.</summary>
    private static OrderedDictionary<string, string>? BankDetails(Dictionary<string, JsonElement> fields, FieldErrors errors)
    {
        const string field = "bank_details";
        if (errors.Has(field) || !fields.TryGetValue(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(field, "The bank details must be an object.");
            return null;
        }

        var details = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        var valid = true;
        foreach (var property in value.EnumerateObject())
        {
            var key = $"{field}.{property.Name}";
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                errors.Add(key, $"The {key} must be a string.");
                valid = false;
            }
            else if (!details.TryAdd(property.Name, property.Value.GetString()!))
            {
                errors.Add(key, $"The {key} field must be sent once.");
                valid = false;
            }
        }

        return valid ? details : null;
    }
}
