using System.Globalization;
using System.Text.Json;

namespace Paykassma.PluginApi.Postbacks;

/// <summary>Lenient readers for postback values: the gateway is PHP and may send a number where a string was expected, or the reverse.</summary>
internal static class JsonScalar
{
    /// <summary>
    /// A string's value or a number's raw text; null for any other kind. False only for a string that
    /// cannot become a .NET string (a lone surrogate escape), which PHP could not have sent.
    /// </summary>
    public static bool TryGetText(JsonElement element, out string? text)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                try
                {
                    text = element.GetString();
                    return true;
                }
                catch (InvalidOperationException)
                {
                    text = null;
                    return false;
                }

            case JsonValueKind.Number:
                text = element.GetRawText();
                return true;
            default:
                text = null;
                return true;
        }
    }

    /// <summary>
    /// Like <see cref="TryGetText"/>, but any other non-null value is kept as its raw JSON text: for fields
    /// such as <c>access_key</c>, where a present value of the wrong type must still count as present.
    /// </summary>
    public static bool TryGetTextOrRawJson(JsonElement element, out string? text)
    {
        if (element.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.True or JsonValueKind.False)
        {
            text = element.GetRawText();
            return true;
        }

        return TryGetText(element, out text);
    }

    /// <summary>An integer sent as a JSON number or as a string of digits; null otherwise (fractions, overflow, other kinds).</summary>
    public static int? GetInt32(JsonElement element, string? text) => element.ValueKind switch
    {
        JsonValueKind.Number when element.TryGetInt32(out var number) => number,
        JsonValueKind.String when int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => number,
        _ => null,
    };

    /// <summary>A plain decimal such as <c>300</c>, <c>-1.50</c> or <c>1.0e+3</c>; null when it does not fit a decimal.</summary>
    public static decimal? ParseDecimal(string? text)
    {
        const NumberStyles PlainNumber = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        return decimal.TryParse(text, PlainNumber, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
